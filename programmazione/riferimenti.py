"""Reference data of planning that every installation needs, not only the demo: the regional
policy areas A-J with their key points and the LEPS (programmazione/data). Loaded by
`manage.py carica_riferimenti`; idempotent."""

import csv
from pathlib import Path

from django.db import transaction

from .models import AreaPolicy, Leps

DATA = Path(__file__).resolve().parent / "data"


def _csv(nome):
    with open(DATA / nome, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def carica_aree_e_leps():
    """Returns (areas, LEPS) read."""
    aree, leps = _csv("aree_policy.csv"), _csv("leps.csv")
    with transaction.atomic():
        for r in aree:
            AreaPolicy.objects.update_or_create(
                codice=r["codice"],
                defaults={"titolo": r["titolo"], "punti_chiave": "\n".join(r["punti_chiave"].split("|"))},
            )
        for r in leps:
            Leps.objects.update_or_create(
                codice=r["codice"], defaults={"nome": r["nome"], "riferimento": r["riferimento"]}
            )
    return len(aree), len(leps)
