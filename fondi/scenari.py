"""What-if: an amount split among the Ambiti by population and within each Ambito among its
Comuni, computed for the current parameters and for changed ones, side by side, before anything
is saved. A saved Scenario keeps only its parameters."""

import datetime
import gc
from dataclasses import dataclass
from decimal import Decimal

from programmazione.popolazione import residenti, riparto_per_popolazione
from programmazione.riparto import RipartoNonValido
from territorio.models import Ambito

from .riparto import comuni_per_ambito, residenti_di_ogni_comune, riparto_di_ogni_ambito


@dataclass(frozen=True)
class Parametri:
    importo: Decimal
    anno: int
    criterio_comuni: str = "popolazione"
    eta_da: int | None = None
    eta_a: int | None = None
    quota_uguale: int | None = None

    @classmethod
    def da_scenario(cls, s):
        return cls(s.importo, s.anno, s.criterio_comuni, s.eta_da, s.eta_a, s.quota_uguale)


def calcola(p, letture=None):
    """({ambito code: (Ambito, quota)}, {comune code: (Comune, ambito code, quota)}). The Ambiti,
    the Comuni of every Ambito and their residents are read once (one query each for the whole
    country, the residents once per data version), and once for both sides of a what-if:
    `letture` is where `confronta` keeps them."""
    letture = {} if letture is None else letture

    def leggi(chiave, fare):
        if chiave not in letture:
            letture[chiave] = fare()
        return letture[chiave]

    ambiti = leggi("ambiti", lambda: {a.pk: a for a in Ambito.objects.all()})
    residenti_ambiti, residenti_comuni = leggi(("residenti", p.anno), lambda: residenti(p.anno))
    tra_ambiti = riparto_per_popolazione(p.importo, p.anno, fonti=False, ambiti=ambiti, per_ambito=residenti_ambiti)
    per_ambito = leggi(("comuni", p.anno), lambda: comuni_per_ambito(datetime.date(p.anno, 1, 1)))
    if p.criterio_comuni != "fascia_eta":
        popolazione = residenti_comuni
    elif p.eta_da is not None or p.eta_a is not None:
        popolazione = residenti_di_ogni_comune(p.anno, p.eta_da, p.eta_a)
    else:
        popolazione = None  # no band: riparto_di_ogni_ambito refuses it with its message
    ambiti = {r.ambito.pk: (r.ambito, r.quota) for r in tra_ambiti.righe}
    comuni = riparto_di_ogni_ambito(
        {r.ambito: r.quota for r in tra_ambiti.righe},
        per_ambito,
        popolazione,
        p.criterio_comuni,
        p.anno,
        p.eta_da,
        p.eta_a,
        p.quota_uguale,
    )
    return ambiti, comuni


@dataclass
class Riga:
    nome: str
    ambito: str
    attuale: Decimal | None
    scenario: Decimal | None

    @property
    def differenza(self):
        if self.attuale is None or self.scenario is None:
            return None
        return self.scenario - self.attuale


def confronta(attuali, nuovi):
    """Rows per Ambito and per Comune, current beside what-if (a Comune that moved Ambito between
    the two population years shows under its new Ambito)."""
    # A national what-if makes tens of thousands of small objects: the cyclic garbage collector
    # would walk the whole process's heap again and again for nothing (a third of the time on
    # the bench; as conoscenza.services.importa_dati does for the same reason).
    gc_attivo = gc.isenabled()
    gc.disable()
    try:
        return _confronta(attuali, nuovi)
    finally:
        if gc_attivo:
            gc.enable()


def _confronta(attuali, nuovi):
    letture = {}  # read once when both use the same population year (the usual case)
    a_amb, a_com = calcola(attuali, letture)
    n_amb, n_com = calcola(nuovi, letture)
    ambiti = [
        Riga(
            (n_amb.get(c) or a_amb[c])[0].nome,
            c,
            a_amb[c][1] if c in a_amb else None,
            n_amb[c][1] if c in n_amb else None,
        )
        for c in sorted(set(a_amb) | set(n_amb), key=lambda c: (n_amb.get(c) or a_amb[c])[0].nome)
    ]
    comuni = [
        Riga(
            (n_com.get(c) or a_com[c])[0].nome,
            (n_com.get(c) or a_com[c])[1],
            a_com[c][2] if c in a_com else None,
            n_com[c][2] if c in n_com else None,
        )
        for c in set(a_com) | set(n_com)
    ]
    comuni.sort(key=lambda r: (r.ambito, r.nome))
    return ambiti, comuni


__all__ = ["Parametri", "calcola", "confronta", "RipartoNonValido"]
