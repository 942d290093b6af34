"""The six-monthly monitoring report of a plan and the provincial report."""

import datetime

import pytest

from documenti.modello import Tabella
from documenti.monitoraggio import relazione_monitoraggio
from documenti.piano import documento_piano
from documenti.provinciale import relazione_provinciale
from monitoraggio.models import Misurazione
from programmazione.models import IndicatoreObiettivo, Piano, Target
from testsupport.fabbriche import utente


def _testo(doc):
    parti = []
    for c in doc.capitoli:
        parti.append(c.etichetta)
        for b in c.blocchi:
            if isinstance(b, Tabella):
                parti += [cella.testo for riga in b.righe for cella in riga] + (b.totale or [])
            else:
                parti.append(getattr(b, "testo", "") or " ".join(getattr(b, "voci", [])))
    return "\n".join(parti)


@pytest.mark.django_db
def test_relazione_di_monitoraggio(approvato):
    ind = IndicatoreObiettivo.objects.filter(obiettivo__piano=approvato, obiettivo__codice="AS21-17").first()
    Target.objects.create(indicatore=ind, anno=2022, valore=10)
    Misurazione.objects.create(indicatore=ind, anno=2022, semestre=1, data=datetime.date(2022, 7, 10), valore="12.5")
    doc = relazione_monitoraggio(approvato, datetime.date(2022, 9, 1))
    testo = _testo(doc)
    assert doc.frontespizio[1] == "Monitoraggio del 1° semestre 2022, situazione al 01/09/2022"
    assert [c.titolo for c in doc.capitoli] == [
        "Il piano",
        "Stato di attuazione",
        "Misurazioni e valori attesi",
        "Risorse stanziate e impegnate",
        "Scadenze",
    ]
    # Measured 12,5 against 10 expected: 2,50 over.
    assert "12,50" in testo and "10,00" in testo and "2,50" in testo
    # Approved on 15.12.2021: 2021 owes nothing; the first semester of 2022, due by 31/07/2022 and
    # measured for one objective of those with indicators, is late.
    assert "semestre 2021" not in testo
    assert "Monitoraggio del 1° semestre 2022" in testo and "In ritardo" in testo
    # Asked after the end of the triennio: the report is about its last semester.
    tardi = relazione_monitoraggio(approvato, datetime.date(2026, 11, 1))
    assert tardi.frontespizio[1] == "Monitoraggio del 2° semestre 2023, situazione al 01/11/2026"


@pytest.mark.django_db
def test_relazione_provinciale_2018(demo_db):
    doc = relazione_provinciale(2018, utente("coordinamento"), datetime.date(2025, 1, 1))
    assert doc.orizzontale
    attuazione = next(b for b in doc.capitoli[1].blocchi if isinstance(b, Tabella))
    righe = {r[0].testo: [c.testo for c in r[1:]] for r in attuazione.righe}
    # Stati: non avviato, in corso, attuato, parzialmente attuato, non attuato, totale.
    assert righe["Alto Sebino"] == ["0", "0", "12", "24", "1", "37"]
    assert righe["Dalmine"] == ["0", "0", "46", "13", "6", "65"]
    assert righe["Provincia"] == ["0", "0", "58", "37", "7", "102"]
    # 58 of 102 carried out: 56,9 %.
    assert attuazione.totale == ["Quota sul totale", "0,0%", "0,0%", "56,9%", "36,3%", "6,9%", "100%"]
    testo = _testo(doc)
    assert "Ambiti senza un piano del triennio in Zona (12)" in testo
    assert "Nessun Prologo provinciale per il triennio che inizia nel 2018" in testo


@pytest.mark.django_db
def test_piano_del_triennio_precedente_in_bozza_non_conta(demo_db):
    piano = Piano.objects.get(ambito="alto-sebino", anno_inizio=2021)
    Piano.objects.filter(ambito="alto-sebino", anno_inizio=2018).update(stato="bozza")
    assert documento_piano(piano).capitoli[1].titolo == "La precedente triennalità"
