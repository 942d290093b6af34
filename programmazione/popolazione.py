"""The split of an amount among Ambiti by their resident population, from the knowledge base."""

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from conoscenza.models import Caricamento, Livello, Osservazione, Termine
from conoscenza.selectors import calcola
from territorio.models import Ambito

from .riparto import RipartoNonValido, confronta_con_tabella, in_centesimi, riparto

TABELLA_PROLOGO_2025 = Path(__file__).resolve().parent / "data" / "prologo-2025-2027" / "riparto_fnps.csv"


@dataclass
class RigaRiparto:
    ambito: Ambito
    popolazione: int
    quota: Decimal


@dataclass
class Riparto:
    importo: Decimal
    anno: int
    righe: list = field(default_factory=list)
    fonti: list = field(default_factory=list)

    @property
    def popolazione(self):
        return sum(r.popolazione for r in self.righe)

    @property
    def totale(self):
        return sum((r.quota for r in self.righe), Decimal(0))


def riparto_per_popolazione(importo, anno, codici=None):
    """Split `importo` among the Ambiti `codici` (all when None) by residents on 1 January of
    `anno` (Comuni rolled up through the memberships valid on that day)."""
    in_centesimi(importo)  # the amount is checked before any query
    ambiti = {a.pk: a for a in Ambito.objects.all()}
    scelti = sorted(codici or ambiti)
    ignoti = [c for c in scelti if c not in ambiti]
    if ignoti:
        raise RipartoNonValido("Ambiti sconosciuti: " + ", ".join(ignoti) + ".")
    valori = calcola(Livello.AMBITO, anni=[anno], indicatori=["popolazione"], territori=scelti)
    popolazioni = {c: valori.get((c, anno, "popolazione")) for c in scelti}
    mancanti = [ambiti[c].nome for c, p in popolazioni.items() if p is None]
    if mancanti:
        raise RipartoNonValido(
            f"Manca la popolazione al 1° gennaio {anno} di: "
            + ", ".join(mancanti)
            + ". Caricare i dati o scegliere un altro anno."
        )
    quote = riparto(importo, {c: int(p) for c, p in popolazioni.items()})
    r = Riparto(Decimal(str(importo)).quantize(Decimal("0.01")), anno)
    r.righe = [
        RigaRiparto(ambiti[c], int(popolazioni[c]), quote[c]) for c in sorted(scelti, key=lambda c: ambiti[c].nome)
    ]
    r.fonti = fonti_popolazione(anno)
    return r


def fonti_popolazione(anno):
    """The active loads that give the residents of `anno` (the terms of the indicator)."""
    ids = (
        Osservazione.objects.attive()
        .filter(anno=anno, misura__in=_misure_popolazione())
        .values_list("caricamento_id", flat=True)
        .distinct()
    )
    return list(Caricamento.objects.filter(pk__in=ids).order_by("creato_il"))


def _misure_popolazione():
    return Termine.objects.filter(indicatore__codice="popolazione").values("misura")


def verifica_tabella_prologo_2025():
    """The FNPS table of the Prologo 2025-2027 (120.000 € a year) against Zona's split with the
    printed parts as weights (the Prologo prints no population): (comparisons, printed sum,
    difference from 120.000,00)."""
    with open(TABELLA_PROLOGO_2025, encoding="utf-8") as f:
        righe = [(r["ambito"], int(Decimal(r["quota"]) * 100), r["quota"]) for r in csv.DictReader(f)]
    return confronta_con_tabella(Decimal("120000.00"), righe)
