"""Pages and API of the funds with the demo ledger: who sees what, downloads, the movement form."""

import io
import json

import pytest
from openpyxl import load_workbook

from fondi.models import Movimento

pytestmark = pytest.mark.django_db


def login(client, username):
    client.force_login(__import__("testsupport.fabbriche", fromlist=["utente"]).utente(username))


def test_the_public_sees_programmed_and_reported_totals_only(demo_db, client):
    pagina = client.get("/ambiti/alto-sebino/fondi/?anno=2025").content.decode()
    assert "FNPS – Fondo nazionale per le politiche sociali" in pagina
    assert ">193.212,88<" in pagina  # programmed FNPS 2025
    assert ">78.600,00<" in pagina  # reported FNPS 2025
    assert "220.700,00" not in pagina  # assigned + carried over: not public
    assert "Registro dei movimenti" not in pagina
    assert client.get("/ambiti/alto-sebino/fondi/registro/").status_code == 302  # to the login page
    dati = client.get("/api/ambiti/alto-sebino/fondi?anno=2025").json()
    fnps = next(r for r in dati if r["fondo"] == "fnps")
    assert fnps["programmato"] == "193212.88" and fnps["assegnato"] is None and fnps["liquidato"] is None


def test_the_ufficio_di_piano_sees_everything_of_its_ambito_only(demo_db, client):
    login(client, "udp.altosebino")
    pagina = client.get("/ambiti/alto-sebino/fondi/?anno=2025").content.decode()
    for cifra in ("220.700,00", "163.212,88", "81.812,88", "138.887,12"):
        assert cifra in pagina, cifra
    assert "Registra un movimento" in pagina
    assert client.get("/ambiti/dalmine/fondi/registro/").status_code == 403
    assert client.get("/ambiti/dalmine/fondi/movimento/").status_code == 403
    registro = client.get("/ambiti/alto-sebino/fondi/registro/?anno=2025&fondo=comuni").content.decode()
    assert "corretto da Det. 20/2025-bis" in registro and "corregge Det. 20/2025" in registro


def test_the_comune_reads_its_ambito_and_cannot_write(demo_db, client):
    login(client, "comune.lovere")
    assert client.get("/ambiti/alto-sebino/fondi/registro/").status_code == 200
    assert client.get("/ambiti/alto-sebino/fondi/fondo/fnps/").status_code == 200
    assert client.get("/ambiti/dalmine/fondi/registro/").status_code == 403
    assert client.get("/ambiti/alto-sebino/fondi/movimento/").status_code == 403


def test_province_view_and_downloads(demo_db, client):
    login(client, "coordinamento")
    pagina = client.get("/fondi/?anno=2025").content.decode()
    assert "Alto Sebino" in pagina and "Dalmine" in pagina and "Catalogo dei fondi" in pagina
    csv = client.get("/fondi/?anno=2025&formato=csv").content.decode().splitlines()
    assert csv[0] == "ambito,nome,anno,assegnato,programmato,impegnato,liquidato,rendicontato"
    assert "alto-sebino,Alto Sebino,2025,648100.00,604112.88,440212.88,233062.88,139850.00" in csv
    xlsx = client.get("/ambiti/alto-sebino/fondi/registro/?formato=xlsx")
    righe = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert righe[0][:6] == ("fondo", "anno", "tipo", "numero", "data", "importo")
    assert len(righe) == 1 + Movimento.objects.filter(esercizio__ambito="alto-sebino").count()


def test_the_form_records_a_movement_or_says_why_not(demo_db, client):
    login(client, "udp.altosebino")
    dati = {"azione": "movimento", "fondo": "poverta", "anno": 2025, "numero": "Det. 200/2025"}
    dati |= {"data": "2025-10-01", "tipo": "impegno", "importo": "28000.01", "beneficiario": "Cooperativa"}
    pagina = client.post("/ambiti/alto-sebino/fondi/movimento/", dati).content.decode()
    assert "L&#x27;impegnato (80.000,01 €) supererebbe il programmato (80.000,00 €)." in pagina
    dati["importo"] = "28000.00"
    assert client.post("/ambiti/alto-sebino/fondi/movimento/", dati).status_code == 302
    assert Movimento.objects.filter(numero="Det. 200/2025", registrato_da__username="udp.altosebino").exists()


def test_api_records_and_refuses(demo_db, client):
    login(client, "udp.altosebino")
    corpo = {"fondo": "poverta", "anno": 2025, "tipo": "liquidazione", "numero": "M 1", "data": "2025-11-01"}
    r = client.post(
        "/api/ambiti/alto-sebino/movimenti", json.dumps(corpo | {"importo": "52000.01"}), "application/json"
    )
    assert r.status_code == 422 and "supererebbe l'impegnato" in r.json()["detail"]
    r = client.post("/api/ambiti/alto-sebino/movimenti", json.dumps(corpo | {"importo": "100"}), "application/json")
    assert r.status_code == 201 and r.json()["importo"] == "100.00"
    r = client.post("/api/ambiti/dalmine/movimenti", json.dumps(corpo | {"importo": "1"}), "application/json")
    assert r.status_code == 403
