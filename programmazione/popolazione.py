"""The split of an amount among Ambiti by their resident population, from the knowledge base."""

import csv
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Count, Q

from conoscenza.models import MISURE_CON_TOTALI, Caricamento, Livello, Osservazione, Termine, TotaleComune
from conoscenza.selectors import calcola_livelli
from territorio.models import Ambito
from zona.lib.cache import CONOSCENZA, memorizza

from .riparto import DatiMancanti, RipartoNonValido, in_centesimi, riparto

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


def riparto_per_popolazione(importo, anno, codici=None, fonti=True, ambiti=None, per_ambito=None):
    """Split `importo` among the Ambiti `codici` (all when None) by residents on 1 January of
    `anno` (Comuni rolled up through the memberships valid on that day). `fonti`: also the loads
    that give the residents (the what-if shows none, and finding them is a pass of its own).
    `ambiti` {code: Ambito} and `per_ambito` (the first of `residenti(anno)`): when the caller
    has read them already (the what-if splits twice)."""
    in_centesimi(importo)  # the amount is checked before any query
    if ambiti is None:
        ambiti = {a.pk: a for a in Ambito.objects.all()}
    scelti = sorted(codici or ambiti)
    ignoti = [c for c in scelti if c not in ambiti]
    if ignoti:
        raise DatiMancanti("Ambiti sconosciuti: " + ", ".join(ignoti) + ".")
    if per_ambito is None:
        per_ambito, _ = residenti(anno)
    popolazioni = {c: per_ambito.get(c) for c in scelti}
    mancanti = [ambiti[c].nome for c, p in popolazioni.items() if p is None]
    if mancanti:
        raise DatiMancanti(
            f"Manca la popolazione al 1° gennaio {anno} di: "
            + ", ".join(mancanti)
            + ". Caricare i dati o scegliere un altro anno."
        )
    quote = riparto(importo, {c: int(p) for c, p in popolazioni.items()})
    r = Riparto(Decimal(str(importo)).quantize(Decimal("0.01")), anno)
    r.righe = [
        RigaRiparto(ambiti[c], int(popolazioni[c]), quote[c]) for c in sorted(scelti, key=lambda c: ambiti[c].nome)
    ]
    r.fonti = memorizza(f"fonti-popolazione:{anno}", lambda: fonti_popolazione(anno), dati=CONOSCENZA) if fonti else []
    return r


def residenti(anno):
    """({ambito code: residents}, {comune code: residents}) on 1 January of `anno`: the same for
    every amount split, so computed once per version of the knowledge base's data (a fund
    movement or a plan's edit leaves them), both levels in one pass over the loads' totals per
    Comune (conoscenza.models.TotaleComune: 8.000 rows for Italy, not its 1,6 M values by age
    and sex; the what-if splits every Ambito among its Comuni too). The loads that give them
    (`fonti_popolazione`) apart: at national scale their DISTINCT over a year's 1,6 M values
    took as long as the residents once did, and the what-if does not show them."""
    return memorizza(f"residenti-livelli:{anno}", lambda: _residenti(anno), dati=CONOSCENZA)


def calcola_dopo_un_caricamento(sender, instance, raw=False, **kwargs):
    """post_save of a knowledge-base load (programmazione.apps): once it is committed, the
    residents of the years whose population it brings are computed, so that the first split or
    what-if after a population load reads them from the cache: paid by the load (a job of a
    minute for a country) rather than by the first user who splits an amount. Once
    per load and transaction (a load is saved two or three times in it); a failure is logged,
    never the load's (committed already). Not for rows a restore or a fixture writes as they are."""
    if raw:
        return
    in_attesa = (
        getattr(f, "func", None) is _calcola_residenti_del_caricamento and f.args == (instance.pk,)
        for _, f, _ in connection.run_on_commit
    )
    if not any(in_attesa):
        transaction.on_commit(partial(_calcola_residenti_del_caricamento, instance.pk), robust=True)


def _calcola_residenti_del_caricamento(caricamento_id):
    anni = (
        Osservazione.objects.filter(caricamento_id=caricamento_id, misura__in=_misure_popolazione())
        .order_by()
        .values_list("anno", flat=True)
        .distinct()
    )
    for anno in sorted(anni):
        residenti(anno)


