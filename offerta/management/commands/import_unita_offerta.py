from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from offerta import importa
from zona.lib.tabular import FileRifiutato


class Command(BaseCommand):
    help = (
        "Importa le unità d'offerta da un file CSV o XLSX (tracciato in offerta/importa.py e nel README; modello su "
        "/offerta/modello.csv). Tutto o niente: con un errore non salva nulla, scrive gli errori (riga, colonna, "
        "motivo) su stderr ed esce con stato 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="File CSV o XLSX delle unità d'offerta.")

    def handle(self, *args, file, **options):
        percorso = Path(file)
        try:
            contenuto = percorso.read_bytes()
        except OSError as e:
            raise CommandError(f"Non riesco a leggere «{file}»: {e.strerror}.") from None
        try:
            n = importa.importa(contenuto, percorso.name)
        except FileRifiutato as e:
            for errore in e.errori:
                self.stderr.write(str(errore))
            raise CommandError(f"File rifiutato ({len(e.errori)} errori): non è stato salvato nulla.") from None
        self.stdout.write(f"{n} unità d'offerta importate.")
