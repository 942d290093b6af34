"""The AgID accessibility statement: public, linked from every page's footer, and honest about
what the automatic scan (test_browser_telefono) covers."""

import pytest

pytestmark = pytest.mark.django_db


def test_la_dichiarazione_e_pubblica_e_nel_pie_di_pagina(riferimenti, client):
    assert 'href="/accessibilita/"' in client.get("/dati-aperti/").content.decode()
    pagina = client.get("/accessibilita/").content.decode()
    assert "parzialmente conforme" in pagina
    assert "axe-core 4.14" in pagina
    assert 'href="mailto:dati@example.org"' in pagina
