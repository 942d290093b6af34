from django.core.management.base import BaseCommand

from conoscenza.selectors import LIVELLI_CALCOLATI, calcola, nomi_territori
from zona.lib.downloads import numero_csv, scrivi_csv


class Command(BaseCommand):
    help = "Esporta in CSV (stdout) gli indicatori calcolati per un livello territoriale e un anno."

    def add_arguments(self, parser):
        parser.add_argument("--livello", required=True, choices=[str(x) for x in LIVELLI_CALCOLATI])
        parser.add_argument("--anno", type=int, required=True)

    def handle(self, *args, **options):
        livello, anno = options["livello"], options["anno"]
        valori = calcola(livello, anni=[anno])
        nomi = nomi_territori(livello)
        scrivi_csv(
            self.stdout,
            ["livello", "codice_territorio", "territorio", "anno", "indicatore", "valore"],
            (
                [livello, codice, nomi.get(codice, ""), a, indicatore, "" if valore is None else numero_csv(valore)]
                for (codice, a, indicatore), valore in sorted(valori.items())
            ),
        )
