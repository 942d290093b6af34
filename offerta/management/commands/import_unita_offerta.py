from django.core.management.base import BaseCommand

from offerta import importa
from zona.lib import importazione


class Command(BaseCommand):
    help = (
        "Importa le unità d'offerta da un file CSV o XLSX (tracciato in offerta/importa.py e nel README; modello su "
        "/offerta/modello.csv). Tutto o niente: con un errore non salva nulla, scrive gli errori (riga, colonna, "
        "motivo) su stderr ed esce con stato 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="File CSV o XLSX delle unità d'offerta.")

    def handle(self, *args, file, **options):
        n = importazione.da_comando(self, file, importa.importa)
        self.stdout.write(f"{n} unità d'offerta importate.")
