from django.core.management.base import BaseCommand

from programmazione.comandi import trova_piano
from zona.lib.downloads import scrivi_csv

from ...selectors import righe_export

COLONNE = ["tavolo", "incontri", "partecipanti_enti", "proposte", "obiettivi_collegati"]


class Command(BaseCommand):
    help = (
        "Co-programmazione del piano di un Ambito: CSV su stdout tavolo,incontri,partecipanti_enti,proposte,"
        "obiettivi_collegati (una riga per tavolo: incontri tenuti, organizzazioni distinte tra componenti e "
        "presenti, esiti registrati, codici degli obiettivi collegati separati da «|»)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ambito", required=True, help="Codice o nome dell'Ambito.")
        parser.add_argument("--triennio", required=True, help="Triennio del piano, es. 2021-2023.")

    def handle(self, *args, ambito, triennio, **options):
        piano = trova_piano(ambito, triennio)
        righe = righe_export(piano)
        scrivi_csv(
            self.stdout,
            COLONNE,
            [[r.tavolo, r.incontri, r.partecipanti_enti, r.proposte, r.obiettivi_collegati] for r in righe],
        )
