"""Homogeneous groups of Ambiti: k-means on standardised indicators."""

import re

import pytest
from django.urls import reverse

from conoscenza import charts
from conoscenza.gruppi import GruppiNonCalcolabili, grafico_gruppi, gruppi_omogenei
from territorio.models import Ambito
from testsupport.fabbriche import ambito, comune, osservazioni, popolazione

URL = "/quadro-conoscitivo/gruppi/"

# Seven Ambiti of one Comune each, in three clear kinds: residents by age band (0-14, 15-64,
# 65+) and area in km². Old-age index and density set them apart.
AMBITI = {
    "monte-a": ("Monte A", (100, 500, 300), 100),  # old-age index 300, 9 inhabitants per km²
    "monte-b": ("Monte B", (110, 520, 320), 120),
    "monte-c": ("Monte C", (90, 480, 280), 90),
    "citta-a": ("Città A", (300, 1400, 250), 1),  # 83, 1,950 per km²
    "citta-b": ("Città B", (320, 1500, 260), "1.1"),
    "piana-a": ("Piana A", (200, 900, 250), 5),  # 125, 270 per km²
    "piana-b": ("Piana B", (210, 950, 240), 6),
}
TIPO = {codice: codice.split("-")[0] for codice in AMBITI}


@pytest.fixture
def sette_ambiti(riferimenti):
    righe = []
    for n, (codice, (nome, fasce, superficie)) in enumerate(AMBITI.items(), start=11):
        c = comune(f"0169{n:02d}", f"Comune di {nome}", ambito(codice, nome))
        for anno in (2022, 2023):
            righe += popolazione(c.pk, anno, *fasce)
            righe.append(
                {
                    "misura": "superficie_kmq",
                    "livello": "comune",
                    "codice_territorio": c.pk,
                    "anno": anno,
                    "valore": superficie,
                }
            )
    osservazioni(righe)


def composizione(r):
    return [[m["ambito"].pk for m in g.ambiti] for g in r.gruppi]


def test_groups_cover_all_ambiti_and_are_reproducible(sette_ambiti):
    primo = gruppi_omogenei(["indice_vecchiaia", "densita"], 2023, 3)
    secondo = gruppi_omogenei(["indice_vecchiaia", "densita"], 2023, 3)
    assert composizione(primo) == composizione(secondo)
    assert len(primo.gruppi) == 3
    tutti = [c for g in composizione(primo) for c in g]
    assert sorted(tutti) == sorted(AMBITI)
    assert primo.esclusi == []


@pytest.mark.parametrize("k", [2, 3, 4, 5, 6])
def test_groups_numbered_by_the_mean_of_the_first_indicator(sette_ambiti, k):
    r = gruppi_omogenei(["indice_vecchiaia", "dipendenza_strutturale"], 2023, k)
    assert [g.numero for g in r.gruppi] == list(range(1, k + 1))
    medie = [g.medie[0] for g in r.gruppi]
    assert medie == sorted(medie)
    assert sum(len(g.ambiti) for g in r.gruppi) == 7


def test_groups_find_the_three_kinds_numbered_by_old_age_index(sette_ambiti):
    r = gruppi_omogenei(["indice_vecchiaia", "densita"], 2023, 3)
    assert [sorted({TIPO[m["ambito"].pk] for m in g.ambiti}) for g in r.gruppi] == [["citta"], ["piana"], ["monte"]]
    assert [len(g.ambiti) for g in r.gruppi] == [2, 2, 3]


def test_invalid_requests(sette_ambiti):
    with pytest.raises(GruppiNonCalcolabili):
        gruppi_omogenei(["densita", "densita"], 2023, 3)
    with pytest.raises(GruppiNonCalcolabili):
        gruppi_omogenei(["indice_vecchiaia", "densita"], 2023, 7)
    with pytest.raises(GruppiNonCalcolabili):
        gruppi_omogenei(["indice_vecchiaia", "densita"], 2023, 1)
    with pytest.raises(GruppiNonCalcolabili):
        gruppi_omogenei(["indice_vecchiaia", "densita"], 1990, 3)  # no data: no Ambito to group


def test_chart_is_plain_svg_with_every_ambito(sette_ambiti):
    r = gruppi_omogenei(["indice_vecchiaia", "densita"], 2023, 3)
    svg = charts.svg(grafico_gruppi(r))
    assert svg.startswith("<svg") and "style=" not in svg and "<script" not in svg
    for a in Ambito.objects.all():
        assert a.nome.replace("'", "&#39;") in svg or a.nome in svg


def test_page_defaults_groups_table_and_method(client, sette_ambiti):
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


def test_page_with_choices(client, sette_ambiti):
    scelta = {"primo": "dipendenza_anziani", "secondo": "popolazione", "anno": 2022, "k": 5}
    html = client.get(URL, scelta).content.decode()
    assert html.count('data-testid="gruppo-') == 5
    assert "5 gruppi, seme 0" in html


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
def test_page_bad_input_400(client, sette_ambiti, parametri, messaggio):
    response = client.get(URL, parametri)
    assert response.status_code == 400
    assert messaggio in response.content.decode()
