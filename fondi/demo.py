"""The illustrative 2025 ledger of two Ambiti (fondi/data/movimenti_demo_2025.csv).

Idempotent: loaded only into Ambiti that have no movement yet (someone may have recorded
movements in the demo)."""

import datetime
from decimal import Decimal
from pathlib import Path

from zona.lib.tabular import Tabella

from . import importa
from .models import Fondo, Movimento, ProgettoPnrr, Traguardo

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
    carica_pnrr()
    if not righe:
        return n, 0
    return n, importa.importa(None, Tabella(tabella.intestazione, iter(righe)))


ILLUSTRATIVO = "ILLUSTRATIVO: progetto dimostrativo con CUP, importo e traguardi inventati"


def carica_pnrr():
    """One illustrative M5C2 1.2 project of Alto Sebino with its milestones (idempotent)."""
    p, creato = ProgettoPnrr.objects.get_or_create(
        cup="A00B22000000001",
        defaults={
            "ambito_id": "alto-sebino",
            "linea": "1.2",
            "titolo": "Percorsi di autonomia per persone con disabilità (dimostrativo)",
            "importo": Decimal("715000.00"),
            "stato": "avviato",
            "fonte": ILLUSTRATIVO,
        },
    )
    if creato:
        for tipo, descrizione, scadenza, raggiunto in (
            (
                "milestone",
                "Sottoscrizione dell'accordo di concessione",
                datetime.date(2022, 12, 31),
                datetime.date(2022, 12, 15),
            ),
            ("milestone", "Avvio dei percorsi individualizzati", datetime.date(2023, 6, 30), None),
            ("target", "Persone con disabilità con un progetto di autonomia attivo", datetime.date(2026, 3, 31), None),
        ):
            Traguardo.objects.create(
                progetto=p, tipo=tipo, descrizione=descrizione, scadenza=scadenza, raggiunto_il=raggiunto
            )
    return ProgettoPnrr.objects.count()
