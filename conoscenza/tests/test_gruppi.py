"""Homogeneous groups of Ambiti: k-means on standardised indicators."""

import re

import pytest
from django.urls import reverse

from conoscenza import charts
from conoscenza.gruppi import GruppiNonCalcolabili, grafico_gruppi, gruppi_omogenei
from territorio.models import Ambito

URL = "/quadro-conoscitivo/gruppi/"


def composizione(r):
    return [[m["ambito"].pk for m in g.ambiti] for g in r.gruppi]


@pytest.mark.django_db
def test_groups_cover_all_ambiti_and_are_reproducible(demo_db):
    primo = gruppi_omogenei(["indice_vecchiaia", "densita"], 2023, 3)
    secondo = gruppi_omogenei(["indice_vecchiaia", "densita"], 2023, 3)
    assert composizione(primo) == composizione(secondo)
    assert len(primo.gruppi) == 3
    tutti = [c for g in composizione(primo) for c in g]
    assert sorted(tutti) == sorted(Ambito.objects.values_list("pk", flat=True))
    assert len(tutti) == 14
    assert primo.esclusi == []


@pytest.mark.django_db
@pytest.mark.parametrize("k", [2, 3, 4, 5, 6])
def test_groups_numbered_by_the_mean_of_the_first_indicator(demo_db, k):
    r = gruppi_omogenei(["indice_vecchiaia", "dipendenza_strutturale"], 2023, k)
    assert [g.numero for g in r.gruppi] == list(range(1, k + 1))
    medie = [g.medie[0] for g in r.gruppi]
    assert medie == sorted(medie)
    assert sum(len(g.ambiti) for g in r.gruppi) == 14


@pytest.mark.django_db
def test_demo_groups_make_sense(demo_db):
    r = gruppi_omogenei(["indice_vecchiaia", "densita"], 2023, 3)
    gruppo_di = {m["ambito"].pk: g.numero for g in r.gruppi for m in g.ambiti}
    # The city stands apart from the mountain valleys, which share a group.
    assert gruppo_di["bergamo"] != gruppo_di["valle-brembana"]
    assert gruppo_di["valle-brembana"] == gruppo_di["valle-seriana-superiore"]


@pytest.mark.django_db
def test_invalid_requests(demo_db):
    with pytest.raises(GruppiNonCalcolabili):
        gruppi_omogenei(["densita", "densita"], 2023, 3)
    with pytest.raises(GruppiNonCalcolabili):
        gruppi_omogenei(["indice_vecchiaia", "densita"], 2023, 7)
    with pytest.raises(GruppiNonCalcolabili):
        gruppi_omogenei(["indice_vecchiaia", "densita"], 1990, 3)  # no data: no Ambito to group


@pytest.mark.django_db
def test_chart_is_plain_svg_with_every_ambito(demo_db):
    r = gruppi_omogenei(["indice_vecchiaia", "densita"], 2023, 3)
    svg = charts.svg(grafico_gruppi(r))
    assert svg.startswith("<svg") and "style=" not in svg and "<script" not in svg
    for a in Ambito.objects.all():
        assert a.nome.replace("'", "&#39;") in svg or a.nome in svg


@pytest.mark.django_db
def test_page_defaults_groups_table_and_method(client, demo_db):
    assert reverse("conoscenza:gruppi") == URL
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="primo"' in html and 'value="indice_vecchiaia" selected' in html
    assert re.search(r'<select id="id_secondo".*?value="densita" selected', html, re.S)
    assert html.count('data-testid="gruppo-') == 3
    metodo = re.search(r'data-testid="metodo">([^<]*)', html).group(1)
    assert "k-means su valori standardizzati" in metodo
    assert "3 gruppi, seme 0" in metodo and "scikit-learn" in metodo
    assert "<svg" in html and "style=" not in html
    tabella = re.search(r'data-testid="gruppi">(.*?)</table>', html, re.S).group(1)
    for a in Ambito.objects.all():
        assert a.nome.replace("'", "&#x27;") in tabella


@pytest.mark.django_db
def test_page_with_choices(client, demo_db):
    scelta = {"primo": "dipendenza_anziani", "secondo": "popolazione", "anno": 2022, "k": 5}
    html = client.get(URL, scelta).content.decode()
    assert html.count('data-testid="gruppo-') == 5
    assert "5 gruppi, seme 0" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "parametri, messaggio",
    [
        ({"primo": "densita", "secondo": "densita"}, "Scegliere due indicatori diversi."),
        ({"k": "9"}, "Il numero di gruppi va da 2 a 6."),
        ({"k": "uno"}, "Numero di gruppi non valido"),
        ({"primo": "boh"}, "Indicatore sconosciuto"),
        ({"anno": "duemila"}, "Anno non valido"),
    ],
)
def test_page_bad_input_400(client, demo_db, parametri, messaggio):
    response = client.get(URL, parametri)
    assert response.status_code == 400
    assert messaggio in response.content.decode()
