from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from domanda.importa import importa_estratto, periodo_predefinito
from zona.lib import valori
from zona.lib.tabular import FileRifiutato


class Command(BaseCommand):
    help = (
        "Importa un estratto della cartella sociale informatizzata (CSV o XLSX, tracciato in domanda/importa.py e "
        "nel README; modello su /domanda/modello.csv). Il codice fiscale è sostituito da uno pseudonimo e non si "
        "salva. Tutto o niente: con un errore non salva nulla, scrive gli errori su stderr ed esce con stato 1. "
        "Un nuovo estratto dello stesso erogatore e periodo sostituisce il precedente."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="File CSV o XLSX dell'estratto.")
        parser.add_argument("--erogatore", help="Codice ISTAT del Comune erogatore (predefinito: quello del file).")
        parser.add_argument("--periodo", help=f"Anno dell'estratto (predefinito: {periodo_predefinito()}).")

    def handle(self, *args, file, erogatore=None, periodo=None, **options):
        try:
            periodo = valori.anno(periodo, minimo=1990, massimo=2100, obbligatorio=False, campo="periodo")
            erogatore = valori.codice(erogatore, campo="erogatore", max_lunghezza=6, obbligatorio=False)
        except valori.ValoreNonValido as e:
            raise CommandError(str(e)) from None
        percorso = Path(file)
        try:
            contenuto = percorso.read_bytes()
        except OSError as e:
            raise CommandError(f"Non riesco a leggere «{file}»: {e.strerror}.") from None
        try:
            caricamento = importa_estratto(contenuto, percorso.name, periodo=periodo, erogatore=erogatore)
        except FileRifiutato as e:
            for errore in e.errori:
                self.stderr.write(str(errore))
            raise CommandError(f"Estratto rifiutato ({len(e.errori)} errori): non è stato salvato nulla.") from None
        self.stdout.write(
            f"Estratto di {caricamento.erogatore_id} per il {caricamento.periodo}: {caricamento.righe} righe, "
            f"{caricamento.persone} persone."
        )
