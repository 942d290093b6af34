"""Login throttling that an attacker cannot turn against the owner (issue 17, point 4).

The client address comes from the trusted proxy's X-Forwarded-For (zona/lib/rete.py); django-axes
locks a username from one address; a username guessed at from many addresses needs a second
step after the password; the code step is refused while locked; locks and unlocks are in the
audit trail; public pages never show usernames.
"""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, RequestFactory, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import login as servizio
from conoscenza.models import Caricamento

PASSWORD = "zona-demo-2025"
ATTACCANTE = "198.51.100.7"
PROPRIETARIO = "203.0.113.9"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]


def _da(indirizzo, remoto="127.0.0.1"):
    """A browser at `indirizzo`, behind the reverse proxy on `remoto` (trusted by default)."""
    return Client(REMOTE_ADDR=remoto, HTTP_X_FORWARDED_FOR=indirizzo)


def _accedi(client, password, username="udp.altosebino"):
    return client.post("/account/accedi/", {"username": username, "password": password})


def _connesso(client):
    return "_auth_user_id" in client.session


def _codice(dispositivo):
    totp = TOTP(dispositivo.bin_key, dispositivo.step, dispositivo.t0, dispositivo.digits, dispositivo.drift)
    return f"{totp.token():06d}"


# --- the client's address -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remoto", "inoltro", "atteso"),
    [
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),  # the proxy on the same host
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # what the client wrote is ignored
        ("127.0.0.1", "198.51.100.7:51234", "198.51.100.7"),
        ("::1", "2001:db8::5", "2001:db8::5"),
        ("203.0.113.50", "6.6.6.6", "203.0.113.50"),  # not from a proxy: the header is ignored
        ("127.0.0.1", "non-un-indirizzo", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_client_address_believes_the_forwarded_header_only_from_a_trusted_proxy(remoto, inoltro, atteso):
    from zona.lib.rete import indirizzo_client

    richiesta = RequestFactory().get("/", REMOTE_ADDR=remoto, HTTP_X_FORWARDED_FOR=inoltro)
    assert indirizzo_client(richiesta) == atteso


@override_settings(PROXY_FIDATI=["10.0.0.0/8"])
def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    from zona.lib.rete import indirizzo_client

    catena = "6.6.6.6, 198.51.100.7, 10.1.1.1"
    richiesta = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=catena)
    assert indirizzo_client(richiesta) == "198.51.100.7"


def test_failed_logins_are_recorded_with_the_forwarded_address_and_spoofing_is_ignored():
    _accedi(_da(ATTACCANTE), "sbagliata-1234")
    _accedi(_da("6.6.6.6", remoto="192.0.2.44"), "sbagliata-1234")  # direct client, spoofed header
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACCANTE, "192.0.2.44"}


# --- throttling ------------------------------------------------------------------------------


def test_five_failures_lock_the_attackers_address_not_the_owner():
    attaccante = _da(ATTACCANTE)
    for _ in range(5):
        _accedi(attaccante, "sbagliata-1234")
    # The attacker, even with the right password, is refused from that address...
    risposta = _accedi(attaccante, PASSWORD)
    assert risposta.status_code == 429 and not _connesso(attaccante)
    # ...the owner, behind the same proxy but from another address, logs in.
    proprietario = _da(PROPRIETARIO)
    risposta = _accedi(proprietario, PASSWORD)
    assert risposta.status_code == 302 and _connesso(proprietario)


@override_settings(ACCESSO_LIMITE_UTENTE=8)
def test_a_username_guessed_from_many_addresses_needs_a_code_sent_by_email():
    get_user_model().objects.filter(username="udp.altosebino").update(email="udp@example.org")
    for indirizzo in ("198.51.100.1", "198.51.100.2"):
        for _ in range(4):  # below the per-address limit
            _accedi(_da(indirizzo), "sbagliata-1234")
    proprietario = _da(PROPRIETARIO)
    risposta = _accedi(proprietario, PASSWORD)
    assert risposta["Location"] == "/account/accedi/codice/"
    assert not _connesso(proprietario)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["udp@example.org"]
    codice = next(parola for parola in mail.outbox[0].body.split() if parola.rstrip(".").isdigit()).rstrip(".")
    pagina = proprietario.get("/account/accedi/codice/").content.decode()
    assert "inviato un codice" in pagina

    sbagliato = "000000" if codice != "000000" else "111111"
    risposta = proprietario.post("/account/accedi/codice/", {"codice": sbagliato})
    assert "Codice non valido" in risposta.content.decode() and not _connesso(proprietario)
    risposta = proprietario.post("/account/accedi/codice/", {"codice": codice})
    assert risposta.status_code == 302 and _connesso(proprietario)


@override_settings(ACCESSO_LIMITE_UTENTE=8)
def test_five_wrong_emailed_codes_drop_the_pending_login():
    get_user_model().objects.filter(username="udp.altosebino").update(email="udp@example.org")
    for indirizzo in ("198.51.100.1", "198.51.100.2"):
        for _ in range(4):
            _accedi(_da(indirizzo), "sbagliata-1234")
    ladro = _da("192.0.2.200")  # knows the password, not the mailbox
    _accedi(ladro, PASSWORD)
    codice = mail.outbox[0].body.split("è ")[1][:6]
    sbagliato = "000000" if codice != "000000" else "111111"
    for _ in range(servizio.TENTATIVI_CODICE_EMAIL):
        ladro.post("/account/accedi/codice/", {"codice": sbagliato})
    risposta = ladro.post("/account/accedi/codice/", {"codice": codice})
    assert "Accedi di nuovo" in risposta.content.decode() and not _connesso(ladro)


