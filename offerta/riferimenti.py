"""Reference data of the service offer that every installation needs: the types of unità
d'offerta (offerta/data/tipi_unita.csv) and the LEPS with their indicators and thresholds
(offerta/data/leps.csv). Loaded by `manage.py carica_riferimenti`; idempotent."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .models import Leps, TipoUnita

DATA = Path(__file__).resolve().parent / "data"


def _csv(nome):
    with open(DATA / nome, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _decimale(testo):
    return Decimal(testo) if testo.strip() else None


def carica_leps():
    """Number of LEPS read."""
    righe = _csv("leps.csv")
    with transaction.atomic():
        for r in righe:
            Leps.objects.update_or_create(
                codice=r["codice"],
                defaults={
                    "nome": r["nome"],
                    "riferimento": r["riferimento"],
                    "indicatore": r["indicatore"],
                    "unita": r["unita"],
                    "verso": r["verso"],
                    "soglia": _decimale(r["soglia"]),
                    "soglia_parziale": _decimale(r["soglia_parziale"]),
                    "obiettivo": _decimale(r["obiettivo"]),
                    "calcolo": r["calcolo"],
                    "ordine": int(r["ordine"]),
                },
            )
    return len(righe)


def carica_tipi():
    """Number of types of unità d'offerta read (after domanda's areas of users, which they name)."""
    righe = _csv("tipi_unita.csv")
    with transaction.atomic():
        for r in righe:
            TipoUnita.objects.update_or_create(
                codice=r["codice"],
                defaults={k: r[k] for k in ("nome", "sigla", "gruppo", "rete", "descrizione", "parole_chiave")}
                | {"area_id": r["area"], "ordine": int(r["ordine"])},
            )
    return len(righe)
