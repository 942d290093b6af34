"""Names and texts with markup are shown as text everywhere: every free-text field of the demo
(Comuni, Ambiti, persons, organi, sources, plans...) starts with a script and an image with an
onerror handler, and every page is requested and searched for them unescaped."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.routes import rotte
from testsupport.ostile import STRINGHE_OSTILI, markup_non_escapato, rendi_ostili
from testsupport.rotte import argomenti_di_esempio, url_di

pytestmark = pytest.mark.scansione

PAGINE = [r for r in rotte() if not r.esente and r.operation is None and r.policy and r.policy.read]


@pytest.fixture
def testi_ostili(demo_db):
    return rendi_ostili()


def test_the_hostile_fields_cover_the_registry(db):
    toccati = rendi_ostili()
    for label, campo in [
        ("territorio.Comune", "nome"),
        ("territorio.Ambito", "nome"),
        ("territorio.Persona", "nome"),
        ("territorio.Organo", "nome"),
        ("territorio.Incarico", "qualifica"),
        ("territorio.Ente", "nome"),
        ("conoscenza.Indicatore", "nome"),
        ("conoscenza.Caricamento", "fonte"),
    ]:
        assert campo in toccati[label], (label, toccati.get(label))


@pytest.mark.django_db
@pytest.mark.parametrize("rotta", PAGINE, ids=[r.name for r in PAGINE])
def test_pages_show_hostile_text_escaped(testi_ostili, rotta):
    client = Client()
    # The superuser sees every page and every object (drafts included).
    client.force_login(get_user_model().objects.get(username="admin"))
    for kwargs in argomenti_di_esempio(rotta):
        url = url_di(rotta, kwargs)
        response = client.get(url)
        assert response.status_code < 500, url
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        assert not markup_non_escapato(html), f"{url}: {markup_non_escapato(html)}"


@pytest.mark.django_db
def test_hostile_names_reach_the_pages_as_text(testi_ostili):
    """The test above proves something only if the hostile text is on the pages: it is, escaped."""
    client = Client()
    escapato = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for url in [
        "/",
        "/ambiti/alto-sebino/",
        "/comuni/016128/",
        "/ambiti/alto-sebino/quadro-conoscitivo/",
        "/cerca/?q=lovere",
    ]:
        html = client.get(url).content.decode()
        assert escapato in html or "&lt;script&gt;" in html, url
    assert STRINGHE_OSTILI[0] not in client.get("/api/comuni/016128").content.decode("unicode_escape") or (
        client.get("/api/comuni/016128")["Content-Type"] == "application/json; charset=utf-8"
    )


def test_the_detector_finds_unescaped_markup_and_accepts_escaped_text():
    from django.utils.html import escape

    for ostile in STRINGHE_OSTILI:
        assert markup_non_escapato(f"<p>{ostile}</p>")
        assert not markup_non_escapato(f"<p>{escape(ostile)}</p>")
        assert not markup_non_escapato(f'<input value="{escape(ostile)}">')
    assert markup_non_escapato('<svg><text onclick="alert(1)">x</text></svg>')
    assert markup_non_escapato('<a href="#" onmouseover=alert(1)>x</a>')
