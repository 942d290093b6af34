"""Fund movements and unità d'offerta over LAVORI_SOGLIA_BYTES go to a background job, on the
pages (redirect to the job's page) and through the API (202 with the job's URL), loaded by the
same importer: stored when good, nothing stored and the rows' errors on the job when refused.
The tests run jobs at once (ImmediateBackend)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.tests.test_importazioni import MOVIMENTO, buono, invia, movimenti, token
from fondi.models import Movimento
from lavori.models import Lavoro
from offerta import importa as offerta
from offerta.models import UnitaOfferta
from testsupport.fabbriche import utente_con_ruolo

pytestmark = pytest.mark.django_db

UNITA = {"tipo": "asilo-nido", "nome": "Nido Il Girasole", "ente_gestore": "Cooperativa Esempio"}
UNITA |= {"natura_ente": "terzo_settore", "codice_fiscale_ente": "80034840167", "comune": "016901"}


def unita(**campi):
    righe = [",".join(offerta.COLONNE), ",".join((UNITA | campi).get(c, "") for c in offerta.COLONNE)]
    return SimpleUploadedFile("unita.csv", ("\n".join(righe) + "\n").encode())


def _lavoro(url):
    return Lavoro.objects.get(pk=int(url.rstrip("/").rsplit("/", 1)[1]))


def test_l_api_mette_in_coda_movimenti_e_unita_grandi(registro_minimo, settings):
    settings.LAVORI_SOGLIA_BYTES = 50
    ufficio = token("ufficio_di_piano", ambito=registro_minimo.lago)
    r = invia("movimenti", ufficio, buono())
    assert r.status_code == 202, r.content
    lavoro = _lavoro(r.json()["lavoro"])
    assert lavoro.stato == Lavoro.COMPLETATO and lavoro.messaggio == "File caricato: 1 movimenti registrati."
    assert Movimento.objects.filter(numero="A1").count() == 1

    r = invia("unita-offerta", ufficio, unita())
    assert r.status_code == 202, r.content
    assert _lavoro(r.json()["lavoro"]).stato == Lavoro.COMPLETATO
    assert UnitaOfferta.objects.get().nome == "Nido Il Girasole"


def test_le_pagine_mandano_i_file_grandi_a_un_lavoro(registro_minimo, settings, client):
    settings.LAVORI_SOGLIA_BYTES = 50
    utente = utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago)
    client.force_login(utente)
    r = client.post("/fondi/importa/", {"file": buono()})
    assert r.status_code == 302 and r["Location"].startswith("/lavori/")
    lavoro = _lavoro(r["Location"])
    assert (lavoro.stato, lavoro.utente, lavoro.risultato_url) == (Lavoro.COMPLETATO, utente, "/fondi/")
    assert Movimento.objects.filter(numero="A1").exists()

    r = client.post("/offerta/importa/", {"file": unita()})
    assert r.status_code == 302 and _lavoro(r["Location"]).stato == Lavoro.COMPLETATO
    assert UnitaOfferta.objects.filter(nome="Nido Il Girasole").exists()


def test_un_file_grande_rifiutato_non_salva_nulla(registro_minimo, settings, client):
    settings.LAVORI_SOGLIA_BYTES = 50
    client.force_login(utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago))
    sbagliato = movimenti(
        MOVIMENTO | {"data": "01/02/2031", "importo": "1000.00"},
        MOVIMENTO | {"numero": "A2", "data": "01/02/2031", "importo": "5", "area": "Z"},
    )
    lavoro = _lavoro(client.post("/fondi/importa/", {"file": sbagliato})["Location"])
    assert lavoro.stato == Lavoro.FALLITO and any("area di policy «Z» sconosciuta" in e for e in lavoro.errori)
    assert not Movimento.objects.exists()
    lavoro = _lavoro(client.post("/offerta/importa/", {"file": unita(comune="999999")})["Location"])
    assert lavoro.stato == Lavoro.FALLITO and lavoro.errori and not UnitaOfferta.objects.exists()
