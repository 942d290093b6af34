"""Charts, defined once with Vega-Lite (Altair) and rendered on the server: SVG for pages and
PDF, PNG for DOCX. No JavaScript in the page, so the CSP stays strict."""

import hashlib
import json

import altair as alt
import pandas as pd
import vl_convert as vlc
from django.core.cache import cache

COLORI = ["#0066cc", "#d9364f", "#008758", "#a66300", "#5d7083"]


def serie_profilo(nome_ambito, dati, confronti, codice):
    """The points of one indicator's chart in an Ambito profile (`selectors.profilo`): the
    Ambito and each comparison territory (`confronti`: (livello, codice, nome, ...)) per year."""
    righe = [r for r in dati["righe"] if r["indicatore"].codice == codice]
    if not righe:
        return []
    serie = [
        {"territorio": f"Ambito {nome_ambito}", "anno": a, "valore": float(v)}
        for a, v in zip(dati["anni"], righe[0]["valori"], strict=True)
        if v is not None
    ]
    for lv, c, nome, *_ in confronti:
        valori = dati["calcolati"][(lv, c)]
        serie += [
            {"territorio": nome, "anno": a, "valore": float(valori[(c, a, codice)])}
            for a in dati["anni"]
            if valori.get((c, a, codice)) is not None
        ]
    return serie


def grafici_profilo(nome_ambito, dati, confronti, indicatori):
    """The charts of an Ambito profile, one per indicator with data: [(Indicatore, chart)]."""
    grafici = []
    for ind in indicatori:
        serie = serie_profilo(nome_ambito, dati, confronti, ind.codice)
        if serie:
            grafici.append((ind, serie_confronto(ind.nome, serie, ind.unita)))
    return grafici


def serie_confronto(titolo, righe, unita):
    """A line per territory over the years. `righe`: dicts with territorio, anno, valore."""
    df = pd.DataFrame(righe)
    return (
        alt.Chart(df, title=titolo)
        .mark_line(point=True)
        .encode(
            x=alt.X("anno:O", title="Anno"),
            y=alt.Y("valore:Q", title=unita, scale=alt.Scale(zero=False)),
            color=alt.Color(
                "territorio:N",
                title=None,
                scale=alt.Scale(range=COLORI),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=0),
            ),
            tooltip=["territorio", "anno", alt.Tooltip("valore:Q", format=".1f")],
        )
        .properties(width=420, height=220)
        .configure_axis(labelFontSize=12, titleFontSize=12)
        .configure_title(fontSize=14, anchor="start")
    )


class ConDati:
    """An Altair chart and, apart, the values of its named datasets (`alt.Data(name=...)`):
    Altair copies and converts every value of a chart's data several times as it builds and
    serialises the chart, seconds of CPU for the boundaries of a province's Comuni; the values
    join the specification only when it is drawn (or read, by `to_dict`)."""

    def __init__(self, grafico, dati):
        self.grafico = grafico
        self.dati = dati

    def to_dict(self, validate=True):
        spec = self.grafico.to_dict(validate=validate)
        spec.setdefault("datasets", {}).update(self.dati)
        return spec


def _chiave(tipo, spec, *extra):
    testo = json.dumps(spec, sort_keys=True, default=str) + repr(extra)
    return f"grafico:{tipo}:" + hashlib.sha256(testo.encode()).hexdigest()


def svg(chart):
    """Rendering takes tens to hundreds of milliseconds; the output depends only on the spec
    (data included), so it is cached under the spec's hash and never needs invalidating."""
    spec = chart.to_dict(validate=False)  # schema validation costs more than rendering
    chiave = _chiave("svg", spec)
    risultato = cache.get(chiave)
    if risultato is None:
        risultato = vlc.vegalite_to_svg(spec, format_locale="it-IT")
        cache.set(chiave, risultato, timeout=None)
    return risultato


def avvia_motore():
    """The first chart a process draws starts Vega's JavaScript engine: about a second. Called by
    each web worker as it starts (zona/gunicorn.conf.py), not by its first visitor. The engine
    runs threads, which do not survive a fork: gunicorn's master must not start it."""
    vlc.vegalite_to_svg({"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x"}}})


def png(chart, scale=2):
    spec = chart.to_dict(validate=False)  # schema validation costs more than rendering
    chiave = _chiave("png", spec, scale)
    risultato = cache.get(chiave)
    if risultato is None:
        risultato = vlc.vegalite_to_png(spec, scale=scale, format_locale="it-IT")
        cache.set(chiave, risultato, timeout=None)
    return risultato
