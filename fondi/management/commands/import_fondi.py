from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fondi import importa
from zona.lib.tabular import FileRifiutato


class Command(BaseCommand):
    help = (
        "Importa i movimenti dei fondi da un file CSV o XLSX (tracciato in fondi/importa.py e nel README; modello "
        "su /fondi/modello.csv). Tutto o niente: con un errore non salva nulla, scrive gli errori su stderr ed esce "
        "con stato 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="File CSV o XLSX dei movimenti.")

    def handle(self, *args, file, **options):
        percorso = Path(file)
        try:
            contenuto = percorso.read_bytes()
        except OSError as e:
            raise CommandError(f"Non riesco a leggere «{file}»: {e.strerror}.") from None
        try:
            n = importa.importa(None, importa.leggi_file(contenuto, percorso.name))
        except FileRifiutato as e:
            for errore in e.errori:
                self.stderr.write(str(errore))
            raise CommandError(f"File rifiutato ({len(e.errori)} errori): non è stato salvato nulla.") from None
        self.stdout.write(f"{n} movimenti registrati.")
