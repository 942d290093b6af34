import pytest

from territorio.selectors import cerca_comuni
from zona.lib.text import normalizza


def test_normalizza_forgives_accents_apostrophes_and_case():
    assert normalizza("Urganò") == normalizza("URGANO") == "urgano"
    assert normalizza("Torre dé Roveri") == normalizza("Torre de' Roveri") == "torre de roveri"


@pytest.mark.django_db
@pytest.mark.parametrize("testo", ["Urgano", "Urganò", "Urgnano", "urgnano", "URGNANO"])
def test_misspelt_accented_and_official_names_find_urgnano(demo_db, testo):
    assert [c.nome for c in cerca_comuni(testo)] == ["Urgnano"]


@pytest.mark.django_db
def test_search_by_part_of_the_name(demo_db):
    nomi = [c.nome for c in cerca_comuni("almenno")]
    assert nomi == ["Almenno San Bartolomeo", "Almenno San Salvatore"]


@pytest.mark.django_db
def test_search_without_letters_finds_nothing(demo_db):
    assert list(cerca_comuni("''")) == []


@pytest.mark.django_db
def test_search_page(client, demo_db):
    response = client.get("/cerca/", {"q": "Urganò"})
    assert response.status_code == 200
    assert "Urgnano" in response.content.decode()
    assert "Dalmine" in response.content.decode()
    response = client.get("/cerca/", {"q": "Xyzzy"})
    assert "Nessun Comune trovato per «Xyzzy»" in response.content.decode()
