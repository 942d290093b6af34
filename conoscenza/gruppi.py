"""Homogeneous groups of Ambiti, as the Prologo ai Piani di Zona 2012-2014 made them (there by
old-age index and birth rate, three groups).

Each indicator is standardised over the Ambiti (z-scores, so that a ratio in the hundreds and
one in the units weigh the same), then k-means splits them into k groups. KMeans with a fixed
seed and ten starts: the same data give the same groups. Groups are numbered from the lowest
mean of the first indicator, so the numbering does not depend on the algorithm's labels.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import altair as alt
import numpy as np
import pandas as pd

from territorio.models import Ambito

from .charts import COLORI
from .models import Indicatore, Livello
from .selectors import calcola

INDICATORI_PREDEFINITI = ("indice_vecchiaia", "densita")
K_PREDEFINITO = 3
K_MIN, K_MAX = 2, 6
SEME = 0
AVVII = 10
COLORI_GRUPPI = COLORI + ["#7a3f9d"]
METODO = "k-means su valori standardizzati, {k} gruppi, seme 0, scikit-learn {versione} (10 avvii)"


class GruppiNonCalcolabili(ValueError):
    """The groups cannot be made: the message says why, in Italian, for the page."""


@dataclass
class Gruppo:
    numero: int
    ambiti: list  # [{"ambito": Ambito, "valori": [Decimal per indicator]}], by name
    medie: list  # [Decimal per indicator]

    @property
    def nome(self):
        return f"Gruppo {self.numero}"


@dataclass
class Raggruppamento:
    indicatori: list
    anno: int
    k: int
    gruppi: list
    esclusi: list = field(default_factory=list)  # Ambiti without a value for some indicator

    @property
    def metodo(self):
        import sklearn

        return METODO.format(k=self.k, versione=sklearn.__version__)


def gruppi_omogenei(indicatori, anno, k=K_PREDEFINITO):
    """Split the Ambiti with a value of every indicator (`Indicatore` objects or codes) in
    `anno` into `k` groups. Raises GruppiNonCalcolabili."""
    indicatori = [i if isinstance(i, Indicatore) else Indicatore.objects.get(pk=i) for i in indicatori]
    if len(indicatori) < 1:
        raise GruppiNonCalcolabili("Scegliere almeno un indicatore.")
    if len({i.codice for i in indicatori}) != len(indicatori):
        raise GruppiNonCalcolabili("Scegliere indicatori diversi fra loro.")
    if not K_MIN <= k <= K_MAX:
        raise GruppiNonCalcolabili(f"Il numero di gruppi va da {K_MIN} a {K_MAX}.")
    codici = [i.codice for i in indicatori]
    valori = calcola(Livello.AMBITO, anni=[anno], indicatori=codici)
    per_ambito = {}
    for (ambito, _, codice), v in valori.items():
        per_ambito.setdefault(ambito, {})[codice] = v
    ambiti = {a.pk: a for a in Ambito.objects.all()}
    completi = sorted(
        (c for c, v in per_ambito.items() if all(v.get(i) is not None for i in codici) and c in ambiti),
        key=lambda c: ambiti[c].nome,
    )
    esclusi = sorted((ambiti[c] for c in per_ambito if c not in completi and c in ambiti), key=lambda a: a.nome)
    if len(completi) < k:
        raise GruppiNonCalcolabili(
            f"Per l'anno {anno} gli Ambiti con un valore di tutti gli indicatori scelti sono {len(completi)}: "
            f"troppo pochi per {k} gruppi."
        )
    # Imported here: scikit-learn brings SciPy, seconds of start-up that every other page, every
    # worker and every management command would pay.
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    matrice = np.array([[float(per_ambito[c][i]) for i in codici] for c in completi])
    z = StandardScaler().fit_transform(matrice)
    etichette = KMeans(n_clusters=k, random_state=SEME, n_init=AVVII).fit_predict(z)
    membri = {}
    for codice, etichetta in zip(completi, etichette, strict=True):
        membri.setdefault(int(etichetta), []).append(codice)
    if len(membri) < k:  # identical points: k-means cannot make k distinct groups
        raise GruppiNonCalcolabili(f"I valori non bastano a distinguere {k} gruppi: provare con meno gruppi.")

    def media(codici_ambiti, indicatore):
        return sum((Decimal(per_ambito[c][indicatore]) for c in codici_ambiti), Decimal(0)) / len(codici_ambiti)

    ordinati = sorted(membri.values(), key=lambda cc: ([media(cc, i) for i in codici], ambiti[cc[0]].nome))
    gruppi = [
        Gruppo(
            numero=n,
            ambiti=[{"ambito": ambiti[c], "valori": [per_ambito[c][i] for i in codici]} for c in cc],
            medie=[media(cc, i) for i in codici],
        )
        for n, cc in enumerate(ordinati, start=1)
    ]
    return Raggruppamento(indicatori=indicatori, anno=anno, k=k, gruppi=gruppi, esclusi=esclusi)


LARGHEZZA, ALTEZZA = 720, 440
LARGHEZZA_CARATTERE, ALTEZZA_RIGA = 6.3, 13  # Vega's default font at 11 px, roughly
# (align, dx, dy) in pixels from the point: right, left, above, below, then diagonals.
POSIZIONI = [
    ("left", 8, 0),
    ("right", -8, 0),
    ("center", 0, -12),
    ("center", 0, 12),
    ("left", 6, -11),
    ("left", 6, 11),
    ("right", -6, -11),
    ("right", -6, 11),
]


def _dominio(valori):
    basso, alto = min(valori), max(valori)
    margine = (alto - basso) * 0.06 or abs(alto) * 0.1 or 1
    return [basso - margine, alto + margine]


def _etichette(righe, dominio_x, dominio_y):
    """Place the Ambiti's names beside their points without overlapping each other or the
    points, where possible: each name takes the first free position of POSIZIONI. Adds the
    label's data coordinates and alignment to each row."""
    (x0, x1), (y0, y1) = dominio_x, dominio_y

    def px(r):
        return (r["x"] - x0) / (x1 - x0) * LARGHEZZA, (1 - (r["y"] - y0) / (y1 - y0)) * ALTEZZA

    occupati = [(a - 6, b - 6, a + 6, b + 6) for a, b in map(px, righe)]

    def sovrapposizione(box):
        totale = 0
        for o in occupati:
            w = min(box[2], o[2]) - max(box[0], o[0])
            h = min(box[3], o[3]) - max(box[1], o[1])
            if w > 0 and h > 0:
                totale += w * h
        fuori = max(0, -box[0]) + max(0, box[2] - LARGHEZZA - 40)  # a little room on the right
        return totale + fuori * ALTEZZA_RIGA * 10

    for r in sorted(righe, key=lambda r: (-r["y"], r["x"])):
        a, b = px(r)
        larghezza = len(r["nome"]) * LARGHEZZA_CARATTERE
        candidati = []
        for i, (allinea, dx, dy) in enumerate(POSIZIONI):
            sx = {"left": a + dx, "right": a + dx - larghezza, "center": a - larghezza / 2}[allinea]
            box = (sx, b + dy - ALTEZZA_RIGA / 2, sx + larghezza, b + dy + ALTEZZA_RIGA / 2)
            candidati.append((sovrapposizione(box), i, allinea, dx, dy, box))
        _, _, allinea, dx, dy, box = min(candidati)  # the first free one, or the least covered
        occupati.append(box)
        r["allinea"] = allinea
        r["ex"] = r["x"] + dx / LARGHEZZA * (x1 - x0)
        r["ey"] = r["y"] - dy / ALTEZZA * (y1 - y0)
    return righe


