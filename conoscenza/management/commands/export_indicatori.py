from django.core.management.base import BaseCommand

from conoscenza.selectors import COLONNE_INDICATORI, LIVELLI_CALCOLATI, righe_indicatori
from zona.lib.downloads import scrivi_csv


class Command(BaseCommand):
    help = "Esporta in CSV (stdout) gli indicatori calcolati per un livello territoriale e un anno."

    def add_arguments(self, parser):
        parser.add_argument("--livello", required=True, choices=[str(x) for x in LIVELLI_CALCOLATI])
        parser.add_argument("--anno", type=int, required=True)

    def handle(self, *args, **options):
        scrivi_csv(self.stdout, COLONNE_INDICATORI, righe_indicatori(options["livello"], anni=[options["anno"]]))
