from django.core.management.base import BaseCommand

from fondi import importa
from zona.lib import importazione


class Command(BaseCommand):
    help = (
        "Importa i movimenti dei fondi da un file CSV o XLSX (tracciato in fondi/importa.py e nel README; modello "
        "su /fondi/modello.csv). Tutto o niente: con un errore non salva nulla, scrive gli errori su stderr ed esce "
        "con stato 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="File CSV o XLSX dei movimenti.")

    def handle(self, *args, file, **options):
        n = importazione.da_comando(
            self, file, lambda contenuto, nome: importa.importa(None, importa.leggi_file(contenuto, nome))
        )
        self.stdout.write(f"{n} movimenti registrati.")
