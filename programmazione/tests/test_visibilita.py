"""One visibility rule for plans and objectives, on the tiny registry (no demo): a draft of
Lago exists only for Lago and the coordination; for anyone else its URLs answer 404 like a
missing id, and the Prologo page does not list its objectives (issue 17, point 5)."""

import pytest
from django.test import Client

from programmazione.models import ObiettivoProvinciale, Prologo
from testsupport.fabbriche import utente_con_ruolo

ASSENTE = 987654321


@pytest.fixture
def mondo(registro_minimo):
    r = registro_minimo
    prologo = Prologo.objects.create(ats=r.ats, anno_inizio=2024, anno_fine=2026, titolo="Prologo di prova")
    condiviso = ObiettivoProvinciale.objects.create(
        prologo=prologo, codice="S1", tipo="sociale", numero=1, titolo="Obiettivo condiviso"
    )
    ob = r.bozza.obiettivi.get()
    ob.titolo = "Titolo riservato della bozza"
    ob.save()
    ob.obiettivi_provinciali.add(condiviso)
    r.approvato.obiettivi.first().obiettivi_provinciali.add(condiviso)
    r.utenti = {
        "anonimo": None,
        "pianura": utente_con_ruolo("udp.pianura", "ufficio_di_piano", ambito=r.pianura),
        "comune di pianura": utente_con_ruolo("c.campagnola", "comune", comune=r.comuni["016904"]),
        "lago": utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=r.lago),
        "comune del lago": utente_con_ruolo("c.borgo", "comune", comune=r.comuni["016901"]),
        "coordinamento": utente_con_ruolo("coord", "coordinamento"),
    }
    return r


def _client(user):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.mark.parametrize(
    "chi,vede",
    [
        ("anonimo", False),
        ("pianura", False),
        ("comune di pianura", False),
        ("lago", True),
        ("comune del lago", True),
        ("coordinamento", True),
    ],
)
def test_a_draft_is_found_only_by_who_may_see_it(mondo, chi, vede):
    c = _client(mondo.utenti[chi])
    p, ob = mondo.bozza.pk, mondo.bozza.obiettivi.get().pk
    for url, assente in [
        (f"/piani/{p}/", f"/piani/{ASSENTE}/"),
        (f"/piani/{p}/sinottica/", f"/piani/{ASSENTE}/sinottica/"),
        (f"/obiettivi/{ob}/", f"/obiettivi/{ASSENTE}/"),
        (f"/obiettivi/{ob}/monitoraggio/", f"/obiettivi/{ASSENTE}/monitoraggio/"),
        (f"/api/piani/{p}", f"/api/piani/{ASSENTE}"),
        (f"/api/obiettivi/{ob}", f"/api/obiettivi/{ASSENTE}"),
        (f"/api/piani/{p}/attuazione", f"/api/piani/{ASSENTE}/attuazione"),
    ]:
        stato = c.get(url).status_code
        assert stato == (200 if vede else 404), (url, chi, stato)
        assert c.get(assente).status_code == 404
    elenco = c.get("/piani/").content.decode()
    assert (f"/piani/{p}/" in elenco) is vede
    prologo = c.get("/prologo/?triennio=2024").content.decode()
    assert "Obiettivo condiviso" in prologo and "Domiciliarità degli anziani" in prologo
    assert ("Titolo riservato della bozza" in prologo) is vede


def test_an_odd_id_is_a_404_not_a_server_error(mondo):
    c = _client(None)
    assert c.get("/api/piani/5.0").status_code in (404, 422)
    assert c.get("/api/obiettivi/99999999999999999999999").status_code in (404, 422)


def test_templates_ask_permessi_for_the_menu(mondo):
    coordinamento = _client(mondo.utenti["coordinamento"]).get("/piani/").content.decode()
    assert "Registro delle modifiche" in coordinamento and "Secondo fattore" in coordinamento
    comune = _client(mondo.utenti["comune del lago"]).get("/piani/").content.decode()
    assert "Registro delle modifiche" not in comune and "Secondo fattore" not in comune
    lago = _client(mondo.utenti["lago"]).get("/piani/").content.decode()
    assert "Secondo fattore" in lago and "Nuovo piano" in lago
