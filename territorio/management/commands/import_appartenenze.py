from django.core.management.base import BaseCommand

from territorio.services import importa_appartenenze
from zona.lib import importazione


class Command(BaseCommand):
    help = "Importa appartenenze Comune-Ambito da un file CSV o XLSX (tutto o niente)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        n = importazione.da_comando(self, file, importa_appartenenze)
        self.stdout.write(f"Appartenenze create o modificate: {n}")
