from django.core.management.base import BaseCommand

from territorio.management.options import add_date_option, date_option
from territorio.selectors import COLONNE_EXPORT, righe_export
from zona.lib.downloads import scrivi_csv


class Command(BaseCommand):
    help = "Esporta in CSV (stdout) i Comuni della provincia con Ambito, Distretto, ASST e ATS a una data."

    def add_arguments(self, parser):
        add_date_option(parser)

    def handle(self, *args, **options):
        day = date_option(options)
        scrivi_csv(self.stdout, COLONNE_EXPORT, ([r[c] for c in COLONNE_EXPORT] for r in righe_export(day)))
