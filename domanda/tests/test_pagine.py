"""Pages: suppressed for everyone by default; unsuppressed only for the territory's restricted
roles, on request, logged; the codice fiscale never in a response or a log record."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from domanda import codice_fiscale as cf
from domanda.importa import COLONNE, importa_estratto
from domanda.models import CaricamentoEstratto, VisioneRiservata
from testsupport.fabbriche import utente_con_ruolo

pytestmark = pytest.mark.django_db


def _cf(i):
    return cf.componi("VRDGPP", 40 + i % 50, 1 + i % 12, 1 + i % 28, "M", f"B{100 + i}")


def _file(righe, erogatore="016901"):
    testo = (
        ",".join(COLONNE)
        + "\n"
        + "\n".join(f"{erogatore},{c},{res},,,anziani,{interv},2024-05-02,,3,30.00,0" for c, res, interv in righe)
    )
    return testo.encode()


@pytest.fixture
def lago(registro_minimo):
    # Lago: 7 on SAD, 2 on transport; the E2 pair is primary, SAD secondary.
    righe = [(_cf(i), "016902", "D1") for i in range(7)] + [(_cf(i), "016903", "E2") for i in range(10, 12)]
    importa_estratto(_file(righe), "lago.csv", periodo=2024)
    return registro_minimo


def test_public_page_is_suppressed(lago, client):
    r = client.get("/ambiti/lago/domanda/?anno=2024")
    assert r.status_code == 200
    testo = r.content.decode()
    assert 'data-testid="oscurata"' in testo and "Mostra i dati non oscurati" not in testo
    assert "&lt;5" in testo and "n.d." in testo
    assert "Persone in carico al 31 dicembre: <strong>9</strong>" in testo
    # Lago's residents on 1 January 2023 (testsupport POPOLAZIONE_MINIMA: 1.000 + 500 + 300),
    # the latest known for 2024: 9 users in 1.800 residents.
    assert "<strong>5,0</strong> ogni 1.000 residenti (popolazione al 1° gennaio 2023: 1.800)" in testo
    # Asking for the reserved view without the role changes nothing and logs nothing.
    r = client.get("/ambiti/lago/domanda/?anno=2024&riservato=1")
    assert 'data-testid="oscurata"' in r.content.decode()
    assert not VisioneRiservata.objects.exists()
    r = client.get("/domanda/?anno=2024")
    assert r.status_code == 200 and "Lago" in r.content.decode()


def test_ufficio_di_piano_sees_its_ambito_unsuppressed_and_is_logged(lago, client):
    ufficio = utente_con_ruolo("udp-lago", "ufficio_di_piano", ambito=lago.lago)
    client.force_login(ufficio)
    r = client.get("/ambiti/lago/domanda/?anno=2024&riservato=1")
    testo = r.content.decode()
    assert 'data-testid="riservata"' in testo and "&lt;5" not in testo
    visione = VisioneRiservata.objects.get()
    assert (visione.utente, visione.cosa) == (ufficio, "ambito lago, anno 2024, pagina della domanda")
    # Not the other Ambito's.
    r = client.get("/ambiti/pianura/domanda/?anno=2024&riservato=1")
    assert 'data-testid="oscurata"' in r.content.decode()
    assert VisioneRiservata.objects.count() == 1
    r = client.get("/ambiti/lago/domanda/?anno=2024&formato=csv&riservato=1")
    assert "ambito,lago,Lago,2024,anziani,E2,2,2,60.00" in r.content.decode()
    assert VisioneRiservata.objects.count() == 2


def test_csv_of_the_public_is_suppressed(lago, client):
    r = client.get("/ambiti/lago/domanda/?anno=2024&formato=csv")
    righe = r.content.decode().splitlines()
    assert righe[0] == "livello,codice_territorio,territorio,anno,area_utenza,codice_intervento,utenti,interventi,spesa"
    assert "ambito,lago,Lago,2024,anziani,E2,<5,<5,<5" in righe
    assert "ambito,lago,Lago,2024,anziani,D1,n.d.,n.d.,n.d." in righe
    assert "ambito,lago,Lago,2024,TOTALE,,9,9,270.00" in righe


def test_upload_never_shows_or_logs_the_code(lago, client, caplog):
    caplog.set_level(logging.DEBUG)
    ufficio = utente_con_ruolo("udp-lago", "ufficio_di_piano", ambito=lago.lago)
    client.force_login(ufficio)
    buono, sbagliato = _cf(30), _cf(31)[:15] + "0"
    contenuto = _file([(buono, "016901", "D1"), (sbagliato, "016901", "D1")])
    r = client.post(
        "/domanda/carica/", {"periodo": "2024", "file": SimpleUploadedFile("csi.csv", contenuto, "text/csv")}
    )
    testo = r.content.decode()
    assert "riga 3, colonna «codice_fiscale»: codice fiscale non valido" in testo
    for codice in (buono, sbagliato):
        assert codice not in testo
        assert not any(codice in r.getMessage() or codice in str(r.__dict__) for r in caplog.records)
    # An erogatore of another Ambito is refused for this Ufficio di Piano.
    r = client.post(
        "/domanda/carica/",
        {"periodo": "2024", "file": SimpleUploadedFile("csi.csv", _file([(buono, "016904", "D1")], "016904"))},
    )
    assert "non è del tuo Ambito" in r.content.decode()
    r = client.post(
        "/domanda/carica/",
        {"periodo": "2024", "file": SimpleUploadedFile("csi.csv", _file([(buono, "016901", "D1")]))},
        follow=True,
    )
    assert "Estratto caricato: 1 righe, 1 persone" in r.content.decode()
    assert buono not in r.content.decode()
    assert CaricamentoEstratto.objects.filter(erogatore="016901", caricato_da=ufficio).exists()


def test_roles(lago, client):
    comune = utente_con_ruolo("comune-1", "comune", comune=lago.comuni["016901"])
    client.force_login(comune)
    assert client.get("/domanda/carica/").status_code == 403
    assert client.get("/domanda/uso-csi/").status_code == 403
    coordinamento = utente_con_ruolo("coord", "coordinamento")
    client.force_login(coordinamento)
    r = client.get("/domanda/uso-csi/?anno=2024")
    assert r.status_code == 200
    testo = r.content.decode()
    # Lago, May: 9 rows, 9 people, all coded, none closed.
    assert "<td>mag</td>" in testo and "100,0%" in testo and "0,0%" in testo
    assert VisioneRiservata.objects.filter(utente=coordinamento).count() == 1
    assert client.get("/domanda/trattamento/").status_code == 200
    assert client.get("/domanda/?anno=abc").status_code == 400


def test_api_is_always_suppressed(lago, client):
    coordinamento = utente_con_ruolo("coord", "coordinamento")
    client.force_login(coordinamento)
    r = client.get("/api/ambiti/lago/domanda?anno=2024")
    assert r.status_code == 200
    righe = {(x["area_utenza"], x["codice_intervento"]): x for x in r.json()}
    assert righe[("anziani", "E2")]["utenti"] == "<5" and righe[("anziani", "D1")]["spesa"] == "n.d."
    assert righe[("TOTALE", "")]["utenti"] == "9"
    assert client.get("/api/ambiti/atlantide/domanda?anno=2024").status_code == 404
    assert not VisioneRiservata.objects.exists()
    r = client.get("/api/domanda/nomenclatore")
    assert {"codice": "C2", "descrizione": "Sostegno socio-educativo territoriale o domiciliare (ADM)",
            "macroarea": "Interventi e servizi", "unita": "ore"} in r.json()  # fmt: skip
