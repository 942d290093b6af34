import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
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
        parser.add_argument(
            "--in-coda",
            metavar="UTENTE",
            help="Non caricare ora: mettere in coda un lavoro in background a nome di UTENTE (ne stampa la pagina).",
        )

    def handle(self, *args, file, formato, anno, fonte, in_coda=None, **options):
        if in_coda:
            return self._in_coda(Path(file), in_coda, formato=formato, anno=anno, fonte=fonte)
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

    def _in_coda(self, path, username, **opzioni):
        from django.contrib.auth import get_user_model

        from conoscenza.background import accoda_dati
        from lavori.services import url_lavoro

        if not path.is_file():
            raise CommandError(f"File non trovato: {path}")
        utente = get_user_model().objects.filter(username=username).first()
        if utente is None:
            raise CommandError(f"Utente «{username}» inesistente.")
        lavoro = accoda_dati(utente, path.read_bytes(), path.name, **opzioni)
        self.stdout.write(f"Lavoro {lavoro.pk} in coda: {url_lavoro(lavoro)}")
