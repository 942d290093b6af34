"""Column widths follow the content (PDF and DOCX): the «Indicatore» column of a plan's indicator
table is not squeezed to one word per line while empty target columns take the space."""

import io

from docx import Document

from documenti import tabelle as t
from documenti.docx import genera_docx
from documenti.modello import Documento

DESCRIZIONE = "Numero di anziani over 75 raggiunti dal servizio di assistenza domiciliare integrata nel territorio"


def _indicatori():
    colonne = [t.testo("Tipo", 1.1), t.testo("Indicatore", 5), t.testo("Unità", 1.1), t.numero("Baseline", 1.3)]
    colonne += [t.numero(f"Atteso {a}", 1.1) for a in (2021, 2022, 2023)]
    righe = [
        ["Output", DESCRIZIONE, "numero", "—", "—", "—", "—"],
        ["Outcome", "Tempo medio di attesa", "giorni"] + ["—"] * 4,
    ]
    return t.tabella(colonne, righe, "prova")


def test_la_colonna_indicatore_prende_lo_spazio_delle_colonne_vuote():
    p = _indicatori().percentuali()
    assert abs(sum(p) - 100) < 0.5
    assert p[1] >= 40, p  # the descriptions
    assert all(x <= 11 for x in p[4:]), p  # «Atteso 2021» over «—»: as wide as «Atteso»
    assert p[1] > 2 * sum(p[4:]) / 3


def test_il_docx_porta_le_larghezze_nella_griglia_e_nelle_celle():
    tab_indicatori = _indicatori()
    doc = Documento(titolo="Prova", ente="Ente", frontespizio=[], intestazione="Prova", nome_file="prova")
    doc.capitolo("Indicatori").blocchi.append(tab_indicatori)
    (tab,) = Document(io.BytesIO(genera_docx(doc))).tables
    griglia = [c.w for c in tab._tbl.tblGrid.gridCol_lst]
    celle = [c.width for c in tab.rows[1].cells]
    assert griglia == celle
    quote = [round(100 * w / sum(griglia), 1) for w in griglia]
    assert all(abs(a - b) <= 0.2 for a, b in zip(quote, tab_indicatori.percentuali(), strict=True))


def test_nessuna_parola_spezzata_nelle_colonne_strette():
    """«Unità», «Outcome», «Baseline» are not broken inside a word in the PDF: each column gets
    at least its longest word (the indicator and LEPS tables printed «Unit à», «Outcom e»)."""
    from documenti.pdf import genera_pdf
    from testsupport.documenti import leggi_pdf

    doc = Documento(titolo="Prova", ente="Ente", frontespizio=[], intestazione="Prova", nome_file="prova")
    tabella = _indicatori()
    tabella.righe += tabella.righe * 3
    doc.capitolo("Indicatori").blocchi.append(tabella)
    parole = leggi_pdf(genera_pdf(doc)).split()
    for parola in ("Unità", "Outcome", "Baseline", "numero", "giorni"):
        assert parola in parole, parola
