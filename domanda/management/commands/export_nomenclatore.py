from django.core.management.base import BaseCommand

from domanda.selectors import nomenclatore
from zona.lib.downloads import scrivi_csv

COLONNE = ["codice", "descrizione", "macroarea", "unita"]


class Command(BaseCommand):
    help = "Nomenclatore degli interventi e servizi sociali: CSV su stdout codice,descrizione,macroarea,unita."

    def handle(self, *args, **options):
        scrivi_csv(self.stdout, COLONNE, [[i.codice, i.descrizione, i.macroarea, i.unita] for i in nomenclatore()])
