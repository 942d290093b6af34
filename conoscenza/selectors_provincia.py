"""The Ambiti of the province side by side: one indicator, one year, every Ambito.

Values come from `selectors.calcola`, like the Ambito's own page, so the two always agree.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from territorio.models import Ambito, AppartenenzaComune
from zona.lib.cache import memorizza

from .models import Indicatore, Livello
from .selectors import calcola

ORDINAMENTI = ("nome", "valore")


def disponibili():
    """[(Indicatore, [years])] of the indicators with a value for at least one Ambito, in the
    catalogue's order, each with the years that have one. It computes every indicator of every
    Ambito (seconds at national scale): once per data version."""
    return memorizza("indicatori-disponibili", _disponibili)


def _disponibili():
    anni = {}
    for (_, anno, codice), valore in calcola(Livello.AMBITO).items():
        if valore is not None:
            anni.setdefault(codice, set()).add(anno)
    return [(i, sorted(anni[i.codice])) for i in Indicatore.objects.all() if i.codice in anni]


def arrotonda(valore, decimali):
    if valore is None:
        return None
    return Decimal(valore).quantize(Decimal(1).scaleb(-int(decimali)), rounding=ROUND_HALF_UP)


def giorno_di_riferimento(anno):
    """The day of the Ambiti's composition for `anno`: 1 January, the day the population is
    counted and the day `calcola` rolls the Comuni up on."""
    return datetime.date(anno, 1, 1)


def confronto_ambiti(indicatore, anno, ordina="nome"):
    """One row per Ambito: {"ambito": Ambito, "valore": Decimal or None}. The Ambiti are those
    with Comuni on 1 January of `anno`, plus any with a value (figures loaded for the Ambito
    itself). Sorted by name, or by value from the highest (Ambiti without one last)."""
    if ordina not in ORDINAMENTI:
        raise ValueError(ordina)
    valori = {
        codice: v for (codice, _, _), v in calcola(Livello.AMBITO, anni=[anno], indicatori=[indicatore.codice]).items()
    }
    con_comuni = set(
        AppartenenzaComune.objects.valid_on(giorno_di_riferimento(anno)).values_list("ambito_id", flat=True)
    )
    ambiti = Ambito.objects.filter(pk__in=con_comuni | {c for c, v in valori.items() if v is not None})
    righe = [{"ambito": a, "valore": valori.get(a.pk)} for a in ambiti]
    righe.sort(key=lambda r: r["ambito"].nome)
    if ordina == "valore":
        righe.sort(key=lambda r: (r["valore"] is None, -(r["valore"] or 0)))
    return righe


def valore_ats(indicatore, anno):
    """[(nome ATS, value)] of the ATS over the same year: the province as a whole."""
    from territorio.models import ATS

    nomi = dict(ATS.objects.values_list("pk", "nome"))
    valori = calcola(Livello.ATS, anni=[anno], indicatori=[indicatore.codice])
    return [(nomi.get(c, c), v) for (c, _, _), v in sorted(valori.items()) if v is not None]


COLONNE_EXPORT = ["ambito", "codice", "anno", "indicatore", "valore"]


def righe_export(indicatore, anno, righe):
    """The table as rows for CSV and XLSX; values rounded as on the page, '.' as separator."""
    return [
        {
            "ambito": r["ambito"].nome,
            "codice": r["ambito"].pk,
            "anno": anno,
            "indicatore": indicatore.codice,
            "valore": arrotonda(r["valore"], indicatore.decimali),
        }
        for r in righe
    ]
