from django.core.management.base import BaseCommand, CommandError

from fondi.selectors import fondi_ambito
from programmazione.comandi import trova_ambito
from zona.lib import valori
from zona.lib.downloads import scrivi_csv

COLONNE = ["fondo", "anno", "assegnato", "programmato", "impegnato", "liquidato", "rendicontato", "residuo"]


class Command(BaseCommand):
    help = (
        "Fondi di un Ambito in un anno di competenza: CSV su stdout "
        "fondo,anno,assegnato,programmato,impegnato,liquidato,rendicontato,residuo (una riga per fondo, poi TOTALE). "
        "assegnato comprende i residui riportati dall'anno prima; residuo = risorse dell'anno non ancora liquidate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ambito", required=True, help="Codice o nome dell'Ambito.")
        parser.add_argument("--anno", required=True, help="Anno di competenza, es. 2025.")

    def handle(self, *args, ambito, anno, **options):
        try:
            anno = valori.anno(anno, minimo=1990, massimo=2100)
        except valori.ValoreNonValido as e:
            raise CommandError(str(e)) from None
        righe, totale = fondi_ambito(trova_ambito(ambito).pk, anno)

        def riga(nome, s):
            return [nome, anno, s.risorse, s.programmato, s.impegnato, s.liquidato, s.rendicontato, s.residuo]

        scrivi_csv(self.stdout, COLONNE, [riga(r.fondo.codice, r.saldo) for r in righe] + [riga("TOTALE", totale)])
