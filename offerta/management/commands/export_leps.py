from django.core.management.base import BaseCommand, CommandError

from offerta import leps
from territorio.models import Ambito
from zona.lib import valori
from zona.lib.downloads import scrivi_csv
from zona.lib.text import normalizza


class Command(BaseCommand):
    help = (
        "Scrive su stdout il CSV dei LEPS di un Ambito in un anno: leps,indicatore,valore,soglia,stato,fonte "
        "(stato: raggiunto, parziale, non raggiunto, dato mancante)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ambito", required=True, help="Nome o codice dell'Ambito (per esempio «Alto Sebino»).")
        parser.add_argument("--anno", required=True, help="Anno (per esempio 2024).")

    def handle(self, *args, ambito, anno, **options):
        try:
            anno = valori.anno(anno, minimo=1990, massimo=2100)
        except valori.ValoreNonValido as e:
            raise CommandError(str(e)) from None
        chiave = normalizza(ambito)
        trovato = next(
            (a for a in Ambito.objects.all() if chiave in (normalizza(a.pk), normalizza(a.nome))),
            None,
        )
        if trovato is None:
            raise CommandError(f"Ambito «{valori.mostra(ambito)}» sconosciuto (nome o codice).")
        scrivi_csv(self.stdout, leps.COLONNE_EXPORT, leps.righe_export(trovato.pk, anno))
