"""The map of the province: boundaries, their size and orientation, the chart."""

import datetime
import json
import re

import pytest
import shapely
from shapely.geometry import shape

from conoscenza import charts, mappe
from territorio.models import Comune
from territorio.selectors import comuni_della_provincia

GIORNO = datetime.date(2023, 1, 1)


def poligoni(geometria):
    return list(geometria.geoms) if geometria.geom_type == "MultiPolygon" else [geometria]


def test_geojson_of_the_province_is_small():
    comuni = json.dumps(mappe.geojson_comuni(), separators=(",", ":"))
    assert 50_000 < len(comuni) < 400_000


def test_boundaries_are_cached():
    assert mappe.confini_comuni() is mappe.confini_comuni()


def test_rings_oriented_for_d3_exterior_clockwise():
    collezione = mappe.geojson_comuni()
    assert collezione["features"]
    for f in collezione["features"]:
        g = shape(f["geometry"])
        assert g.is_valid, f["properties"]["codice"]
        for p in poligoni(g):
            assert not p.exterior.is_ccw, f["properties"]["codice"]
            assert all(anello.is_ccw for anello in p.interiors)


def test_simplification_keeps_the_shape():
    originali = mappe._originali(mappe.PROVINCIA_BERGAMO, mappe.anno_confini())
    semplificati = mappe.confini_comuni()
    for codice, g in originali.items():
        assert abs(semplificati[codice].area - g.area) / g.area < 0.05, codice
    punti = sum(shapely.get_num_coordinates(g) for g in semplificati.values())
    assert punti < sum(shapely.get_num_coordinates(g) for g in originali.values())


@pytest.mark.django_db
def test_every_comune_of_the_province_is_in_the_map(demo_db):
    codici = {f["properties"]["codice"] for f in mappe.geojson_comuni()["features"]}
    attesi = set(comuni_della_provincia(GIORNO).values_list("codice_istat", flat=True))
    assert len(attesi) == 243
    assert attesi <= codici
    # The boundaries are of one year: the Comuni of today (not those merged in 2014).
    oggi = datetime.date.today()
    assert set(Comune.objects.filter(sigla_provincia="BG").esistenti_il(oggi).values_list("pk", flat=True)) <= codici


@pytest.mark.django_db
def test_ambiti_are_unions_of_their_comuni(demo_db):
    ambiti = mappe.confini_ambiti(GIORNO)
    assert len(ambiti) == 14
    comuni = mappe.confini_comuni()
    appartenenze = mappe.appartenenze(GIORNO, comuni.keys())
    for codice, g in ambiti.items():
        for p in poligoni(g):
            assert not p.exterior.is_ccw
        somma = sum(comuni[c].area for c in appartenenze[codice])
        assert abs(g.area - somma) / somma < 0.02, codice
    geojson = mappe.geojson_ambiti(GIORNO)
    assert len(json.dumps(geojson)) < 100_000


