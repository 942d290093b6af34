"""Where the sources disagree: the known differences (conoscenza/data/discordanze.csv) and the
ones found by recomputation, on the document's page and next to the figure."""

from decimal import Decimal

import pytest

from conoscenza import discordanze
from conoscenza.models import Caricamento, ValorePubblicato
from conoscenza.selectors import calcola, discordanze_documento, profilo

pytestmark = pytest.mark.django_db
URL = "/quadro-conoscitivo/fonti/"


def test_a_published_value_zona_recomputes_otherwise_is_listed_for_its_document(registro_minimo, client):
    carico = Caricamento.objects.create(nome_file="alto_sebino_prova.csv", formato="zona", fonte="prova")
    ValorePubblicato.objects.create(
        caricamento=carico,
        indicatore_id="indice_vecchiaia",
        livello="ambito",
        codice_territorio="lago",
        anno=2023,
        valore=Decimal("170.0"),
    )
    # Lago at 1/1/2023: 440 over 65 per 270 under 15 -> 163,0 (not the 170,0 printed).
    calcolato = calcola("ambito", anni=[2023], indicatori=["indice_vecchiaia"], territori=["lago"])
    assert round(calcolato[("lago", 2023, "indice_vecchiaia")], 1) == Decimal("163.0")
    dati = discordanze_documento("pdz-alto-sebino-2021-2023")
    assert [(r["pubblicato"].codice_territorio, r["differenza"]) for r in dati.ricalcolate] == [
        ("lago", Decimal("-7.0"))
    ]
    assert len(dati.note) == len(discordanze.di_documento("pdz-alto-sebino-2021-2023"))
    # A value of another document is not this document's.
    assert discordanze_documento("prologo-2012-2014").ricalcolate == []
    pagina = client.get(URL, {"documento": "pdz-alto-sebino-2021-2023"}).content.decode()
    assert "170,0" in pagina and "163,0" in pagina and "-7,0" in pagina
    assert client.get(URL, {"documento": "nessuno"}).status_code == 400
    assert discordanze_documento("nessuno") is None
    # The time series: a printed value only where Zona has no base data; 2021 printed, not computed.
    ValorePubblicato.objects.create(
        caricamento=carico,
        indicatore_id="indice_vecchiaia",
        livello="ambito",
        codice_territorio="lago",
        anno=2021,
        valore=Decimal("150.0"),
    )
    serie = profilo("ambito", "lago", [])["serie"]
    assert serie.anni == [2021, 2022, 2023]
    vecchiaia = next(celle for ind, celle in serie.righe if ind.codice == "indice_vecchiaia")
    celle = dict(zip(serie.anni, vecchiaia, strict=True))
    assert celle[2021] == (Decimal("150.0"), "pubblicato")
    assert celle[2023][1] == "calcolato" and round(celle[2023][0], 1) == Decimal("163.0")


def test_the_known_differences_on_the_document_page_and_next_to_the_figures(demo_db, client):
    indice = client.get(URL).content.decode()
    assert "Piano di Zona 2021-2023 dell&#x27;Ambito Alto Sebino</a>: 12 differenze note" in indice
    pagina = client.get(URL, {"documento": "pdz-alto-sebino-2021-2023"}).content.decode()
    # Revenue from the Comuni: 1.948.285 in the text, 1.948.245 in Tab. 2.4, 40 € apart.
    assert '<td class="zona-numero">1.948.285</td>' in pagina and "1.948.245" in pagina
    assert '<td class="zona-numero">40</td>' in pagina
    assert '<td class="zona-numero">40.851</td>' in pagina  # Minori e famiglia, Tab. 4.2 vs 2.4
    profilo = client.get("/ambiti/alto-sebino/quadro-conoscitivo/").content.decode()
    # Next to the old-age index printed for 2018: the value its own table gives, and why.
    assert (
        "Tab. 2.1, indice di vecchiaia stampato: 194,7; ricalcolato dagli indici di dipendenza della stessa "
        "colonna: DA / (DS − DA) × 100: 180,6. La serie stampata sembra spostata di un anno"
    ) in profilo
    # Next to Tab. 2.4's revenue from the Comuni (published 1.948.245): the text's 1.948.285.
    assert "Par. 5.5, entrate dai Comuni («1.948.285 Euro»): 1.948.285; Tab. 2.4" in profilo
    # Next to the spending table of Tab. 4.2: Minori e famiglia as Tab. 2.4 gives it.
    assert 'data-testid="discordanza-spesa_euro"' in profilo and "558.742, ma Tab. 2.4" in profilo
    assert "?documento=pdz-alto-sebino-2021-2023" in profilo
    # Every year that exists: the printed 2018-2020 series beside the computed years.
    serie = profilo[profilo.index('data-testid="serie-storica"') :]
    serie = serie[: serie.index("</table>")]
    assert '<th scope="col" class="zona-numero">2018</th>' in serie and ">2023</th>" in serie
    assert "<em>194,7</em> <small>pubbl.</small>" in serie


def test_the_surface_of_the_ten_comuni_is_the_one_the_difference_names(demo_db):
    # Par. 5.1 gives 87,1 km²; the ISTAT boundaries of the 10 Comuni of 2023 add up to 103,7.
    import datetime

    from conoscenza.models import Osservazione
    from territorio.models import Ambito
    from territorio.selectors import comuni_di

    comuni = [c.pk for c in comuni_di(Ambito.objects.get(pk="alto-sebino"), datetime.date(2023, 1, 1))]
    assert len(comuni) == 10
    superficie = sum(
        Osservazione.objects.attive()
        .filter(misura_id="superficie_kmq", anno=2023, comune__in=comuni)
        .values_list("valore", flat=True)
    )
    d = discordanze.trova("superficie_kmq", 2021)
    assert round(superficie, 1) == d.seconda_cifra == Decimal("103.7") and d.prima_cifra == Decimal("87.1")