@override_settings(ACCESSO_LIMITE_UTENTE=8)
def test_a_protected_username_without_email_or_device_is_told_why():
    for indirizzo in ("198.51.100.1", "198.51.100.2"):
        for _ in range(4):
            _accedi(_da(indirizzo), "sbagliata-1234")
    proprietario = _da(PROPRIETARIO)
    risposta = _accedi(proprietario, PASSWORD)
    assert risposta.status_code == 429 and not _connesso(proprietario)
    assert "la sola password non basta" in risposta.content.decode()


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_the_code_step_is_refused_while_the_username_is_locked():
    dispositivo = TOTPDevice.objects.create(
        user=get_user_model().objects.get(username="coordinamento"), name="prova", confirmed=True
    )
    sessione = _da(ATTACCANTE)
    assert _accedi(sessione, PASSWORD, "coordinamento")["Location"] == "/account/accedi/codice/"
    # Meanwhile, from the same address, five wrong passwords lock the username there.
    altro = _da(ATTACCANTE)
    for _ in range(5):
        _accedi(altro, "sbagliata-1234", "coordinamento")
    risposta = sessione.post("/account/accedi/codice/", {"codice": _codice(dispositivo)})
    assert risposta.status_code == 429
    assert not _connesso(sessione)
    assert servizio.ACCESSO_IN_ATTESA not in sessione.session


# --- audit -----------------------------------------------------------------------------------


def _voci_accesso():
    return list(
        LogEntry.objects.filter(object_repr__startswith="accesso di «udp.altosebino»")
        .order_by("pk")
        .values_list("changes", flat=True)
    )


def test_lock_and_unlock_are_in_the_audit_log(client):
    attaccante = _da(ATTACCANTE)
    for _ in range(7):  # one entry when the lock starts, not one per refused attempt
        _accedi(attaccante, "sbagliata-1234")
    voci = LogEntry.objects.filter(object_repr=f"accesso di «udp.altosebino» da {ATTACCANTE}")
    assert [v.changes_dict["accesso"] for v in voci] == [["consentito", "bloccato (troppi tentativi falliti)"]]
    assert voci[0].remote_addr == ATTACCANTE

    # An administrator unlocks it (django-axes' admin deletes the record): who, when, what.
    admin = get_user_model().objects.get(username="admin")
    with set_actor(admin):
        AccessAttempt.objects.filter(username="udp.altosebino").delete()
    ultima = LogEntry.objects.order_by("-pk").first()
    assert ultima.changes_dict["accesso"] == ["bloccato", "consentito (sbloccato)"]
    assert ultima.actor == admin

    client.force_login(get_user_model().objects.get(username="coordinamento"))
    pagina = client.get("/registro-modifiche/").content.decode()
    assert f"accesso di «udp.altosebino» da {ATTACCANTE}" in pagina
    assert "bloccato (troppi tentativi falliti)" in pagina and "consentito (sbloccato)" in pagina


def test_the_end_of_the_cool_off_is_audited():
    from datetime import timedelta

    from django.utils import timezone

    attaccante = _da(ATTACCANTE)
    for _ in range(5):
        _accedi(attaccante, "sbagliata-1234")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1))
    _accedi(_da(PROPRIETARIO), "sbagliata-1234")  # django-axes cleans expired records on a failure
    assert ["bloccato", "consentito (tempo di blocco scaduto)"] in [
        v.changes_dict.get("accesso") for v in LogEntry.objects.all()
    ]


def test_locks_do_not_empty_the_pages_cache():
    # Cached page parts are keyed by the data version (zona.lib.cache): the audit entries of
    # locks must not move it, or failed logins would empty the cache of every page.
    from zona.lib.cache import versione_dati

    prima, ultima = versione_dati(), LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    attaccante = _da(ATTACCANTE)
    for _ in range(5):
        _accedi(attaccante, "sbagliata-1234")
    nuove = LogEntry.objects.filter(pk__gt=ultima)
    assert nuove.filter(object_repr__startswith="accesso di").exists()
    assert versione_dati() == prima, [(e.content_type.app_label, e.object_repr) for e in nuove]


# --- display names ---------------------------------------------------------------------------


def test_public_pages_show_display_names_never_usernames(client):
    utenti = get_user_model().objects
    ufficio = utenti.get(username="udp.altosebino")
    persona = utenti.get(username="comune.lovere")
    persona.first_name, persona.last_name = "Maria", "Bonetti"
    persona.save()
    Caricamento.objects.create(nome_file="a.csv", formato="zona", fonte="prova", utente=ufficio)
    Caricamento.objects.create(nome_file="b.csv", formato="zona", fonte="prova", utente=persona)
    pagina = client.get("/dati/caricamenti/").content.decode()
    assert "Ufficio di Piano Alto Sebino" in pagina and "Maria Bonetti" in pagina
    for username in ("udp.altosebino", "comune.lovere"):
        assert username not in pagina


def test_a_username_longer_than_the_model_allows_is_refused_before_authentication():
    # django-axes would store it in a 255-character column: a 500 on PostgreSQL (issue 17 scan).
    risposta = _accedi(_da(ATTACCANTE), "sbagliata-1234", username="x" * 10_000)
    assert risposta.status_code == 200
    assert "Il nome utente ha al massimo 150 caratteri." in risposta.content.decode()
    assert not AccessAttempt.objects.exists()
