"""Imports through the API with a machine client's token: the pages' services, the same
refusals, all or nothing; Idempotency-Key; the token's scope, expiry, revocation, budget."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts import client as clienti
from conoscenza.models import Osservazione
from domanda import codice_fiscale as cf
from domanda import importa as domanda
from domanda.models import CaricamentoEstratto
from fondi import importa as fondi
from fondi.models import Movimento
from lavori.models import Lavoro
from offerta import importa as offerta
from offerta.models import UnitaOfferta
from testsupport.fabbriche import utente_con_ruolo

pytestmark = pytest.mark.django_db

MOVIMENTO = {"ambito": "lago", "fondo": "fsr", "anno": "2031", "tipo": "assegnazione", "numero": "A1"}


def movimenti(*righe):
    testo = "\n".join([",".join(fondi.COLONNE)] + [",".join(r.get(c, "") for c in fondi.COLONNE) for r in righe])
    return SimpleUploadedFile("movimenti.csv", (testo + "\n").encode(), content_type="text/csv")


def buono(**campi):
    return movimenti(MOVIMENTO | {"data": "01/02/2031", "importo": "1000.00"} | campi)


def token(ruolo, ambito=None, comune=None, giorni=30):
    _, testo = clienti.crea("Gestionale", ruolo, ambito, comune, timezone.now() + datetime.timedelta(days=giorni), None)
    return testo


def invia(percorso, tok, file, chiave=None, **campi):
    intestazioni = {"Authorization": f"Bearer {tok}"}
    if chiave:
        intestazioni["Idempotency-Key"] = chiave
    # enforce_csrf_checks: a token needs no CSRF token (no cookie is involved).
    return Client(enforce_csrf_checks=True).post(
        f"/api/importazioni/{percorso}", {"file": file, **campi}, headers=intestazioni
    )


@pytest.fixture
def ufficio(registro_minimo):
    return token("ufficio_di_piano", ambito=registro_minimo.lago)


def test_a_retried_upload_is_loaded_once_and_another_body_with_the_key_is_a_conflict(ufficio):
    primo = invia("movimenti", ufficio, buono(), chiave="carico-1")
    assert primo.status_code == 201, primo.content
    assert primo.json()["righe"] == 1
    assert Movimento.objects.filter(numero="A1").count() == 1
    di_nuovo = invia("movimenti", ufficio, buono(), chiave="carico-1")
    assert (di_nuovo.status_code, di_nuovo.json()) == (201, primo.json())
    assert Movimento.objects.filter(numero="A1").count() == 1
    altro = invia("movimenti", ufficio, buono(importo="2000.00"), chiave="carico-1")
    assert altro.status_code == 409
    assert "già stata usata" in altro.json()["detail"]
    assert Movimento.objects.filter(numero="A1").count() == 1


def test_a_refused_file_stores_nothing_and_says_every_row_in_italian(ufficio):
    def sbagliato():
        return movimenti(
            MOVIMENTO | {"data": "01/02/2031", "importo": "1000.00"},
            MOVIMENTO | {"numero": "A2", "data": "01/02/2031", "importo": "5", "area": "Z"},
        )

    r = invia("movimenti", ufficio, sbagliato(), chiave="k")
    assert r.status_code == 422
    corpo = r.json()
    assert corpo["detail"].startswith("File rifiutato, nulla è stato registrato")
    assert {"riga": 3, "colonna": "area", "motivo": "area di policy «Z» sconosciuta (una lettera da A a J)."} in (
        corpo["errori"]
    )
    assert not Movimento.objects.filter(numero__in=["A1", "A2"]).exists()
    # The retry gets the first answer; the key with a corrected file is another request: 409.
    di_nuovo = invia("movimenti", ufficio, sbagliato(), chiave="k")
    assert (di_nuovo.status_code, di_nuovo.json()) == (422, corpo)
    assert invia("movimenti", ufficio, buono(), chiave="k").status_code == 409
    assert invia("movimenti", ufficio, buono(), chiave="k2").status_code == 201


def test_the_token_acts_within_its_scope(registro_minimo):
    comune = token("comune", comune=registro_minimo.comuni["016901"])
    r = invia("movimenti", comune, buono())
    assert r.status_code == 403
    assert not Movimento.objects.exists()
    # Another Ambito's Ufficio di Piano: refused by the ledger's own rule, as on the page.
    pianura = token("ufficio_di_piano", ambito=registro_minimo.pianura)
    assert invia("movimenti", pianura, buono()).status_code == 422
    assert not Movimento.objects.exists()


@pytest.mark.parametrize("guasto", ["sbagliato", "revocato", "scaduto"])
def test_a_wrong_revoked_or_expired_token_is_refused(registro_minimo, guasto):
    tok = token("ufficio_di_piano", ambito=registro_minimo.lago, giorni=-1 if guasto == "scaduto" else 30)
    if guasto == "sbagliato":
        tok = tok[:-4] + "AAAA"
    if guasto == "revocato":
        from accounts.models import ClientMacchina

        clienti.revoca(ClientMacchina.objects.get())
    r = invia("movimenti", tok, buono())
    assert r.status_code == 401
    assert r.json() == {"detail": "Token non valido, scaduto o revocato."}
    assert r["WWW-Authenticate"].startswith("Bearer")
    assert not Movimento.objects.exists()


def test_the_budget_per_token_answers_429_with_retry_after(ufficio, registro_minimo, settings):
    settings.ZONA_API_RICHIESTE_MINUTO = 2
    assert Client().get("/api/ambiti", headers={"Authorization": f"Bearer {ufficio}"}).status_code == 200
    assert Client().get("/api/ambiti", headers={"Authorization": f"Bearer {ufficio}"}).status_code == 200
    r = Client().get("/api/ambiti", headers={"Authorization": f"Bearer {ufficio}"})
    assert r.status_code == 429
    assert 1 <= int(r["Retry-After"]) <= 60
    assert "riprovare tra" in r.json()["detail"]
    # Another token has its own budget.
    altro = token("coordinamento")
    assert Client().get("/api/ambiti", headers={"Authorization": f"Bearer {altro}"}).status_code == 200


def test_a_body_over_the_limit_is_refused_before_it_is_read(ufficio, settings):
    settings.ZONA_API_MAX_BYTES = 100
    r = invia("movimenti", ufficio, buono())
    assert r.status_code == 413
    settings.ZONA_API_MAX_BYTES = 10**6
    settings.ZONA_MAX_UPLOAD_BYTES = 100
    assert invia("movimenti", ufficio, buono()).status_code == 413
    assert not Movimento.objects.exists()


def test_every_import_of_the_pages_is_reachable(ufficio, registro_minimo):
    comune = token("comune", comune=registro_minimo.comuni["016901"])
    dati = SimpleUploadedFile(
        "dati.csv",
        b"livello,codice_territorio,anno,misura,eta_da,eta_a,sesso,categoria,valore\n"
        b"comune,016901,2023,utenti,,,,SAD,10\n",
    )
    r = invia("dati", comune, dati, fonte="gestionale", formato="zona")
    assert r.status_code == 201, r.content
    assert Osservazione.objects.filter(comune_id="016901", categoria="SAD", valore=10).exists()

    rossi = cf.componi("RSSMRA", 48, 3, 12, "M", "A794")
    riga = f"016901,{rossi},016901,,,anziani,D1,2024-02-01,,10,100.00,5.00"
    estratto = SimpleUploadedFile("estratto.csv", (",".join(domanda.COLONNE) + "\n" + riga + "\n").encode())
    r = invia("estratti", ufficio, estratto, periodo=2024)
    assert r.status_code == 201, r.content
    assert CaricamentoEstratto.objects.get().righe == 1
    assert rossi not in r.content.decode()

    campi = {"tipo": "asilo-nido", "nome": "Nido Il Girasole", "ente_gestore": "Cooperativa Esempio"}
    campi |= {"natura_ente": "terzo_settore", "codice_fiscale_ente": "80034840167", "comune": "016901"}
    righe = [",".join(offerta.COLONNE), ",".join(campi.get(c, "") for c in offerta.COLONNE)]
    r = invia("unita-offerta", ufficio, SimpleUploadedFile("u.csv", ("\n".join(righe) + "\n").encode()))
    assert r.status_code == 201, r.content
    assert UnitaOfferta.objects.get().nome == "Nido Il Girasole"


def test_a_large_data_file_is_queued_and_the_answer_links_the_job(registro_minimo, settings):
    settings.LAVORI_SOGLIA_BYTES = 50
    comune = token("comune", comune=registro_minimo.comuni["016901"])
    dati = b"livello,codice_territorio,anno,misura,eta_da,eta_a,sesso,categoria,valore\n"
    dati += b"comune,016901,2023,utenti,,,,SAD,10\n"
    r = invia("dati", comune, SimpleUploadedFile("dati.csv", dati), chiave="grande")
    assert r.status_code == 202, r.content
    assert r.json()["lavoro"].startswith("http://testserver/")
    # The tests run jobs at once: the job has loaded the file.
    assert Osservazione.objects.filter(comune_id="016901", categoria="SAD", valore=10).exists()
    di_nuovo = invia("dati", comune, SimpleUploadedFile("dati.csv", dati), chiave="grande")
    assert di_nuovo.json() == r.json()
    assert Osservazione.objects.filter(comune_id="016901", categoria="SAD").count() == 1


# Fund movements and unità d'offerta over LAVORI_SOGLIA_BYTES go to a background job, on the pages
# (redirect to the job's page) and through the API (202 with the job's URL), loaded by the same
# importer: stored when good, nothing stored and the rows' errors on the job when refused.

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
