"""Pages and API of the service offer: who reads the contract amounts, who edits which unit,
the citizens' directory search."""

import datetime
from decimal import Decimal

import pytest

from offerta.models import RilevazioneLeps, UnitaOfferta
from testsupport.fabbriche import utente_con_ruolo

pytestmark = pytest.mark.django_db


@pytest.fixture
def unita(registro_minimo):
    def crea(nome, tipo, comune, **campi):
        return UnitaOfferta.objects.create(
            nome=nome,
            tipo_id=tipo,
            comune_id=comune,
            ente_gestore="Cooperativa Esempio",
            natura_ente="terzo_settore",
            codice_fiscale_ente="80034840167",
            **campi,
        )

    return {
        "nido": crea(
            "Nido Il Girasole", "asilo-nido", "016901", posti_autorizzati=30, contratto_ambito=True,
            importo_contratto=Decimal("45123.00"), indirizzo="Via Roma 1",
        ),
        "rsa": crea("RSA San Giuseppe", "rsa", "016904", posti_autorizzati=80),
    }  # fmt: skip


def test_the_public_reads_a_unit_but_not_its_contract_amount(client, unita):
    r = client.get(f"/offerta/unita/{unita['nido'].pk}/")
    assert r.status_code == 200
    assert "Nido Il Girasole" in r.content.decode() and "45.123" not in r.content.decode()
    dati = client.get("/api/offerta/unita").json()
    assert {d["nome"]: d["importo_contratto"] for d in dati} == {"Nido Il Girasole": None, "RSA San Giuseppe": None}


def test_the_ambito_and_the_coordination_read_the_amount(client, unita, registro_minimo):
    client.force_login(utente_con_ruolo("comune.borgo", "comune", comune=registro_minimo.comuni["016901"]))
    assert "45.123,00 €" in client.get(f"/offerta/unita/{unita['nido'].pk}/").content.decode()
    client.force_login(utente_con_ruolo("udp.pianura", "ufficio_di_piano", ambito=registro_minimo.pianura))
    assert "45.123" not in client.get(f"/offerta/unita/{unita['nido'].pk}/").content.decode()
    client.force_login(utente_con_ruolo("coord", "coordinamento"))
    dati = client.get("/api/offerta/unita?ambito=lago").json()
    assert [(d["nome"], d["importo_contratto"]) for d in dati] == [("Nido Il Girasole", "45123.00")]


def _modulo(u, **campi):
    dati = {
        "tipo": u.tipo_id,
        "nome": u.nome,
        "ente_gestore": u.ente_gestore,
        "natura_ente": u.natura_ente,
        "codice_fiscale_ente": u.codice_fiscale_ente,
        "comune": u.comune_id,
        "posti_autorizzati": "32",
        "versione": u.versione,
    }
    dati.update(campi)
    return dati


def test_the_ufficio_di_piano_edits_only_the_units_of_its_ambito(client, unita, registro_minimo):
    client.force_login(utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago))
    nido, rsa = unita["nido"], unita["rsa"]
    r = client.post(f"/offerta/unita/{nido.pk}/modifica/", _modulo(nido))
    assert r.status_code == 302
    nido.refresh_from_db()
    assert (nido.posti_autorizzati, nido.versione) == (32, 2)
    assert client.post(f"/offerta/unita/{rsa.pk}/modifica/", _modulo(rsa)).status_code == 403
    # Nor can it move its unit to a Comune of another Ambito.
    r = client.post(f"/offerta/unita/{nido.pk}/modifica/", _modulo(nido, comune="016904", versione=2))
    assert r.status_code == 200 and UnitaOfferta.objects.get(pk=nido.pk).comune_id == "016901"


def test_the_form_refuses_accreditation_before_authorisation_and_a_bad_codice_fiscale(client, unita):
    client.force_login(utente_con_ruolo("coord", "coordinamento"))
    nido = unita["nido"]
    r = client.post(
        f"/offerta/unita/{nido.pk}/modifica/",
        _modulo(nido, autorizzata_il="2020-09-01", accreditata_il="2020-08-31", codice_fiscale_ente="80034840160"),
    )
    testo = r.content.decode()
    assert r.status_code == 200
    assert "non può precedere" in testo or "precedente" in testo
    assert UnitaOfferta.objects.get(pk=nido.pk).versione == 1


def test_the_public_cannot_edit_or_import(client, unita, registro_minimo):
    assert client.get(f"/offerta/unita/{unita['nido'].pk}/modifica/").status_code == 302  # to the login
    assert client.get("/offerta/importa/").status_code == 302
    client.force_login(utente_con_ruolo("comune.x", "comune", comune=registro_minimo.comuni["016901"]))
    assert client.get("/offerta/importa/").status_code == 403