def _residenti(anno):
    valori = calcola_livelli([Livello.AMBITO, Livello.COMUNE], anni=[anno], indicatori=["popolazione"])
    ambiti = {c: v for (c, a, _), v in valori[Livello.AMBITO].items() if a == anno}
    comuni = {c: int(v) for (c, a, _), v in valori[Livello.COMUNE].items() if a == anno and v is not None}
    return ambiti, comuni


def fonti_popolazione(anno):
    """The active loads that give the residents of `anno` (the terms of the indicator): for the
    Comuni of a measure with totals per Comune, those of its totals (a year's 1,6 M values of
    the population by age and sex took 0,4-2,3 s on the national frame), else its values."""
    misure = set(_misure_popolazione().values_list("misura", flat=True))
    con_totali = misure & set(MISURE_CON_TOTALI)
    dai_totali = TotaleComune.objects.attivi().filter(anno=anno, misura__in=con_totali)
    altri_livelli = [lv for lv in Livello.values if lv != Livello.COMUNE]
    dai_valori = (
        Osservazione.objects.attive()
        .filter(anno=anno)
        .filter(Q(misura__in=misure - con_totali) | Q(misura__in=con_totali, livello__in=altri_livelli))
    )
    ids = {i for qs in (dai_totali, dai_valori) for i in qs.values_list("caricamento_id", flat=True).distinct()}
    return list(Caricamento.objects.filter(pk__in=ids).order_by("creato_il"))


def _misure_popolazione():
    return Termine.objects.filter(indicatore__codice="popolazione").values("misura")


@dataclass
class ConfrontoProlog:
    """One Ambito of the Prologo's FNPS table beside Zona's split by population."""

    ambito: Ambito
    nome_stampato: str
    popolazione: int
    comuni: int
    stampata: Decimal
    calcolata: Decimal
    # The population the printed quota implies, at the same provincial total.
    popolazione_implicita: int

    @property
    def differenza(self):
        return self.stampata - self.calcolata


@dataclass
class VerificaPrologo:
    anno: int
    righe: list
    fonti: list
    popolazione: int

    @property
    def somma_stampata(self):
        return sum((r.stampata for r in self.righe), Decimal(0))

    @property
    def scarto(self):
        """Printed sum minus the printed total (120.000,00)."""
        return self.somma_stampata - IMPORTO_PROLOGO_2025

    @property
    def differenti(self):
        return [r for r in self.righe if r.differenza]


IMPORTO_PROLOGO_2025 = Decimal("120000.00")


def verifica_tabella_prologo_2025(anno=None):
    """The FNPS table of the Prologo 2025-2027 (120.000 € a year "in proportion to the
    inhabitants", no population printed) against the split that Zona recomputes from the residents
    of each Ambito's Comuni on 1 January of `anno`. Default: the latest year up to 2024 (the
    Prologo was approved in December 2024) with the population of every Ambito. None when no
    such year is loaded."""
    from territorio.models import AppartenenzaComune

    with open(TABELLA_PROLOGO_2025, encoding="utf-8") as f:
        stampate = [(r["codice"], r["ambito"], Decimal(r["quota"])) for r in csv.DictReader(f)]
    codici = [c for c, _, _ in stampate]
    anni = [anno] if anno is not None else range(2024, 2014, -1)
    for a in anni:
        try:
            r = riparto_per_popolazione(IMPORTO_PROLOGO_2025, a, codici)
        except RipartoNonValido:
            continue
        per_codice = {x.ambito.pk: x for x in r.righe}
        giorno = datetime.date(a, 1, 1)
        comuni = dict(
            AppartenenzaComune.objects.valid_on(giorno)
            .filter(ambito__in=codici)
            .values_list("ambito")
            .annotate(n=Count("comune"))
        )
        righe = [
            ConfrontoProlog(
                ambito=per_codice[c].ambito,
                nome_stampato=nome,
                popolazione=per_codice[c].popolazione,
                comuni=comuni.get(c, 0),
                stampata=q,
                calcolata=per_codice[c].quota,
                popolazione_implicita=int(
                    (q * r.popolazione / IMPORTO_PROLOGO_2025).quantize(Decimal(1), rounding=ROUND_HALF_UP)
                ),
            )
            for c, nome, q in stampate
        ]
        return VerificaPrologo(anno=a, righe=righe, fonti=r.fonti, popolazione=r.popolazione)
    return None
