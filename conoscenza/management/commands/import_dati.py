import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from conoscenza.services import importa_dati
from zona.lib.tabular import FileRifiutato


class Command(BaseCommand):
    help = "Importa un file di dati (CSV/XLSX nel formato Zona, o il file ISTAT della popolazione per età)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--formato", choices=["auto", "zona", "istat"], default="auto")
        parser.add_argument("--anno", type=int, help="Anno dei dati ISTAT, se il titolo del file non lo dice.")
        parser.add_argument("--fonte", default="", help="Fonte da registrare (predefinita: il nome del file).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"File non trovato: {path}")
        barra = tqdm(total=0, unit=" righe", desc="Salvataggio", file=sys.stderr, disable=None)

        def progresso(fatti, totale):
            barra.total = totale
            barra.update(fatti - barra.n)

        try:
            caricamento = importa_dati(
                path.read_bytes(),
                path.name,
                formato=options["formato"],
                anno=options["anno"],
                fonte=options["fonte"],
                progresso=progresso,
            )
        except FileRifiutato as e:
            raise CommandError("File rifiutato, nessun dato salvato:\n" + str(e)) from e
        finally:
            barra.close()
        self.stdout.write(f"Caricate {caricamento.righe} righe ({caricamento.formato}) da {path.name}.")