@pytest.mark.django_db
def test_chart_svg_and_png(demo_db):
    chart = mappe.mappa_indicatore("indice_vecchiaia", 2023)
    svg = charts.svg(chart)
    assert svg.startswith("<svg")
    assert "style=" not in svg and "<script" not in svg
    assert "Indice di vecchiaia, 2023" in svg
    assert "%" in svg  # the unit, as the legend's title
    assert "Torre de&#39; Busi" in svg or "Torre de' Busi" in svg  # the Comune without an Ambito, named
    png = charts.png(chart, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_mark_of_the_map_has_a_text_alternative():
    """WCAG 1.1.1 (axe-core's svg-img-alt): each Comune's shape is named once, with its class of
    value or "senza dato"; the coloured layer and the Ambiti's borders are hidden from
    assistive technology."""
    comuni = {
        "type": "FeatureCollection",
        "features": [
            mappe.feature(shapely.box(9.0, 45.0, 9.1, 45.1), codice="1", nome="Lovere", valore=3.0),
            mappe.feature(shapely.box(9.2, 45.0, 9.3, 45.1), codice="2", nome="Costa Volpino", valore=None),
        ],
    }
    ambiti = {"type": "FeatureCollection", "features": [mappe.feature(shapely.box(9.0, 45.0, 9.3, 45.1), nome="A")]}
    svg = charts.svg(mappe.grafico_mappa(comuni, ambiti, "Prova", "%", 1))
    simboli = re.findall(r"<path[^>]*role=\"graphics-symbol\"[^>]*>", svg)
    assert sorted(re.search(r'aria-label="([^"]*)"', s).group(1) for s in simboli) == [
        "Costa Volpino: senza dato",
        "Lovere: 3,0",
    ]
    senza_nome = [p for p in re.findall(r"<path[^>]*>", svg) if "aria-label" not in p and "aria-hidden" not in p]
    # The unnamed shapes (coloured Comune, Ambito's border) sit in groups hidden from assistive technology.
    assert senza_nome and svg.count('aria-hidden="true"') >= len(senza_nome)


@pytest.mark.django_db
def test_comuni_without_a_value_are_grey(demo_db):
    valori = {"016001": 10, "016002": 20}
    comuni = mappe.geojson_comuni(valori)
    chart = mappe.grafico_mappa(comuni, mappe.geojson_ambiti(GIORNO), "Prova", "%", 1)
    spec = chart.to_dict()
    base, colorati, confini = spec["layer"]
    assert base["mark"]["fill"] == mappe.COLORE_SENZA_DATO
    assert "isValid" in colorati["transform"][0]["filter"]
    assert confini["mark"]["filled"] is False
    assert "In grigio i Comuni senza dato." in spec["title"]["subtitle"]


def test_classes_quantiles_and_labels():
    limiti, etichette = mappe.classi(list(range(1, 101)), decimali=0)
    assert len(etichette) == 5
    assert etichette[0].startswith("fino a ") and etichette[-1].startswith("oltre ")
    assert mappe.classe(1, limiti, etichette) == etichette[0]
    assert mappe.classe(100, limiti, etichette) == etichette[-1]
    assert mappe.classe(None, limiti, etichette) is None
    # All equal: one class, no empty ones.
    limiti, etichette = mappe.classi([5, 5, 5], decimali=1)
    assert len(etichette) == 1


def _storia_2014_2018():
    """The registry's history of the province, as territorio/data writes it: two mergers on
    4/2/2014 and Torre de' Busi from Lecco on 27/1/2018 (codes of today's boundaries)."""
    from territorio.models import VariazioneComune
    from testsupport import fabbriche

    fusione, lecco = datetime.date(2014, 2, 4), datetime.date(2018, 1, 27)
    val = fabbriche.comune("016253", "Val Brembilla", istituito_il=fusione)
    for codice, nome in (("016039", "Brembilla"), ("016112", "Gerosa")):
        p = fabbriche.comune(codice, nome, soppresso_il=fusione)
        VariazioneComune.objects.create(
            data=fusione, tipo="fusione", precedente=p, successivo=val, nome_precedente=nome, atto="L.R. 3/2014"
        )
    torre = fabbriche.comune("016215", "Torre de' Busi", istituito_il=lecco)
    prima = fabbriche.comune("097080", "Torre de' Busi", soppresso_il=lecco)
    prima.sigla_provincia, prima.provincia = "LC", "Lecco"
    prima.save()
    VariazioneComune.objects.create(
        data=lecco, tipo="provincia", precedente=prima, successivo=torre, nome_precedente=prima.nome, atto="L. 225/2017"
    )


def test_a_map_of_2013_draws_the_comuni_of_2013_without_inventing_borders(riferimenti):
    _storia_2014_2018()
    codici = mappe.confini_comuni().keys()
    storia = mappe.confini_al_giorno(datetime.date(2013, 1, 1), codici)
    assert storia.etichette == {"016253": "Brembilla e Gerosa (nel confine di Val Brembilla)"}
    assert storia.omessi == {"016215"}
    assert storia.note == [
        "Torre de' Busi non è disegnato: il 01/01/2013 era in provincia di Lecco.",
        "Brembilla e Gerosa: disegnati insieme nel confine di Val Brembilla, nato dalla fusione del 04/02/2014 "
        "(Zona non ha i confini dei Comuni soppressi).",
    ]
    # At the boundaries: the day before Torre de' Busi came and the day it came; the day of the merger.
    assert mappe.confini_al_giorno(datetime.date(2018, 1, 26), codici).omessi == {"016215"}
    assert mappe.confini_al_giorno(datetime.date(2018, 1, 27), codici).omessi == set()
    assert mappe.confini_al_giorno(datetime.date(2014, 2, 4), codici).etichette == {}
    # The collection for 2013: one shape fewer than today's, the merged one under its predecessors' names.
    oggi = mappe.geojson_comuni()
    allora = mappe.geojson_comuni(nomi={"016253": "Val Brembilla"}, al=datetime.date(2013, 1, 1))
    assert len(allora["features"]) == len(oggi["features"]) - 1
    nomi = {f["properties"]["codice"]: f["properties"]["nome"] for f in allora["features"]}
    assert nomi["016253"].startswith("Brembilla e Gerosa") and "016215" not in nomi


@pytest.mark.django_db
def test_the_map_of_2013_in_the_demo_counts_the_244_comuni_of_that_year(demo_db):
    spec = mappe.mappa_indicatore("indice_vecchiaia", 2013).to_dict(validate=False)
    features = spec["datasets"][spec["layer"][0]["data"]["name"]]
    nomi = [f["properties"]["nome"] for f in features]
    # 243 boundaries of today, less Torre de' Busi (in the province of Lecco until 2018): 242
    # shapes, two of which stand for two Comuni each, as the Prologo 2012-2014 counts 244.
    assert len(features) == 242
    assert "Brembilla e Gerosa (nel confine di Val Brembilla)" in nomi
    assert "Sant'Omobono Terme e Valsecca (nel confine di Sant'Omobono Terme)" in nomi
    assert any("Torre de' Busi non è disegnato" in riga for riga in spec["title"]["subtitle"])
