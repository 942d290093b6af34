"""The Piano di Zona of Alto Sebino 2021-2023 generated from the demo data, read back from the
PDF (pypdf) and the DOCX (python-docx): chapters, objectives, Italian numbers, Tabella 2."""

import datetime
import io
import re

import pytest
from docx import Document

from documenti import services
from documenti.modello import Tabella
from documenti.piano import documento_piano
from testsupport.documenti import leggi_docx, leggi_pdf

OGGI = datetime.date(2025, 1, 15)
CAPITOLI = [
    "1 Premessa",
    "2 La precedente triennalità 2018-2020",
    "3 Il quadro conoscitivo",
    "4 La Governance",
    "5 La nuova programmazione 2021-2023",
    "6 Le risorse",
    "7 Il Sistema informativo a supporto della programmazione",
    "8 Tempi e modalità del monitoraggio",
    "9 Il 2018-2020 e il 2021-2023 a confronto",
]


def _controlla(testo):
    for titolo in CAPITOLI:
        # Once in the index, once as the chapter heading.
        assert testo.count(titolo) >= 2, titolo
    assert "Indice" in testo
    assert "Verso una comunità (davvero) educante" in testo
    # Residents of Alto Sebino on 1 January 2023 (ISTAT, demo), Italian grouping.
    assert "29.688" in testo
    assert "29688" not in testo
    # The Tabella 2 sheet of a 2018-2020 objective, with its degree of achievement.
    foglio = testo[testo.index("AS18-01 – CONOSCENZA, INFORMAZIONE, SOCIALIZZAZIONE E PREVENZIONE") :][:1500]
    assert re.search(
        r"Grado di raggiungimento dell'obiettivo rispetto a ciò che è stato definito nella programmazione 80%", foglio
    )
    assert "Livello di coincidenza tra risorse stanziate e risorse impegnate/liquidate 100%" in foglio
    # The status rollup of the previous plan: 12 of 37 carried out = 32,4 %.
    assert "32,4%" in testo
    # Every table says where its data come from.
    assert testo.count("Fonte:") >= 40
    # Chapters without data say so (no resources per fund in the demo plan).
    assert "Nessun passaggio" not in testo  # the plan was approved: its dates are there
    assert "15/12/2021" in testo


@pytest.mark.django_db
def test_pdf_del_piano_alto_sebino(approvato):
    file = services.genera(approvato, "pdf", oggi=OGGI)
    assert file.contenuto.startswith(b"%PDF")
    assert file.nome == "piano-di-zona-alto-sebino-2021-2023.pdf"
    _controlla(leggi_pdf(file.contenuto))


@pytest.mark.django_db
def test_docx_del_piano_alto_sebino(approvato):
    file = services.genera(approvato, "docx", oggi=OGGI)
    assert file.contenuto.startswith(b"PK")
    testo = leggi_docx(file.contenuto)
    _controlla(testo)
    # The index is a TOC field whose current text lists the chapters; Word updates it on opening.
    d = Document(io.BytesIO(file.contenuto))
    assert 'TOC \\o "1-2"' in d.element.xml
    assert "w:updateFields" in d.settings.element.xml
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 1"] == CAPITOLI


@pytest.mark.django_db
def test_pdf_e_docx_dicono_le_stesse_cose(approvato):
    """Both formats come from one Documento: same chapters, sections and tables."""
    doc = documento_piano(approvato, OGGI)
    assert [c.etichetta for c in doc.capitoli] == CAPITOLI
    tabelle = [b for c in doc.capitoli for b in c.blocchi if isinstance(b, Tabella)]
    assert tabelle and all(t.fonte for t in tabelle)


@pytest.mark.django_db
def test_capitoli_senza_dati_lo_dicono(bozza):
    doc = documento_piano(bozza, OGGI)
    testi = {c.titolo: " ".join(getattr(b, "testo", "") for b in c.blocchi) for c in doc.capitoli}
    assert "Il piano non ha una premessa registrata in Zona." in testi["Premessa"]
    # No resources in the objectives, but the demo ledger of Alto Sebino has movements in 2024-2025.
    assert "Nessuna risorsa economica" not in testi["Le risorse"]
    assert "I fondi dell'Ambito per anno di competenza" in testi["Le risorse"]
    assert "ancora in bozza" in testi["Tempi e modalità del monitoraggio"]
    assert "L'accordo di programma del piano non è registrato in Zona." in testi["La Governance"]
    # The previous plan of the Ambito is the approved 2021-2023 one.
    assert doc.capitoli[1].titolo == "La precedente triennalità 2021-2023"
    assert doc.bozza and "BOZZA" in doc.intestazione
