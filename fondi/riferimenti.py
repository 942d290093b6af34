"""The fund catalogue: reference data every installation needs (fondi/data/fondi.csv)."""

import csv
from pathlib import Path

from django.db import transaction

from programmazione.models import AreaPolicy

from .models import Fondo

DATA = Path(__file__).resolve().parent / "data"


def _intero(testo):
    return int(testo) if testo else None


@transaction.atomic
def carica_fondi():
    """Create or update every fund of the file (idempotent); returns the number of funds."""
    aree = {a.pk: a for a in AreaPolicy.objects.all()}
    with open(DATA / "fondi.csv", encoding="utf-8", newline="") as f:
        righe = list(csv.DictReader(f))
    for ordine, r in enumerate(righe, start=1):
        fondo, _ = Fondo.objects.update_or_create(
            codice=r["codice"],
            defaults={
                "nome": r["nome"],
                "fonte": r["fonte"],
                "riferimento": r["riferimento"],
                "anni_utilizzo": _intero(r["anni_utilizzo"]),
                "mesi_rendicontazione": _intero(r["mesi_rendicontazione"]),
                "note": r["note"],
                "ordine": ordine,
            },
        )
        fondo.aree.set([aree[c] for c in r["aree"].split("|") if c])
    return Fondo.objects.count()
