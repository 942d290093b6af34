"""The Ambiti of the province side by side: one indicator, one year, every Ambito.

Values come from `selectors.calcola`, like the Ambito's own page, so the two always agree.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from territorio.models import Ambito, AppartenenzaComune
from zona.lib.cache import CONOSCENZA, memorizza

from .models import Indicatore, Livello, ValorePubblicato
from .selectors import calcola

ORDINAMENTI = ("nome", "valore")


def disponibili():
    """[(Indicatore, [years])] of the indicators with a value for at least one Ambito, in the
    catalogue's order, each with the years that have one. It computes every indicator of every
    Ambito (seconds at national scale): once per version of the knowledge base's data (a fund
    movement or a plan's edit leaves it)."""
    return memorizza("indicatori-disponibili", _disponibili, dati=CONOSCENZA)


def _disponibili(pubblicati=False):
    anni = {}
    for (_, anno, codice), valore in calcola(Livello.AMBITO).items():
        if valore is not None:
            anni.setdefault(codice, set()).add(anno)
    if pubblicati:
        for codice, anno in _pubblicati().values_list("indicatore_id", "anno").distinct():
            anni.setdefault(codice, set()).add(anno)
    return [(i, sorted(anni[i.codice])) for i in Indicatore.objects.all() if i.codice in anni]


# The levels of the province page whose printed values it shows: the Ambiti in the table, the
# ATS and the province (the Prologo) under it.
LIVELLI_PUBBLICATI = (Livello.AMBITO, Livello.ATS, Livello.PROVINCIA)
COMPUTATO, PUBBLICATO = "calcolato", "pubblicato"


def _pubblicati():
    """The printed whole-territory values (no category) of the page's levels."""
    return ValorePubblicato.objects.filter(attiva=True, categoria="", livello__in=LIVELLI_PUBBLICATI)


def disponibili_con_pubblicati():
    """As `disponibili`, with the years a document printed a value of an Ambito, of the ATS or
    of the province: the page of the province shows them as the Serie storica of an Ambito does
    (the groups of Ambiti need computed values, and keep `disponibili`)."""
    return memorizza("indicatori-disponibili-pubblicati", lambda: _disponibili(pubblicati=True), dati=CONOSCENZA)


def arrotonda(valore, decimali):
    if valore is None:
        return None
    return Decimal(valore).quantize(Decimal(1).scaleb(-int(decimali)), rounding=ROUND_HALF_UP)


def giorno_di_riferimento(anno):
    """The day of the Ambiti's composition for `anno`: 1 January, the day the population is
    counted and the day `calcola` rolls the Comuni up on."""
    return datetime.date(anno, 1, 1)


def _stampati(indicatore, anno, livello):
    """{codice territorio: printed value} of one level (the latest load wins)."""
    return dict(
        _pubblicati()
        .filter(indicatore=indicatore, anno=anno, livello=livello)
        .order_by("caricamento_id", "pk")
        .values_list("codice_territorio", "valore")
    )


def confronto_ambiti(indicatore, anno, ordina="nome"):
    """One row per Ambito: {"ambito": Ambito, "valore": Decimal or None, "origine":
    "calcolato" | "pubblicato" | None}: the value computed from the Comuni or, where there is
    none, the one a document printed. The Ambiti are those with Comuni on 1 January of `anno`,
    plus any with a value (figures loaded or printed for the Ambito itself). Sorted by name, or
    by value from the highest (Ambiti without one last)."""
    if ordina not in ORDINAMENTI:
        raise ValueError(ordina)
    valori = {
        codice: (v, COMPUTATO)
        for (codice, _, _), v in calcola(Livello.AMBITO, anni=[anno], indicatori=[indicatore.codice]).items()
        if v is not None
    }
    for codice, v in _stampati(indicatore, anno, Livello.AMBITO).items():
        valori.setdefault(codice, (v, PUBBLICATO))
    con_comuni = set(
        AppartenenzaComune.objects.valid_on(giorno_di_riferimento(anno)).values_list("ambito_id", flat=True)
    )
    ambiti = Ambito.objects.filter(pk__in=con_comuni | set(valori))
    righe = [
        {"ambito": a, "valore": valori.get(a.pk, (None, None))[0], "origine": valori.get(a.pk, (None, None))[1]}
        for a in ambiti
    ]
    righe.sort(key=lambda r: r["ambito"].nome)
    if ordina == "valore":
        righe.sort(key=lambda r: (r["valore"] is None, -(r["valore"] or 0)))
    return righe


def valore_ats(indicatore, anno):
    """The province as a whole in the same year: [{"nome", "livello", "codice", "valore",
    "origine"}], the ATS computed from its Comuni or, where there is none, as a document printed
    it, and the province as the Prologo printed it (Zona computes no province level)."""
    from territorio.models import ATS
    from territorio.selectors import nome_territorio

    nomi = dict(ATS.objects.values_list("pk", "nome"))
    valori = {
        c: (v, COMPUTATO)
        for (c, _, _), v in calcola(Livello.ATS, anni=[anno], indicatori=[indicatore.codice]).items()
        if v is not None
    }
    for c, v in _stampati(indicatore, anno, Livello.ATS).items():
        valori.setdefault(c, (v, PUBBLICATO))
    righe = [
        {"nome": nomi.get(c, c), "livello": Livello.ATS, "codice": c, "valore": v, "origine": o}
        for c, (v, o) in sorted(valori.items())
    ]
    for c, v in sorted(_stampati(indicatore, anno, Livello.PROVINCIA).items()):
        nome = nome_territorio("provincia", c) or f"Provincia {c}"
        righe.append({"nome": nome, "livello": Livello.PROVINCIA, "codice": c, "valore": v, "origine": PUBBLICATO})
    return righe


# `origine`: «calcolato» from the Comuni, or «pubblicato» as a document printed it.
COLONNE_EXPORT = ["ambito", "codice", "anno", "indicatore", "valore", "origine"]


def righe_export(indicatore, anno, righe):
    """The table as rows for CSV and XLSX; values rounded as on the page, '.' as separator."""
    return [
        {
            "ambito": r["ambito"].nome,
            "codice": r["ambito"].pk,
            "anno": anno,
            "indicatore": indicatore.codice,
            "valore": arrotonda(r["valore"], indicatore.decimali),
            "origine": r["origine"] or "",
        }
        for r in righe
    ]
