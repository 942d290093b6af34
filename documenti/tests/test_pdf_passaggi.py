"""The PDF is printed by Chromium in two passes (documenti.pdf): the whole document, then the
cover and index with the page numbers that pass 1 put the headings on. The file must read as
one document: every page numbered «Pagina n di N» under the running header, the index's page
numbers where the headings are, the bookmarks and the index's links on those pages."""

import datetime
import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, IndirectObject

from documenti import pdf
from documenti import tabelle as t
from documenti.modello import Documento, Paragrafo, Tabella


def _documento():
    doc = Documento(
        titolo="Piano di Zona 2024-2026",
        ente="Ambito territoriale Lago",
        frontespizio=["Approvato"],
        intestazione="Piano di Zona 2024-2026 · Lago",
        nome_file="piano-di-zona-lago",
        generato_il=datetime.datetime(2025, 1, 15, 9, 30),
    )
    doc.capitolo("Premessa").blocchi.append(Paragrafo("Il testo della premessa."))
    obiettivi = doc.capitolo("Gli obiettivi")
    for area in ("Anziani", "Disabilità", "Famiglia"):
        doc.sezione(obiettivi, f"Area {area}")
        righe = [
            [f"{area} {i}", f"Descrizione dell'intervento numero {i} per l'area {area.lower()}"] for i in range(45)
        ]
        obiettivi.blocchi.append(t.scheda(righe, "prova"))
    doc.capitolo("Le risorse").blocchi.append(Paragrafo("Nessuna risorsa registrata."))
    return doc


def _indice_e_pagine(contenuto):
    # strict: a cross-reference section of the incremental update that a reader must repair fails.
    lettore = PdfReader(io.BytesIO(contenuto), strict=True)
    testi = [p.extract_text() for p in lettore.pages]
    return lettore, testi


@pytest.fixture(scope="module")
def stampato():
    return _indice_e_pagine(pdf.genera_pdf(_documento()))


def test_ogni_pagina_dice_il_suo_numero_e_il_totale(stampato):
    lettore, testi = stampato
    n = len(testi)
    assert n >= 6
    assert "Pagina" not in testi[0] and "Lago" in testi[0]  # the cover
    for pagina in lettore.pages:
        # Every content stream by reference (a stream as a direct object breaks strict readers).
        contenuti = pagina.raw_get("/Contents")
        flussi = contenuti.get_object() if isinstance(contenuti.get_object(), ArrayObject) else [contenuti]
        assert all(isinstance(c, IndirectObject) for c in flussi)
    for numero, testo in enumerate(testi[1:], 2):
        assert f"Pagina {numero} di {n}" in testo
        assert "Piano di Zona 2024-2026 · Lago" in testo  # the running header, once
        assert testo.count("Piano di Zona 2024-2026 · Lago") == 1


def test_indice_segnalibri_e_collegamenti_portano_alle_pagine_dei_titoli(stampato):
    lettore, testi = stampato
    doc = _documento()
    # The page each heading is printed on (after the index, page 2).
    pagina = {
        v.ancora: next(i for i, testo in enumerate(testi[2:], 3) if v.etichetta in testo.splitlines())
        for v in doc.indice()
    }
    assert pagina["cap-1"] == 3 and pagina["cap-3"] > pagina["sez-2.3"] > pagina["sez-2.2"] > pagina["sez-2.1"]
    righe_indice = testi[1].splitlines()
    for voce in doc.indice():
        (riga,) = [r for r in righe_indice if r.startswith(voce.etichetta + " ")]
        assert riga.rstrip().endswith(f" {pagina[voce.ancora]}") or riga.rstrip().endswith(f".{pagina[voce.ancora]}")
        destinazione = lettore.named_destinations["/" + voce.ancora]
        assert lettore.get_destination_page_number(destinazione) + 1 == pagina[voce.ancora]
    segnalibri = []

    def visita(voci):
        for voce in voci:
            if isinstance(voce, list):
                visita(voce)
            else:
                segnalibri.append((voce.title, lettore.get_destination_page_number(voce) + 1))

    visita(lettore.outline)
    attesi = [("Indice", 2)] + [(v.etichetta, pagina[v.ancora]) for v in doc.indice()]
    assert segnalibri == attesi
    # Chapters are top-level bookmarks, sections under them (the second part's too).
    assert [v.title for v in lettore.outline if not isinstance(v, list)] == ["Indice"] + [
        c.etichetta for c in doc.capitoli
    ]
    collegamenti = [str(a.get_object()["/Dest"]).removeprefix("/") for a in lettore.pages[1]["/Annots"]]
    assert {v.ancora for v in doc.indice()} == set(collegamenti)


def test_nessuna_riga_si_perde(stampato):
    _lettore, testi = stampato
    testo = " ".join(testi)
    for frase in ("Il testo della premessa.", "Descrizione dell'intervento numero 44 per l'area famiglia"):
        assert frase in testo
    tabelle = [b for c in _documento().capitoli for b in c.blocchi if isinstance(b, Tabella)]
    for tabella in tabelle:
        for riga in tabella.righe:
            assert riga[1].testo in testo


def test_se_l_indice_cambia_pagine_il_documento_si_ristampa_con_i_numeri(monkeypatch):
    """The front of pass 2 with one page more than pass 1's (it should not happen: the numbers
    have a box of fixed width): the whole document is printed again with the numbers, and the
    index still says where the headings are."""
    html = pdf.html

    def fronte_piu_lunga(documento, capitoli=None, **kwargs):
        testo = html(documento, capitoli=capitoli, **kwargs)
        if capitoli == []:
            testo = testo.replace("</nav>", '</nav><p style="break-before: page">in più</p>')
        return testo

    monkeypatch.setattr(pdf, "html", fronte_piu_lunga)
    lettore, testi = _indice_e_pagine(pdf.genera_pdf(_documento()))
    assert all("in più" not in testo for testo in testi)
    for voce in _documento().indice():
        (riga,) = [r for r in testi[1].splitlines() if r.startswith(voce.etichetta + " ")]
        pagina = lettore.get_destination_page_number(lettore.named_destinations["/" + voce.ancora]) + 1
        assert riga.rstrip().endswith(f" {pagina}")
        assert voce.etichetta in testi[pagina - 1]
