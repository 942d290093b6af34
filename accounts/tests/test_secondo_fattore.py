"""Optional TOTP second factor (django-otp) for the coordinamento and the Uffici di Piano:
enrolment with a QR code drawn on the server (no script), and a login that asks for the code
only when the user has a confirmed device."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import login as servizio
from zona.tests.test_headers import assert_no_inline_script, assert_security_headers

PASSWORD = "zona-demo-2025"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]


def _codice(dispositivo, passi=0):
    totp = TOTP(dispositivo.bin_key, dispositivo.step, dispositivo.t0, dispositivo.digits, dispositivo.drift)
    totp.time = totp.time + passi * dispositivo.step
    return f"{totp.token():06d}"


def _utente(username):
    return get_user_model().objects.get(username=username)


def _con_dispositivo(username):
    return TOTPDevice.objects.create(user=_utente(username), name="prova", confirmed=True)


def test_enrolment_shows_a_server_drawn_qr_code_and_needs_a_first_code(client):
    client.force_login(_utente("udp.altosebino"))
    response = client.get("/account/secondo-fattore/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="data:image/svg+xml' in html
    assert 'data-testid="segreto"' in html
    assert_security_headers(response)
    assert_no_inline_script(html)
    dispositivo = TOTPDevice.objects.get(user__username="udp.altosebino")
    assert not dispositivo.confirmed
    # The same device on reload: the QR code does not change under the user's phone.
    client.get("/account/secondo-fattore/")
    assert TOTPDevice.objects.filter(user__username="udp.altosebino").count() == 1

    response = client.post(
        "/account/secondo-fattore/", {"codice": "000000" if _codice(dispositivo) != "000000" else "111111"}
    )
    assert "Codice non valido" in response.content.decode()
    dispositivo.refresh_from_db()
    assert not dispositivo.confirmed

    with override_settings(OTP_TOTP_THROTTLE_FACTOR=0):
        response = client.post("/account/secondo-fattore/", {"codice": _codice(dispositivo)})
    assert response.status_code == 302
    dispositivo.refresh_from_db()
    assert dispositivo.confirmed
    assert "Attivo" in client.get("/account/secondo-fattore/").content.decode()


def test_only_coordinamento_and_uffici_di_piano_enrol(client):
    client.force_login(_utente("comune.lovere"))
    assert client.get("/account/secondo-fattore/").status_code == 403
    client.force_login(_utente("coordinamento"))
    assert client.get("/account/secondo-fattore/").status_code == 200


def test_without_a_device_the_password_is_enough(client):
    response = client.post("/account/accedi/", {"username": "udp.dalmine", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/importa/").status_code == 403  # logged in (403, not the login page)


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_with_a_device_the_login_asks_for_the_code(client):
    dispositivo = _con_dispositivo("coordinamento")
    response = client.post(
        "/account/accedi/", {"username": "coordinamento", "password": PASSWORD, "next": "/registro-modifiche/"}
    )
    assert response["Location"] == "/account/accedi/codice/"
    # Not logged in yet: the password alone opens nothing.
    assert client.get("/registro-modifiche/")["Location"].startswith("/account/accedi/")
    assert "_auth_user_id" not in client.session

    response = client.post("/account/accedi/codice/", {"codice": _codice(dispositivo, passi=10)})
    assert response.status_code == 200
    assert "Codice non valido o scaduto" in response.content.decode()
    assert "_auth_user_id" not in client.session

    response = client.post("/account/accedi/codice/", {"codice": _codice(dispositivo)})
    assert response["Location"] == "/registro-modifiche/"
    assert client.get("/registro-modifiche/").status_code == 200
    assert client.session["otp_device_id"] == dispositivo.persistent_id  # verified session
    assert servizio.ACCESSO_IN_ATTESA not in client.session


def test_the_code_page_without_a_pending_login_asks_to_log_in_again(client):
    response = client.get("/account/accedi/codice/")
    assert response.status_code == 200
    assert "Accedi di nuovo" in response.content.decode()


def test_a_pending_login_expires(client, monkeypatch):
    _con_dispositivo("udp.altosebino")
    client.post("/account/accedi/", {"username": "udp.altosebino", "password": PASSWORD})
    sessione = client.session
    sessione[servizio.ACCESSO_IN_ATTESA]["quando"] -= servizio.ATTESA_MASSIMA + 1
    sessione.save()
    assert "Accedi di nuovo" in client.get("/account/accedi/codice/").content.decode()


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0, AXES_FAILURE_LIMIT=3)
def test_wrong_codes_count_as_failed_logins(client):
    dispositivo = _con_dispositivo("udp.altosebino")
    sbagliato = _codice(dispositivo, passi=20)
    client.post("/account/accedi/", {"username": "udp.altosebino", "password": PASSWORD})
    for _ in range(3):
        client.post("/account/accedi/codice/", {"codice": sbagliato})
    # Locked out: even the right password is refused now.
    response = client.post("/account/accedi/", {"username": "udp.altosebino", "password": PASSWORD})
    assert response.status_code == 429 or "bloccat" in response.content.decode().lower()


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_turning_it_off_needs_a_current_code(client):
    dispositivo = _con_dispositivo("udp.altosebino")
    client.force_login(_utente("udp.altosebino"))
    client.post("/account/secondo-fattore/", {"codice": _codice(dispositivo, passi=10)})
    assert TOTPDevice.objects.filter(pk=dispositivo.pk).exists()
    response = client.post("/account/secondo-fattore/", {"codice": _codice(dispositivo)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user__username="udp.altosebino").exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_enrols_and_logs_in_with_the_code(live_demo, browser_page, browser_errors, settings):
    """In Chromium: the QR page passes the CSP, and the next login asks for the code."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    page = browser_page
    page.goto(live_demo.url + "/account/accedi/?next=/account/secondo-fattore/")
    page.get_by_label("Nome utente").fill("udp.altosebino")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    from playwright.sync_api import expect

    expect(page.get_by_test_id("qr")).to_be_visible()
    assert page.get_by_test_id("qr").evaluate("img => img.naturalWidth") > 0  # the data: SVG is drawn
    dispositivo = TOTPDevice.objects.get(user__username="udp.altosebino")
    page.get_by_label("Codice a 6 cifre").fill(_codice(dispositivo))
    page.get_by_role("button", name="Attiva").click()
    expect(page.get_by_role("alert")).to_contain_text("Secondo fattore attivato")

    page.get_by_role("button", name="Esci").click()
    page.goto(live_demo.url + "/account/accedi/")
    page.get_by_label("Nome utente").fill("udp.altosebino")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page).to_have_url(live_demo.url + "/account/accedi/codice/")
    dispositivo.refresh_from_db()
    page.get_by_label("Codice a 6 cifre").fill(_codice(dispositivo, passi=1))  # the next code: one use each
    page.get_by_role("button", name="Conferma").click()
    expect(page.get_by_test_id("utente")).to_contain_text("udp.altosebino")
    assert browser_errors == [], "console errors or CSP violations:\n" + "\n".join(dict.fromkeys(browser_errors))
