from django.conf import settings
from django.core.management.base import BaseCommand

from domanda.services import elimina_scaduti


class Command(BaseCommand):
    help = (
        "Elimina le righe degli estratti CSI il cui periodo è finito da più di DOMANDA_CONSERVAZIONE_ANNI anni "
        "(variabile ZONA_CONSERVAZIONE_ESTRATTI_ANNI), dopo averne conservato gli aggregati a ogni livello. "
        "Lo storico dei caricamenti resta."
    )

    def add_arguments(self, parser):
        parser.add_argument("--anni", type=int, default=None, help="Anni di conservazione (predefinito: il setting).")

    def handle(self, *args, anni=None, **options):
        anni = settings.DOMANDA_CONSERVAZIONE_ANNI if anni is None else anni
        if anni < 0:
            anni = 0
        caricamenti, righe = elimina_scaduti(anni)
        self.stdout.write(f"Conservazione {anni} anni: eliminate {righe} righe di {caricamenti} estratti.")
