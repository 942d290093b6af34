"""The split of an amount among Ambiti by their resident population, from the knowledge base."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from conoscenza.models import Livello
from conoscenza.selectors import caricamenti_attivi, calcola
from territorio.models import Ambito

from .riparto import RipartoNonValido, in_centesimi, riparto


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
            f"Manca la popolazione al 1° gennaio {anno} di: " + ", ".join(mancanti) + ". Caricare i dati o scegliere un altro anno."
        )
    quote = riparto(importo, {c: int(p) for c, p in popolazioni.items()})
    r = Riparto(Decimal(str(importo)).quantize(Decimal("0.01")), anno)
    r.righe = [RigaRiparto(ambiti[c], int(popolazioni[c]), quote[c]) for c in sorted(scelti, key=lambda c: ambiti[c].nome)]
    r.fonti = list(caricamenti_attivi([Livello.AMBITO], scelti, [anno]))
    return r


