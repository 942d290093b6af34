import pytest

from territorio.selectors import cerca_comuni
from zona.lib.text import normalizza


def test_normalizza_forgives_accents_apostrophes_and_case():
    assert normalizza("Urganò") == normalizza("URGANO") == "urgano"
    assert normalizza("Torre dé Roveri") == normalizza("Torre de' Roveri") == "torre de roveri"


@pytest.mark.parametrize("testo", ["Citta di Pianura", "città", "CITTÀ DI PIANURA", "cittá"])
def test_accented_and_unaccented_names_find_the_comune(registro_minimo, testo):
    assert [c.nome for c in cerca_comuni(testo)] == ["Città di Pianura"]


@pytest.mark.parametrize("testo", ["Borgo Lago", "borgo lago", "Borgo sul Lago"])
def test_an_alternative_name_finds_the_official_one(registro_minimo, testo):
    assert [c.nome for c in cerca_comuni(testo)] == ["Borgo sul Lago"]


def test_apostrophes_are_ignored(registro_minimo):
    for testo in ("Sant Andrea", "sant'andrea", "SANT’ANDREA"):
        assert [c.nome for c in cerca_comuni(testo)] == ["Sant'Andrea"], testo


def test_search_by_part_of_the_name_in_alphabetical_order(registro_minimo):
    assert [c.nome for c in cerca_comuni("o")] == [
        "Borgo sul Lago",
        "Campagnola",
        "Isolato",
        "Monte Alto",
    ]


def test_search_without_letters_finds_nothing(registro_minimo):
    assert list(cerca_comuni("''")) == []


def test_search_page(client, registro_minimo):
    response = client.get("/cerca/", {"q": "campagnola"})
    assert response.status_code == 200
    assert "Campagnola" in response.content.decode()
    assert "Pianura" in response.content.decode()  # its Ambito
    response = client.get("/cerca/", {"q": "Xyzzy"})
    assert "Nessun Comune trovato per «Xyzzy»" in response.content.decode()
