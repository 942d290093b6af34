"""Charts, defined once with Vega-Lite (Altair) and rendered on the server: SVG for pages and
PDF, PNG for DOCX. No JavaScript in the page, so the CSP stays strict."""

import altair as alt
import pandas as pd
import vl_convert as vlc

COLORI = ["#0066cc", "#d9364f", "#008758", "#a66300", "#5d7083"]


def serie_confronto(titolo, righe, unita):
    """A line per territory over the years. `righe`: dicts with territorio, anno, valore."""
    df = pd.DataFrame(righe)
    return (
        alt.Chart(df, title=titolo)
        .mark_line(point=True)
        .encode(
            x=alt.X("anno:O", title="Anno"),
            y=alt.Y("valore:Q", title=unita, scale=alt.Scale(zero=False)),
            color=alt.Color("territorio:N", title=None, scale=alt.Scale(range=COLORI), legend=alt.Legend(orient="bottom")),
            tooltip=["territorio", "anno", alt.Tooltip("valore:Q", format=".1f")],
        )
        .properties(width=420, height=220)
        .configure_axis(labelFontSize=12, titleFontSize=12)
        .configure_title(fontSize=14, anchor="start")
    )


def svg(chart):
    return vlc.vegalite_to_svg(chart.to_dict(), format_locale="it-IT")


def png(chart, scale=2):
    return vlc.vegalite_to_png(chart.to_dict(), scale=scale, format_locale="it-IT")
