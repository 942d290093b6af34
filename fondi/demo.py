"""The illustrative 2025 ledger of two Ambiti (fondi/data/movimenti_demo_2025.csv).

Idempotent: loaded only into Ambiti that have no movement yet (someone may have recorded
movements in the demo)."""

from pathlib import Path

from zona.lib.tabular import Tabella

from . import importa
from .models import Fondo, Movimento

DATA = Path(__file__).resolve().parent / "data"


def carica_demo():
    """Returns (funds in the catalogue, demo movements loaded now). The catalogue itself is
    reference data (fondi.riferimenti, loaded by carica_riferimenti before the demo)."""
    n = Fondo.objects.count()
    with open(DATA / "movimenti_demo_2025.csv", "rb") as f:
        tabella = importa.leggi_file(f.read(), "movimenti_demo_2025.csv")
    gia = set(Movimento.objects.values_list("esercizio__ambito", flat=True).distinct())
    colonna = tabella.intestazione.index("ambito")
    righe = [(numero, v) for numero, v in tabella.righe if v[colonna] not in gia]
    if not righe:
        return n, 0
    return n, importa.importa(None, Tabella(tabella.intestazione, iter(righe)))
