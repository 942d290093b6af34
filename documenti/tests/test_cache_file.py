"""The rendering of a document is kept by its content (documenti.services.file_di)."""

import datetime

from django.core.cache import caches

from documenti import services
from documenti.modello import Documento, Paragrafo


def _documento(titolo="Piano di Zona 2024-2026", **campi):
    doc = Documento(
        titolo=titolo,
        ente="Ambito territoriale Lago",
        frontespizio=["Bozza"],
        intestazione="Piano di Zona",
        nome_file="piano-di-zona-lago",
        **campi,
    )
    doc.capitolo("Premessa").blocchi.append(Paragrafo("Testo della premessa."))
    return doc


def test_the_same_content_is_rendered_once_whatever_its_time_of_generation():
    caches["documenti"].clear()
    primo = services.file_di(_documento(generato_il=datetime.datetime(2025, 1, 1, 9, 0)), "docx")
    assert primo.nome == "piano-di-zona-lago.docx" and primo.contenuto.startswith(b"PK")
    # A later read of the same content gets the stored file: the one rendered first.
    secondo = services.file_di(_documento(generato_il=datetime.datetime(2025, 3, 1, 18, 30)), "docx")
    assert secondo.contenuto == primo.contenuto
    assert len(caches["documenti"]._cache) == 1


def test_another_content_or_format_is_rendered_anew():
    caches["documenti"].clear()
    docx = services.file_di(_documento(), "docx")
    altro = services.file_di(_documento(titolo="Piano di Zona 2027-2029"), "docx")
    pdf = services.file_di(_documento(), "pdf")
    assert altro.contenuto != docx.contenuto and pdf.contenuto.startswith(b"%PDF")
    assert len(caches["documenti"]._cache) == 3
