"""SPID/CIE login end to end against a real OpenID Provider (django-oauth-toolkit with OIDC,
started by the test in its own process: accounts/tests/provider_oidc.py), RS256 key made here."""

import json
import logging
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import spid
from accounts.models import Profilo
from domanda import codice_fiscale as cf
from testsupport.fabbriche import utente_con_ruolo

pytestmark = pytest.mark.django_db

MARIO = cf.componi("RSSMRA", 48, 3, 12, "M", "A794")
LUCIA = cf.componi("BNCLCU", 75, 9, 2, "F", "A794")
ANNA = cf.componi("VRDNNA", 80, 1, 5, "F", "A794")
IGNOTO = cf.componi("NTOGNT", 60, 6, 6, "M", "A794")
UTENTI = {
    "mario": {"codice_fiscale": MARIO, "acr": "https://www.spid.gov.it/SpidL2"},
    "lucia": {"codice_fiscale": LUCIA, "acr": "https://www.spid.gov.it/SpidL1"},
    "anna": {"codice_fiscale": ANNA, "acr": "CIE"},
    "ignoto": {"codice_fiscale": IGNOTO, "acr": "https://www.spid.gov.it/SpidL2"},
}
RITORNO = "http://testserver/account/spid/ritorno/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    chiave = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cartella = tmp_path_factory.mktemp("op")
    conf = {"chiave": chiave.decode(), "client_id": "zona", "client_secret": "segreto-del-client"}
    conf |= {"ritorno": RITORNO, "uscita": "http://testserver/", "utenti": UTENTI}
    (cartella / "conf.json").write_text(json.dumps(conf), encoding="utf-8")
    script = Path(__file__).with_name("provider_oidc.py")
    processo = subprocess.Popen([sys.executable, str(script), str(cartella)], stdout=subprocess.PIPE, text=True)
    try:
        riga = processo.stdout.readline()
        assert riga.startswith("PORTA "), "the OpenID Provider did not start"
        yield f"http://127.0.0.1:{int(riga.split()[1])}/o"
    finally:
        processo.kill()
        processo.wait()


@pytest.fixture
def rp(provider, settings, registro_minimo):
    settings.OIDC_RP_CLIENT_ID = "zona"
    settings.OIDC_RP_CLIENT_SECRET = "segreto-del-client"
    settings.OIDC_OP_ISSUER = provider
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/.well-known/jwks.json"
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{provider}/logout/"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, spid.BACKEND]
    settings.ADMINS = [("Amministratore", "admin@example.org")]
    for username, ruolo in (("m.rossi", "coordinamento"), ("l.bianchi", "coordinamento"), ("a.verdi", "coordinamento")):
        utente_con_ruolo(username, ruolo)
    for username, codice in (("m.rossi", MARIO), ("l.bianchi", LUCIA), ("a.verdi", ANNA)):
        Profilo.objects.filter(user__username=username).update(codice_fiscale=codice)
    return provider


def al_provider(client, provider, chi, manomettere=None):
    """Start at Zona, log in at the provider as `chi`, come back: Zona's answer."""
    avvio = client.get("/account/spid/?next=/comuni/")
    assert avvio.status_code == 302 and avvio["Location"].startswith(f"{provider}/authorize/")
    parametri = parse_qs(urlsplit(avvio["Location"]).query)
    assert parametri["nonce"] and parametri["state"] and parametri["code_challenge"]
    browser = requests.Session()
    browser.get(f"{provider.removesuffix('/o')}/entra/{chi}/", allow_redirects=False, timeout=10)
    risposta = browser.get(avvio["Location"], allow_redirects=False, timeout=10)
    ritorno = risposta.headers["Location"]
    assert ritorno.startswith(RITORNO), ritorno
    if manomettere:
        ritorno = manomettere(client, ritorno)
    return client.get(ritorno.removeprefix("http://testserver"))


def test_spid_level_2_logs_in_and_single_logout_ends_the_provider_session(client, rp):
    r = al_provider(client, rp, "mario")
    assert r.status_code == 302 and r["Location"] == "/comuni/"
    assert client.get("/account/secondo-fattore/").status_code == 200  # logged in, coordination
    id_token = client.session["oidc_id_token"]

    uscita = client.post("/account/esci/")
    assert uscita.status_code == 302 and uscita["Location"].startswith(f"{rp}/logout/")
    assert parse_qs(urlsplit(uscita["Location"]).query)["id_token_hint"] == [id_token]
    assert "_auth_user_id" not in client.session
    # The provider accepts the logout and sends the browser back to Zona.
    fine = requests.get(uscita["Location"], allow_redirects=False, timeout=10)
    assert fine.status_code == 302 and fine.headers["Location"].startswith("http://testserver/")