def grafico_gruppi(raggruppamento, titolo=None):
    """Scatter plot of the Ambiti on the first two indicators (the first against itself if
    there is one), coloured by group, each point labelled with the Ambito's name."""
    ind = raggruppamento.indicatori
    ix, iy = ind[0], ind[1] if len(ind) > 1 else ind[0]
    jy = 1 if len(ind) > 1 else 0
    righe = [
        {"nome": m["ambito"].nome, "gruppo": g.nome, "x": float(m["valori"][0]), "y": float(m["valori"][jy])}
        for g in raggruppamento.gruppi
        for m in g.ambiti
    ]
    dominio_x = _dominio([r["x"] for r in righe])
    dominio_y = _dominio([r["y"] for r in righe])
    df = pd.DataFrame(_etichette(righe, dominio_x, dominio_y))
    nomi_gruppi = [g.nome for g in raggruppamento.gruppi]
    legenda = alt.Legend(orient="bottom", labelFontSize=12, symbolSize=120)
    colore = alt.Color(
        "gruppo:N",
        title=None,
        sort=nomi_gruppi,
        scale=alt.Scale(domain=nomi_gruppi, range=COLORI_GRUPPI[: len(nomi_gruppi)]),
        legend=legenda,
    )
    forma = alt.Shape("gruppo:N", title=None, sort=nomi_gruppi, scale=alt.Scale(domain=nomi_gruppi), legend=legenda)
    x = alt.X(
        "x:Q",
        title=f"{ix.nome} ({ix.unita})",
        scale=alt.Scale(domain=dominio_x, nice=False, zero=False),
        axis=alt.Axis(format=f",.{ix.decimali}f"),
    )
    y = alt.Y(
        "y:Q",
        title=f"{iy.nome} ({iy.unita})",
        scale=alt.Scale(domain=dominio_y, nice=False, zero=False),
        axis=alt.Axis(format=f",.{iy.decimali}f"),
    )
    punti = alt.Chart(df).mark_point(filled=True, size=90, opacity=0.9).encode(x=x, y=y, color=colore, shape=forma)
    strati = [punti]
    for allinea in ("left", "right", "center"):
        strati.append(
            alt.Chart(df)
            .transform_filter(alt.datum.allinea == allinea)
            .mark_text(align=allinea, baseline="middle", fontSize=11, color="#1a1a1a")
            .encode(x=alt.X("ex:Q"), y=alt.Y("ey:Q"), text="nome:N")
        )
    titolo = titolo or f"Gruppi omogenei di Ambiti, {raggruppamento.anno}"
    return (
        alt.layer(*strati)
        .properties(
            width=LARGHEZZA,
            height=ALTEZZA,
            title=alt.TitleParams(
                titolo,
                subtitle=[f"k-means su valori standardizzati, {raggruppamento.k} gruppi, seme {SEME}."],
                anchor="start",
                fontSize=14,
                subtitleFontSize=11,
            ),
        )
        .configure_axis(labelFontSize=12, titleFontSize=12)
    )
