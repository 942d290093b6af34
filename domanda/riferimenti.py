"""Reference data of the demand: the areas of users and the nomenclature of interventions
(domanda/data/*.csv, loaded by `manage.py carica_riferimenti`). The files are the source:
replacing nomenclatore.csv with a fuller or newer list needs no code."""

import csv
from pathlib import Path

from django.db import transaction

from .models import AreaUtenza, Intervento

DATA = Path(__file__).resolve().parent / "data"


def _righe(nome):
    with open(DATA / nome, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@transaction.atomic
def carica_nomenclatore():
    """Create or update every area and code of the files (idempotent); returns (areas, codes)."""
    for ordine, r in enumerate(_righe("aree_utenza.csv"), start=1):
        AreaUtenza.objects.update_or_create(codice=r["codice"], defaults={"nome": r["nome"], "ordine": ordine})
    for ordine, r in enumerate(_righe("nomenclatore.csv"), start=1):
        Intervento.objects.update_or_create(
            codice=r["codice"],
            defaults={
                "descrizione": r["descrizione"],
                "macroarea": r["macroarea"],
                "unita": r["unita"],
                "ordine": ordine,
            },
        )
    return AreaUtenza.objects.count(), Intervento.objects.count()