def test_cie_logs_in_without_the_second_factor(client, rp):
    TOTPDevice.objects.create(user=Profilo.objects.get(codice_fiscale=ANNA).user, name="app", confirmed=True)
    assert al_provider(client, rp, "anna").status_code == 302
    assert client.session["_auth_user_id"] == str(Profilo.objects.get(codice_fiscale=ANNA).user_id)


def test_spid_level_1_is_asked_for_the_second_factor(client, rp):
    TOTPDevice.objects.create(user=Profilo.objects.get(codice_fiscale=LUCIA).user, name="app", confirmed=True)
    r = al_provider(client, rp, "lucia")
    assert r.status_code == 302 and r["Location"] == "/account/accedi/codice/"
    assert "_auth_user_id" not in client.session  # anonymous until the code is right
    assert "Codice a 6 cifre" in client.get("/account/accedi/codice/").content.decode()


def test_an_unknown_codice_fiscale_is_refused_and_the_administrators_are_told(client, rp, mailoutbox, caplog):
    with caplog.at_level(logging.INFO):
        r = al_provider(client, rp, "ignoto")
    assert r.status_code == 403
    testo = r.content.decode()
    assert "non corrisponde a nessun utente di Zona" in testo
    assert "_auth_user_id" not in client.session
    assert [m.subject.endswith("Zona: accesso SPID/CIE di una persona sconosciuta") for m in mailoutbox] == [True]
    for dove in (testo, mailoutbox[0].body, caplog.text):
        assert IGNOTO not in dove
    assert not Profilo.objects.filter(codice_fiscale=IGNOTO).exists()


def test_a_locked_account_is_refused_at_this_step_too(client, rp, settings):
    AccessAttempt.objects.create(
        username="m.rossi",
        ip_address="127.0.0.1",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/account/accedi/",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
    )
    r = al_provider(client, rp, "mario")
    assert r.status_code == 403 and "bloccato" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_state_and_nonce_are_checked(client, rp):
    def altro_stato(client, ritorno):
        return ritorno.replace("state=", "state=x")

    r = al_provider(client, rp, "mario", altro_stato)
    assert r.status_code == 403 and "_auth_user_id" not in client.session

    def altro_nonce(client, ritorno):
        sessione = client.session
        for voce in sessione["oidc_states"].values():
            voce["nonce"] = "un-altro-nonce"
        sessione.save()
        return ritorno

    r = al_provider(client, rp, "mario", altro_nonce)
    assert r.status_code == 403 and "_auth_user_id" not in client.session


def test_a_tampered_id_token_is_refused(client, rp):
    assert al_provider(client, rp, "mario").status_code == 302
    intestazione, corpo, firma = client.session["oidc_id_token"].split(".")
    import base64

    dati = json.loads(base64.urlsafe_b64decode(corpo + "=" * (-len(corpo) % 4)))
    dati["fiscalNumber"] = "TINIT-" + LUCIA
    falso = base64.urlsafe_b64encode(json.dumps(dati).encode()).decode().rstrip("=")
    with pytest.raises(SuspiciousOperation):
        spid.BackendSpid().verify_token(f"{intestazione}.{falso}.{firma}", nonce=dati.get("nonce"))


def test_password_login_can_be_reserved_to_superusers(client, rp, settings):
    from django.contrib.auth import get_user_model

    settings.ZONA_ACCESSO_PASSWORD = False
    utente = get_user_model().objects.get(username="m.rossi")
    utente.set_password("una-password-lunga-e-rara")
    utente.save()
    r = client.post("/account/accedi/", {"username": "m.rossi", "password": "una-password-lunga-e-rara"})
    assert r.status_code == 403 and "entrare con SPID o CIE" in r.content.decode()
    assert "Entra con SPID o CIE" in r.content.decode()
    utente.is_superuser = True
    utente.save()
    r = client.post("/account/accedi/", {"username": "m.rossi", "password": "una-password-lunga-e-rara"})
    assert r.status_code == 302
