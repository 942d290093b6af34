from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from programmazione.popolazione import riparto_per_popolazione
from programmazione.riparto import RipartoNonValido
from zona.lib.downloads import scrivi_csv


class Command(BaseCommand):
    help = (
        "Riparte un importo tra gli Ambiti in proporzione alla popolazione residente al 1° gennaio "
        "dell'anno indicato. CSV su stdout: ambito,popolazione,quota (le quote sommano all'importo)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--importo", required=True, help="Importo in euro, con il punto decimale (es. 120000.00).")
        parser.add_argument(
            "--anno-popolazione", type=int, required=True, help="Anno della popolazione (al 1° gennaio)."
        )
        parser.add_argument("--ambiti", default="", help="Codici degli Ambiti separati da virgola (default: tutti).")

    def handle(self, *args, importo, anno_popolazione, ambiti, **options):
        try:
            importo = Decimal(importo)
        except InvalidOperation:
            raise CommandError(
                f"«{importo}» non è un importo valido (usare il punto decimale, es. 120000.00)."
            ) from None
        codici = [c.strip() for c in ambiti.split(",") if c.strip()] or None
        try:
            r = riparto_per_popolazione(importo, anno_popolazione, codici)
        except RipartoNonValido as e:
            raise CommandError(str(e)) from None
        righe = [[x.ambito.pk, x.popolazione, x.quota] for x in sorted(r.righe, key=lambda x: x.ambito.pk)]
        scrivi_csv(self.stdout, ["ambito", "popolazione", "quota"], righe)
