"""PNRR projects: the CUP's format, the page, and the milestones in the monitoring calendar."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fondi.models import ProgettoPnrr
from monitoraggio.selectors import scadenze
from programmazione.models import Piano
from testsupport.fabbriche import utente

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cup", ["A00B2200000000", "a00b22000000001", "A0XB22000000001", "A00B22000000001X"])
def test_a_cup_out_of_format_is_refused(demo_db, cup):
    p = ProgettoPnrr(ambito_id="dalmine", linea="1.2", titolo="x", cup=cup, importo=Decimal("1"))
    with pytest.raises(ValidationError) as e:
        p.full_clean()
    assert "cup" in e.value.message_dict


def test_milestones_are_in_the_calendar_of_the_plan(demo_db):
    piano = Piano.objects.get(ambito="alto-sebino", anno_inizio=2021)
    pnrr = [s for s in scadenze(piano, oggi=datetime.date(2023, 9, 1)) if s.cosa.startswith("PNRR")]
    # The 2026 target is outside the triennio 2021-2023.
    assert [(s.data.isoformat(), s.esito, s.dettaglio) for s in pnrr] == [
        ("2022-12-31", "fatto", "raggiunto il 15/12/2022"),
        ("2023-06-30", "in ritardo", ""),
    ]


def test_the_ufficio_di_piano_records_a_project(demo_db, client):
    assert "A00B22000000001" in client.get("/ambiti/alto-sebino/pnrr/").content.decode()
    client.force_login(utente("udp.altosebino"))
    dati = {
        "azione": "progetto",
        "p-linea": "1.1.2",
        "p-titolo": "Anziani",
        "p-importo": "300000",
        "p-stato": "ammesso",
    }
    pagina = client.post("/ambiti/alto-sebino/pnrr/", dati | {"p-cup": "12345"}).content.decode()
    assert "Il CUP ha 15 caratteri" in pagina
    assert client.post("/ambiti/alto-sebino/pnrr/", dati | {"p-cup": "b12c23000100005"}).status_code == 302
    assert ProgettoPnrr.objects.get(cup="B12C23000100005").ambito_id == "alto-sebino"
    client.force_login(utente("udp.dalmine"))
    assert client.post("/ambiti/alto-sebino/pnrr/", dati | {"p-cup": "B12C23000100006"}).status_code == 403


def test_the_split_page_among_the_comuni(demo_db, client):
    parametri = {"importo": "10000", "criterio": "formula", "anno": "2023", "quota_uguale": "30"}
    pagina = client.get("/ambiti/alto-sebino/fondi/riparto-comuni/", parametri).content.decode()
    assert "Lovere" in pagina and "<strong>10.000,00</strong>" in pagina
    csv = client.get("/ambiti/alto-sebino/fondi/riparto-comuni/", parametri | {"formato": "csv"}).content.decode()
    assert csv.splitlines()[0] == "codice_istat,comune,peso,quota" and len(csv.splitlines()) == 11
    errore = client.get("/ambiti/alto-sebino/fondi/riparto-comuni/", parametri | {"anno": "2024"}).content.decode()
    assert "Manca la popolazione al 1° gennaio 2024" in errore
