"""The page of machine clients: the coordination creates (token shown once, stored hashed)
and revokes; the client's scope is a Profilo; everything in the audit trail."""

import hashlib

import pytest
from auditlog.models import LogEntry

from accounts.models import ClientMacchina
from testsupport.fabbriche import utente_con_ruolo

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinamento(client, registro_minimo):
    client.force_login(utente_con_ruolo("coord", "coordinamento"))
    return client


def test_the_coordination_creates_a_client_and_sees_its_token_once(coordinamento, registro_minimo):
    r = coordinamento.post(
        "/account/client/",
        {
            "nome": "Gestionale del Lago",
            "ruolo": "ufficio_di_piano",
            "ambito": "lago",
            "comune": "016901",
            "giorni": 90,
        },
    )
    assert r.status_code == 200
    assert r["Cache-Control"] == "no-store"
    token = r.context["token"]
    assert token.startswith("zona_") and token in r.content.decode()
    c = ClientMacchina.objects.get()
    segreto = token.removeprefix("zona_").partition("_")[2]
    assert c.impronta == hashlib.sha256(segreto.encode()).hexdigest() and segreto not in c.impronta
    # The scope is the role's only: the Comune chosen by mistake is dropped.
    profilo = c.utente.profilo
    assert (profilo.ruolo, profilo.ambito_id, profilo.comune_id) == ("ufficio_di_piano", "lago", None)
    assert not c.utente.has_usable_password()
    assert 89 <= (c.scadenza - c.creato_il).days <= 90
    elenco = coordinamento.get("/account/client/")
    assert token not in elenco.content.decode()
    assert "Gestionale del Lago" in elenco.content.decode()
    creato = LogEntry.objects.get_for_object(c).get()
    assert "impronta" not in creato.changes and segreto not in str(creato.changes)

    r = coordinamento.post("/account/client/", {"revoca": c.prefisso})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.revocato_il is not None and not c.utente.is_active
    assert LogEntry.objects.get_for_object(c).count() == 2


def test_the_form_asks_for_the_scope_of_the_role(coordinamento):
    r = coordinamento.post("/account/client/", {"nome": "X", "ruolo": "comune", "giorni": 10})
    assert "Scegliere il Comune." in r.content.decode()
    r = coordinamento.post("/account/client/", {"nome": "X", "ruolo": "coordinamento", "giorni": 3000})
    assert r.context["form"].errors["giorni"]
    assert not ClientMacchina.objects.exists()


def test_only_the_coordination_manages_clients(client, registro_minimo):
    client.force_login(utente_con_ruolo("ufficio", "ufficio_di_piano", ambito=registro_minimo.lago))
    assert client.get("/account/client/").status_code == 403
    assert client.post("/account/client/", {"nome": "X", "ruolo": "coordinamento", "giorni": 10}).status_code == 403
    assert not ClientMacchina.objects.exists()
