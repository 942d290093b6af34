"""Readers of the text of generated documents (PDF, DOCX), for the tests that check it."""

import io
import re


def normalizza(testo):
    return re.sub(r"\s+", " ", testo)


def leggi_pdf(contenuto):
    from pypdf import PdfReader

    return normalizza("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(contenuto)).pages))


def leggi_docx(contenuto):
    """Paragraphs and table cells, in document order."""
    from docx import Document

    d = Document(io.BytesIO(contenuto))
    parti = []
    for blocco in d.element.body.iterchildren():
        if blocco.tag.endswith("}p"):
            parti.append("".join(t.text or "" for t in blocco.iter() if t.tag.endswith("}t")))
        elif blocco.tag.endswith("}tbl"):
            for riga in blocco.iter():
                if riga.tag.endswith("}tc"):
                    parti.append(
                        " ".join(
                            "".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                            for p in riga.iter()
                            if p.tag.endswith("}p")
                        )
                    )
    return normalizza("\n".join(parti))
