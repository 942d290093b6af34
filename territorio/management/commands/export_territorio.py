import csv

from django.core.management.base import BaseCommand

from territorio.management.options import add_date_option, date_option
from territorio.selectors import COLONNE_EXPORT, righe_export


class Command(BaseCommand):
    help = "Esporta in CSV (stdout) i Comuni della provincia con Ambito, Distretto, ASST e ATS a una data."

    def add_arguments(self, parser):
        add_date_option(parser)

    def handle(self, *args, **options):
        day = date_option(options)
        writer = csv.DictWriter(self.stdout, fieldnames=COLONNE_EXPORT, lineterminator="\n")
        writer.writeheader()
        writer.writerows(righe_export(day))
