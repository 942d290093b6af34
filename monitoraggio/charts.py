"""The progress chart of an indicator: measured values against baseline and yearly targets.
Rendered on the server like the knowledge-base charts (no script in the page)."""

import altair as alt
import pandas as pd

from conoscenza.charts import COLORI, svg


def _periodo(anno, semestre):
    return f"{anno}" if semestre is None else f"{anno} S{semestre}"


def andamento(descrizione, dati, unita=""):
    """`dati` as from selectors.andamento; None when there is nothing to draw."""
    righe = [
        {
            "periodo": _periodo(m.anno, m.semestre),
            "ordine": m.anno * 10 + (m.semestre or 3),
            "valore": float(m.valore),
            "serie": "Misurato",
        }
        for m in dati["misure"]
    ]
    righe += [
        {"periodo": str(anno), "ordine": anno * 10 + 3, "valore": float(v), "serie": "Atteso"}
        for anno, v in dati["target"].items()
    ]
    if dati["baseline"] is not None and dati["anno_baseline"]:
        righe.append(
            {
                "periodo": str(dati["anno_baseline"]),
                "ordine": dati["anno_baseline"] * 10 + 3,
                "valore": float(dati["baseline"]),
                "serie": "Baseline",
            }
        )
    if not righe:
        return None
    df = pd.DataFrame(righe)
    ordine = list(df.sort_values("ordine")["periodo"].drop_duplicates())
    base = alt.Chart(df, title=descrizione[:80]).encode(
        x=alt.X("periodo:O", title="Periodo", sort=ordine),
        y=alt.Y("valore:Q", title=unita or "valore", scale=alt.Scale(zero=True)),
        color=alt.Color(
            "serie:N",
            title=None,
            scale=alt.Scale(domain=["Misurato", "Atteso", "Baseline"], range=COLORI[:3]),
            legend=alt.Legend(orient="bottom"),
        ),
    )
    grafico = base.transform_filter(alt.datum.serie == "Misurato").mark_line(point=True) + base.transform_filter(
        alt.datum.serie != "Misurato"
    ).mark_point(size=90, filled=True, shape="diamond")
    return svg(
        grafico.properties(width=420, height=200)
        .configure_axis(labelFontSize=12, titleFontSize=12)
        .configure_title(fontSize=13, anchor="start")
    )
