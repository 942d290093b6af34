"""The governance chapter of the Piano di Zona from the co-programming data: Alto Sebino
2021-2023 (demo, chapter 7.2-7.3 of the seed): the 20 meetings of the September-November 2021
road-map in 10 tables, the priorities and the objectives they produced, the Assemblea sitting of
15.12.2021 that approved the plan, the accordo's signatories with their columns of dates."""

import datetime

import pytest

from documenti.modello import Tabella, Titolo
from documenti.piano import documento_piano

OGGI = datetime.date(2025, 1, 15)


def _testi(tabella):
    return [[getattr(c, "testo", c) for c in r] for r in tabella.righe]


def _governance(piano):
    doc = documento_piano(piano, OGGI)
    cap = next(c for c in doc.capitoli if c.titolo == "La Governance")
    sezioni = [b.testo for b in cap.blocchi if isinstance(b, Titolo)]
    tabelle = {b.didascalia: b for b in cap.blocchi if isinstance(b, Tabella)}
    return sezioni, tabelle


@pytest.mark.django_db
def test_governance_chapter_of_alto_sebino_2021(approvato):
    sezioni, tabelle = _governance(approvato)
    assert sezioni == [
        "Accordo di programma",
        "La co-programmazione con il terzo settore",
        "L'Assemblea dei Sindaci",
        "Ufficio di Piano e organi dell'Ambito",
    ]
    incontri = _testi(tabelle["Incontri svolti (20)"])
    assert incontri[0][0].endswith("/09/2021")
    assert incontri[-1][0].endswith("/11/2021")
    enti = {r[0] for r in _testi(next(t for d, t in tabelle.items() if d.startswith("Enti partecipanti")))}
    assert {"ATS di Bergamo", "ASST Bergamo Est", "Comune di Lovere"} <= enti
    esiti = _testi(tabelle["Esiti dei tavoli e obiettivi che ne sono nati"])
    assert len(esiti) == 9
    assert any("AS21-02" in r[2] for r in esiti)
    sedute = _testi(tabelle["Sedute dell'Assemblea dei Sindaci"])
    assert [r[0] for r in sedute] == ["15/12/2021"]
    assert "Approvazione del Piano di Zona 2021-2023 (questo piano)" in sedute[0][3]
    firmatari = tabelle["Sottoscrittori e aderenti dell'accordo"]
    assert firmatari.colonne[-2:] == ["Sottoscrive o aderisce il", "Recede il"]


@pytest.mark.django_db
def test_provincial_report_counts_the_co_programming_of_each_plan(demo_db):
    from documenti.provinciale import relazione_provinciale
    from testsupport.fabbriche import utente

    doc = relazione_provinciale(2021, utente("coordinamento"), OGGI)
    cap = next(c for c in doc.capitoli if c.titolo == "Co-programmazione e governance")
    tabella = next(b for b in cap.blocchi if isinstance(b, Tabella))
    righe = {r[0]: r[1:] for r in _testi(tabella)}
    # 10 tables, 20 meetings, 12 organisations (10 Comuni, ATS, ASST), 9 priorities, the
    # objectives they produced, no accordo date in the source, one sitting.
    assert righe["Alto Sebino"] == ["10", "20", "12", "9", "16", "—", "1"]
