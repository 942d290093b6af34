"""The province's quadro conoscitivo: every Ambito for one indicator and year."""

import csv
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conoscenza.models import Indicatore, Livello
from conoscenza.selectors import calcola, nomi_territori
from zona.lib.formato import numero

URL = "/quadro-conoscitivo/"
# An indicator of the catalogue with neither base data nor a printed value in the demo.
SENZA_DATI = "abitanti_per_assistente_sociale"


def righe_tabella(html):
    """[(Ambito name, value text)] of the page's table, in order."""
    tabella = re.search(r'data-testid="ambiti">(.*?)</tbody>', html, re.S).group(1)
    return re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a></th>\s*<td class="zona-numero">([^<]+)</td>', tabella)


def _testo(s):
    return s.replace("&#x27;", "'")


@pytest.mark.django_db
def test_url_name_and_link_from_the_province_page(client, demo_db):
    assert reverse("conoscenza:provincia") == URL
    page = client.get("/").content.decode()
    assert f'href="{URL}"' in page


@pytest.mark.django_db
def test_defaults_old_age_index_latest_year_values_equal_calcola(client, demo_db):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="indice_vecchiaia" selected' in html
    assert 'value="2023" selected' in html
    righe = dict((_testo(n), v) for n, v in righe_tabella(html))
    assert righe["Alto Sebino"] == "208,0"
    valori = calcola(Livello.AMBITO, anni=[2023], indicatori=["indice_vecchiaia"])
    nomi = nomi_territori(Livello.AMBITO)
    assert len(righe) == 14
    for (codice, _, _), v in valori.items():
        assert righe[nomi[codice]] == numero(v, 1)
    assert html.count("<svg") >= 2  # bar chart and map
    assert "style=" not in html  # strict CSP: no inline styles, in the SVG either
    assert "<script>" not in html


@pytest.mark.django_db
def test_other_indicator_and_year(client, demo_db):
    html = client.get(URL, {"indicatore": "densita", "anno": 2022}).content.decode()
    valori = calcola(Livello.AMBITO, anni=[2022], indicatori=["densita"])
    righe = dict((_testo(n), v) for n, v in righe_tabella(html))
    assert righe["Bergamo"] == numero(valori[("bergamo", 2022, "densita")], 1)
    assert "Densità di popolazione" in html


@pytest.mark.django_db
def test_sort_by_name_and_by_value(client, demo_db):
    per_nome = [_testo(n) for n, _ in righe_tabella(client.get(URL, {"ordina": "nome"}).content.decode())]
    assert per_nome == sorted(per_nome)
    html = client.get(URL, {"ordina": "valore"}).content.decode()
    per_valore = righe_tabella(html)
    numeri = [Decimal(v.replace(".", "").replace(",", ".")) for _, v in per_valore]
    assert numeri == sorted(numeri, reverse=True)
    assert _testo(per_valore[0][0]) == "Valle Brembana"
    # The header links sort, keeping indicator and year.
    assert "?indicatore=indice_vecchiaia&amp;anno=2023&amp;ordina=nome" in html


