from django.core.management.base import BaseCommand

from conoscenza.models import Indicatore, Misura
from conoscenza.services import carica_catalogo
from domanda.riferimenti import carica_nomenclatore
from fondi.riferimenti import carica_fondi
from offerta.riferimenti import carica_tipi
from programmazione.riferimenti import carica_aree_e_leps


class Command(BaseCommand):
    """The reference data every installation needs, demo or not: the catalogue of measures and
    indicators with their formulas (conoscenza/data), the policy areas A-J with their key points
    and the LEPS (programmazione/data), the fund catalogue (fondi/data), the areas of users and the
    nomenclature of social interventions (domanda/data). Run after `migrate` on a
    new database and after each update of Zona; idempotent (the files are the source: what changed is rewritten).
    Not before `restore`: a backup holds these rows, and restore wants an empty database.

    In the project package because it loads the data of several apps."""

    help = (
        "Carica (in modo idempotente) i dati di riferimento: catalogo degli indicatori, aree di policy, LEPS, "
        "tipi di unità d'offerta, fondi."
    )

    def handle(self, *args, **options):
        carica_catalogo()
        aree, leps = carica_aree_e_leps()
        fondi = carica_fondi()  # after the areas: a fund names the areas it may finance
        aree_utenza, interventi = carica_nomenclatore()
        tipi = carica_tipi()  # after the areas of users: a type names the area it serves
        self.stdout.write(
            f"Dati di riferimento: {Misura.objects.count()} misure e {Indicatore.objects.count()} indicatori "
            f"del catalogo, {aree} aree di policy, {leps} LEPS, {tipi} tipi di unità d'offerta, {fondi} fondi, "
            f"{aree_utenza} aree di utenza e {interventi} interventi del nomenclatore."
        )
