"""Charts of the province pages (Vega-Lite through Altair, rendered by `charts.svg`/`charts.png`)."""

import altair as alt
import pandas as pd

from .charts import COLORI


def barre_ambiti(titolo, righe, unita, decimali=1, riferimento=None):
    """Horizontal bars, one per Ambito, from the highest value down.

    `righe`: dicts with nome and valore (Ambiti without a value are left out); `riferimento`:
    (label, value) drawn as a dashed line, e.g. the ATS as a whole."""
    df = pd.DataFrame([{"nome": r["nome"], "valore": float(r["valore"])} for r in righe if r["valore"] is not None])
    if df.empty:
        df = pd.DataFrame({"nome": pd.Series(dtype=str), "valore": pd.Series(dtype=float)})
    formato = f",.{int(decimali)}f"
    ordine = alt.EncodingSortField("valore", order="descending")
    y = alt.Y("nome:N", title=None, sort=ordine, axis=alt.Axis(labelLimit=300))
    x = alt.X("valore:Q", title=unita, axis=alt.Axis(format=formato, grid=True))
    barre = alt.Chart(df).mark_bar(color=COLORI[0]).encode(x=x, y=y)
    etichette = (
        alt.Chart(df)
        .mark_text(align="left", dx=3, fontSize=11, color="#1a1a1a")
        .encode(x=x, y=y, text=alt.Text("valore:Q", format=formato))
    )
    strati = []
    if riferimento is not None:
        nome, valore = riferimento
        rif = pd.DataFrame([{"valore": float(valore), "etichetta": f"{nome}"}])
        linea = alt.Chart(rif).mark_rule(color=COLORI[1], strokeDash=[5, 3], strokeWidth=1.5)
        strati.append(linea.encode(x="valore:Q"))
        strati.append(
            alt.Chart(rif)
            .mark_text(align="left", baseline="bottom", dx=4, dy=-2, fontSize=11, color=COLORI[1])
            .encode(x="valore:Q", y=alt.value(0), text="etichetta:N")
        )
    strati += [barre, etichette]  # over the reference line, which shows between the bars
    sottotitolo = [f"Linea tratteggiata: {riferimento[0]}."] if riferimento is not None else []
    return (
        alt.layer(*strati)
        .properties(
            width=400,
            height=alt.Step(24),
            title=alt.TitleParams(titolo, subtitle=sottotitolo, anchor="start", fontSize=14, subtitleFontSize=11),
        )
        .configure_axis(labelFontSize=12, titleFontSize=12)
        .configure_view(stroke=None)
    )
