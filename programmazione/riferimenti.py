"""Reference data of planning that every installation needs, not only the demo: the regional
policy areas A-J with their key points (programmazione/data) and the LEPS (offerta/data: the
catalogue of the LEPS with their thresholds lives in offerta). Loaded by
`manage.py carica_riferimenti`; idempotent."""

import csv
from pathlib import Path

from django.db import transaction

from offerta.riferimenti import carica_leps

from .models import AreaPolicy

DATA = Path(__file__).resolve().parent / "data"


def _csv(nome):
    with open(DATA / nome, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def carica_aree_e_leps():
    """Returns (areas, LEPS) read."""
    aree = _csv("aree_policy.csv")
    with transaction.atomic():
        for r in aree:
            AreaPolicy.objects.update_or_create(
                codice=r["codice"],
                defaults={"titolo": r["titolo"], "punti_chiave": "\n".join(r["punti_chiave"].split("|"))},
            )
        leps = carica_leps()
    return len(aree), leps