@pytest.mark.django_db
def test_csv(client, demo_db):
    response = client.get(URL, {"indicatore": "indice_vecchiaia", "anno": 2023, "formato": "csv", "ordina": "valore"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    righe = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(righe[0]) == ["ambito", "codice", "anno", "indicatore", "valore", "origine"]
    assert len(righe) == 14
    valori = calcola(Livello.AMBITO, anni=[2023], indicatori=["indice_vecchiaia"])
    for r in righe:
        atteso = valori[(r["codice"], 2023, "indice_vecchiaia")].quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert Decimal(r["valore"]) == atteso
        assert r["anno"] == "2023" and r["indicatore"] == "indice_vecchiaia"
    alto = next(r for r in righe if r["codice"] == "alto-sebino")
    assert alto == {
        "ambito": "Alto Sebino",
        "codice": "alto-sebino",
        "anno": "2023",
        "indicatore": "indice_vecchiaia",
        "valore": "208.0",
        "origine": "calcolato",
    }
    assert righe[0]["codice"] == "valle-brembana"  # sorted as asked


@pytest.mark.django_db
def test_xlsx(client, demo_db):
    response = client.get(URL, {"indicatore": "densita", "anno": 2023, "formato": "xlsx"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    righe = list(ws.values)
    assert righe[0] == ("ambito", "codice", "anno", "indicatore", "valore", "origine")
    assert len(righe) == 15
    bergamo = next(r for r in righe if r[1] == "bergamo")
    atteso = calcola(Livello.AMBITO, anni=[2023], indicatori=["densita"])[("bergamo", 2023, "densita")]
    assert bergamo[4] == pytest.approx(float(atteso), abs=0.05)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "parametri, messaggio",
    [
        ({"indicatore": "inesistente"}, "Indicatore sconosciuto"),
        ({"indicatore": SENZA_DATI}, "non ci sono dati degli Ambiti"),
        ({"anno": "abc"}, "Anno non valido"),
        ({"anno": "1999"}, "non ci sono dati del 1999"),
        ({"anno": "99999999999999999999"}, "numero troppo grande"),
        ({"ordina": "caso"}, "Ordinamento non valido"),
        ({"formato": "pdf"}, "Formato non valido"),
    ],
)
def test_bad_input_is_a_400_with_an_italian_message(client, demo_db, parametri, messaggio):
    response = client.get(URL, parametri)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="errore"' in html
    assert messaggio in _testo(html)
    assert 'data-testid="scelta"' in html  # the form is still there to choose again


@pytest.mark.django_db
def test_link_to_groups(client, demo_db):
    html = client.get(URL, {"indicatore": "densita"}).content.decode()
    assert f'href="{reverse("conoscenza:gruppi")}?primo=densita&amp;anno=2023"' in html


@pytest.mark.django_db
def test_indicator_without_data_not_offered(client, demo_db):
    html = client.get(URL).content.decode()
    assert Indicatore.objects.filter(pk=SENZA_DATI).exists()
    assert f'value="{SENZA_DATI}"' not in html


@pytest.mark.django_db
def test_the_years_printed_by_the_seeds_are_offered_and_marked(client, demo_db):
    """Like the Serie storica of an Ambito: the birth rate, which Zona does not compute for any
    Ambito, has the years the Alto Sebino plan prints (2018-2020, tables 2.1 and 2.2), with the
    ATS the plan prints beside it; the old-age index of 2010 has the province of the Prologo
    2012-2014, and the map of that year draws the Comuni of 2010."""
    html = client.get(URL, {"indicatore": "tasso_natalita", "anno": 2019}).content.decode()
    assert 'value="tasso_natalita" selected' in html and 'value="2019" selected' in html
    assert re.search(r"Alto Sebino</a></th>\s*<td[^>]*><em>6,7</em> <small>pubbl.</small>", html)
    # Each figure links to the Comuni it counts.
    assert "comuni-contati/?livello=ambito&amp;codice=alto-sebino&amp;anno=2019" in html
    assert "comuni-contati/?livello=ats&amp;codice=ats-bergamo&amp;anno=2019" in html
    assert re.search(r"ATS Bergamo \(tutta la provincia\)</th><td[^>]*><em>7,5</em> <small>pubbl.", html)
    assert 'data-testid="nota-pubblicati"' in html
    html = client.get(URL, {"indicatore": "indice_vecchiaia", "anno": 2010}).content.decode()
    assert re.search(r"Provincia di Bergamo</th><td[^>]*><em>121,8</em> <small>pubbl.", html)
    assert "Brembilla e Gerosa" in html  # the map of 1/1/2010
    assert 'data-testid="senza-grafico"' in html  # no Ambito to draw in the bar chart
    # The computed years are as before, and the CSV says where each figure comes from.
    risposta = client.get(URL, {"indicatore": "tasso_natalita", "anno": 2019, "formato": "csv"})
    righe = [r for r in csv.DictReader(io.StringIO(risposta.content.decode())) if r["valore"]]
    assert [(r["codice"], r["valore"], r["origine"]) for r in righe] == [("alto-sebino", "6.7", "pubblicato")]