@pytest.mark.parametrize(
    ("bisogno", "trovate"),
    [
        ("nido", ["Nido Il Girasole"]),
        ("assistenza domiciliare anziani", ["RSA San Giuseppe"]),
        ("casa di riposo", ["RSA San Giuseppe"]),
        ("astronavi", []),
    ],
)
def test_the_directory_finds_units_by_need_in_plain_words(client, unita, bisogno, trovate):
    dati = client.get("/api/servizi", {"bisogno": bisogno}).json()
    assert [d["nome"] for d in dati] == trovate


def test_the_directory_of_a_comune_lists_its_ambito_with_structured_data(client, unita):
    r = client.get("/servizi/", {"comune": "016902"})
    testo = r.content.decode()
    assert "Nido Il Girasole" in testo and "RSA San Giuseppe" not in testo  # Pianura's
    assert '"@type": "PostalAddress"' in testo and "Borgo sul Lago" in testo
    # The map of the same choice: the Comune's Ambito, and the type the need names.
    assert 'href="/offerta/mappa/?ambito=lago" data-testid="mappa-ricerca"' in testo
    testo = client.get("/servizi/", {"comune": "016902", "bisogno": "micronido"}).content.decode()
    assert 'href="/offerta/mappa/?ambito=lago&amp;tipo=micronido"' in testo
    assert "Sulla mappa</a>: le unità di tipo Micronido dell'Ambito Lago" in testo


def test_the_leps_pages(client, registro_minimo):
    RilevazioneLeps.objects.create(
        ambito=registro_minimo.lago, leps_id="sad", anno=2023, valore=Decimal(100), fonte="Relazione SAD"
    )
    testo = client.get("/ambiti/lago/leps/?anno=2023").content.decode()
    assert "Relazione SAD" in testo and "raggiunto" in testo and "dato mancante" in testo
    testo = client.get("/leps/?anno=2023").content.decode()
    assert "Pianura" in testo and "Lago" in testo
    r = client.get("/ambiti/lago/leps/?anno=2023&formato=csv")
    assert r.content.decode().splitlines()[0] == "leps,indicatore,valore,soglia,stato,fonte"
    stati = {d["leps"]: d["stato"] for d in client.get("/api/ambiti/lago/leps?anno=2023").json()}
    assert (stati["sad"], stati["pua"]) == ("raggiunto", "dato mancante")
    # An unreadable year falls back to the current one.
    assert f"Ambito Lago, {datetime.date.today().year}" in client.get("/ambiti/lago/leps/?anno=xyz").content.decode()


def test_an_objective_tagged_with_a_leps_links_to_its_status(client, registro_minimo):
    from django.urls import reverse

    ob = registro_minimo.approvato.obiettivi.get(codice="OB01")
    ob.leps.add("sad")
    testo = client.get(reverse("programmazione:obiettivo", args=[ob.pk])).content.decode()
    # The plan 2021-2023 has ended: its LEPS are read in its last year; no figure recorded.
    assert 'href="/ambiti/lago/leps/?anno=2023#leps-sad"' in testo
    assert '<span class="badge bg-secondary">dato mancante</span>' in testo


def test_the_ufficio_di_piano_records_a_leps_figure_with_its_version(client, registro_minimo):
    client.force_login(utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago))
    url = "/ambiti/lago/leps/?anno=2023"
    assert 'name="pua-valore"' in client.get(url).content.decode()
    dati = {"pua-leps": "pua", "pua-valore": "50", "pua-fonte": "Delibera 3/2023", "pua-versione": "0"}
    testo = client.post(url, dati, follow=True).content.decode()
    assert "Dato registrato" in testo
    r = RilevazioneLeps.objects.get(ambito="lago", leps="pua", anno=2023)
    assert (r.valore, r.versione) == (Decimal(50), 1)
    # A second first figure, on the page read before: refused, nothing overwritten.
    testo = client.post(url, dati | {"pua-valore": "100"}, follow=True).content.decode()
    assert "Qualcuno ha salvato" in testo and RilevazioneLeps.objects.get(pk=r.pk).valore == Decimal(50)
    # The social workers' ratio is computed, never typed.
    dati_as = {"assistente-sociale-leps": "assistente-sociale", "assistente-sociale-valore": "1",
               "assistente-sociale-fonte": "x", "assistente-sociale-versione": "0"}  # fmt: skip
    assert "base di conoscenza" in client.post(url, dati_as, follow=True).content.decode()
    client.force_login(utente_con_ruolo("udp.pianura", "ufficio_di_piano", ambito=registro_minimo.pianura))
    assert client.post(url, dati | {"pua-versione": "1"}).status_code == 403


def test_the_directory_api_finds_nothing_near_an_unknown_comune(client, unita):
    assert [d["nome"] for d in client.get("/api/servizi", {"comune": "016901"}).json()] == ["Nido Il Girasole"]
    r = client.get("/api/servizi", {"comune": "999999"})
    assert (r.status_code, r.json()) == (200, [])
