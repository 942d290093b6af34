"""Names and free texts with markup are printed as text in both formats, never interpreted."""

import io
import zipfile

import pytest

from documenti import pdf, services
from programmazione.models import Obiettivo
from territorio.models import Ambito
from testsupport.documenti import leggi_docx, leggi_pdf
from testsupport.ostile import STRINGHE_OSTILI

TITOLO = "<script>alert(1)</script> <b>Grassetto</b> & «virgolette»"


@pytest.fixture
def ostile(bozza):
    ob = bozza.obiettivi.get()
    ob.titolo = TITOLO
    ob.descrizione = STRINGHE_OSTILI[1] + "\ncon un carattere di controllo \x0b in mezzo"
    ob.save()
    # A hostile name reaches headers and cover too.
    Ambito.objects.filter(pk=bozza.ambito_id).update(nome="Alto Sebino <i>corsivo</i>")
    bozza.refresh_from_db()
    return bozza


def _senza_spazi(testo):
    return "".join(testo.split())


@pytest.mark.django_db
def test_markup_come_testo_nel_docx(ostile):
    file = services.genera(ostile, "docx")
    testo = leggi_docx(file.contenuto)
    assert TITOLO in testo
    assert STRINGHE_OSTILI[1] in testo
    assert "Alto Sebino <i>corsivo</i>" in testo
    xml = zipfile.ZipFile(io.BytesIO(file.contenuto)).read("word/document.xml")
    assert b"<script>" not in xml and b"&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    assert b"\x0b" not in xml  # not XML: dropped in both formats


@pytest.mark.django_db
def test_markup_come_testo_nel_pdf(ostile):
    html = pdf.html(services.documento_di(ostile))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Grassetto" not in html and "<i>corsivo" not in html
    testo = _senza_spazi(leggi_pdf(services.genera(ostile, "pdf").contenuto))
    assert _senza_spazi(TITOLO) in testo
    assert _senza_spazi(STRINGHE_OSTILI[1]) in testo
    assert _senza_spazi("Alto Sebino <i>corsivo</i>") in testo


@pytest.mark.django_db
def test_nessuna_risorsa_esterna_nel_pdf(bozza, monkeypatch):
    """The browser loads only its fonts and embedded charts: a URL in the data is not fetched
    (the test for the browser itself is in test_chromium)."""
    from documenti import chromium

    richieste = []
    rispondi = chromium._rispondi

    def registra(route, *args):
        richieste.append(route.request.url)
        return rispondi(route, *args)

    monkeypatch.setattr(chromium, "_rispondi", registra)
    Obiettivo.objects.filter(piano=bozza).update(descrizione='<img src="http://127.0.0.1:9/x.png">')
    assert services.genera(bozza, "pdf").contenuto.startswith(b"%PDF")
    assert richieste and all(u.startswith(chromium.ORIGINE) for u in richieste)
    assert any(u.endswith("font/titillium-400.ttf") for u in richieste)
