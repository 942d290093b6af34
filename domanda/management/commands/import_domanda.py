from django.core.management.base import BaseCommand, CommandError

from domanda.importa import importa_estratto, periodo_predefinito
from zona.lib import importazione, valori


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
        caricamento = importazione.da_comando(
            self,
            file,
            lambda contenuto, nome: importa_estratto(contenuto, nome, periodo=periodo, erogatore=erogatore),
            cosa="Estratto",
        )
        self.stdout.write(
            f"Estratto di {caricamento.erogatore_id} per il {caricamento.periodo}: {caricamento.righe} righe, "
            f"{caricamento.persone} persone."
        )
