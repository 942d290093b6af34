from django.core.management.base import BaseCommand

from monitoraggio.selectors import attuazione
from programmazione.comandi import trova_piano
from zona.lib.downloads import scrivi_csv


class Command(BaseCommand):
    help = (
        "Stato di attuazione degli obiettivi di un piano: CSV su stdout con intestazione "
        "area,stato,numero,percentuale (una riga per area e stato, poi le righe TOTALE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ambito", required=True, help="Codice o nome dell'Ambito.")
        parser.add_argument("--triennio", required=True, help="Triennio del piano, es. 2018-2020.")

    def handle(self, *args, ambito, triennio, **options):
        risultato = attuazione(trova_piano(ambito, triennio))
        righe = [[r.area, r.stato, r.numero, r.percentuale] for r in risultato.righe]
        scrivi_csv(self.stdout, ["area", "stato", "numero", "percentuale"], righe)
        for v in risultato.verifiche:
            self.stderr.write(f"Attenzione: {v}")
