from django.core.management.base import BaseCommand

from programmazione.comandi import trova_piano
from programmazione.selectors import importi_preventivati
from zona.lib.downloads import scrivi_csv


class Command(BaseCommand):
    help = (
        "Importi preventivati nelle schede obiettivo di un piano, ciascuno con il suo periodo: CSV su stdout "
        "obiettivo,periodo,importo,importo_triennio,fondo; la riga TOTALE somma gli importi nel triennio."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ambito", required=True, help="Codice o nome dell'Ambito.")
        parser.add_argument("--triennio", required=True, help="Triennio del piano, es. 2021-2023.")

    def handle(self, *args, ambito, triennio, **options):
        p = importi_preventivati(trova_piano(ambito, triennio))
        righe = [[r.obiettivo.codice, r.periodo, r.importo, r.importo_triennio, "|".join(r.fondi)] for r in p.righe]
        righe.append(["TOTALE", "triennio", p.totale_triennio, p.totale_triennio, ""])
        scrivi_csv(self.stdout, ["obiettivo", "periodo", "importo", "importo_triennio", "fondo"], righe)
