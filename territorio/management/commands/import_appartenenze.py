from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territorio.services import importa_appartenenze
from zona.lib.tabular import FileRifiutato


class Command(BaseCommand):
    help = "Importa appartenenze Comune-Ambito da un file CSV o XLSX (tutto o niente)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"File non trovato: {path}")
        try:
            n = importa_appartenenze(path.read_bytes(), path.name)
        except FileRifiutato as e:
            raise CommandError("File rifiutato, nessuna modifica salvata:\n" + str(e)) from e
        self.stdout.write(f"Appartenenze create o modificate: {n}")
