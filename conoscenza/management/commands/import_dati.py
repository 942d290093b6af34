import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from conoscenza.services import importa_dati
from zona.lib import importazione


class Command(BaseCommand):
    help = "Importa un file di dati (CSV/XLSX nel formato Zona, o il file ISTAT della popolazione per età)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--formato", choices=["auto", "zona", "istat"], default="auto")
        parser.add_argument("--anno", type=int, help="Anno dei dati ISTAT, se il titolo del file non lo dice.")
        parser.add_argument("--fonte", default="", help="Fonte da registrare (predefinita: il nome del file).")

    def handle(self, *args, file, formato, anno, fonte, **options):
        barra = tqdm(total=0, unit=" righe", desc="Salvataggio", file=sys.stderr, disable=None)

        def progresso(fatti, totale):
            barra.total = totale
            barra.update(fatti - barra.n)

        try:
            caricamento = importazione.da_comando(
                self,
                file,
                lambda contenuto, nome: importa_dati(
                    contenuto, nome, formato=formato, anno=anno, fonte=fonte, progresso=progresso
                ),
            )
        finally:
            barra.close()
        self.stdout.write(f"Caricate {caricamento.righe} righe ({caricamento.formato}) da {caricamento.nome_file}.")
