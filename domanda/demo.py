"""Demo of the social demand: SYNTHETIC CSI extracts (domanda.sintetico) for the 14 Ambiti in
2023 and 2024, loaded through the real importer (pseudonyms and all)."""

import datetime
import io

from django.db import transaction

from conoscenza.models import Osservazione
from territorio.models import AppartenenzaComune
from zona.lib.downloads import scrivi_csv

from .importa import COLONNE, importa_estratto
from .models import CaricamentoEstratto
from .services import pubblica_in_conoscenza
from .sintetico import genera

PREFISSO = "demo-sintetico"


def _csv(righe):
    buffer = io.StringIO()
    scrivi_csv(buffer, COLONNE, ([r[c] for c in COLONNE] for r in righe))
    return buffer.getvalue().encode()


@transaction.atomic  # one commit for the 30 extracts
def carica_demo():
    """Returns (extracts loaded now, rows). Idempotent: nothing if the demo extracts are there."""
    if CaricamentoEstratto.objects.filter(nome_file__startswith=PREFISSO).exists():
        return 0, 0
    ambiti = {}
    giorno = datetime.date(2024, 12, 31)
    for comune, ambito in AppartenenzaComune.objects.valid_on(giorno).values_list("comune_id", "ambito_id"):
        ambiti.setdefault(ambito, []).append(comune)
    n, righe = 0, 0
    estratti = genera(ambiti)
    for (erogatore, anno), dati in sorted(estratti.items()):
        c = importa_estratto(
            _csv(dati), f"{PREFISSO}-{erogatore}-{anno}.csv", periodo=anno, erogatore=erogatore, pubblica=False
        )
        n, righe = n + 1, righe + c.righe
    # Into the knowledge base only the years it has residents for (the demo's population ends
    # on 1/1/2023): a year of demand alone would become the quadro conoscitivo's latest year,
    # the one its comparisons are made in. A later extract's import brings its year in.
    con_popolazione = set(
        Osservazione.objects.attive()
        .filter(misura_id="popolazione_residente", anno__in={anno for _, anno in estratti})
        .values_list("anno", flat=True)
        .distinct()
    )
    for anno in sorted(con_popolazione):
        pubblica_in_conoscenza(anno)
    return n, righe
