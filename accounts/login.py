"""Logging in: who you are (a backend), then, for those who turned it on, a second factor.

The login is two steps kept apart on purpose:

1. *Identification* by an authentication backend: the password (`ModelBackend`, behind
   django-axes, which locks out after repeated failures), or SPID/CIE (accounts/spid.py: its
   callback view matches the codice fiscale to a Profilo and calls `completa_accesso` or
   `metti_in_attesa` like the password form does).
2. *Second factor*, only if the identification needs one (`richiede_secondo_fattore`): a user
   with a confirmed TOTP device (django-otp) who came in with a password, or a SPID level-1
   login. SPID level 2 or more and CIE are already two-factor and skip this step.

Between the two steps the session holds only the pending user's id, backend and time
(`ACCESSO_IN_ATTESA`), never a logged-in user: until the code is right, the session is
anonymous. Wrong codes count as failed logins for django-axes and are throttled by django-otp.

Throttling (README, «Accesso»). django-axes counts failures per client address *and* username
(the address from zona/lib/rete.py), so five wrong passwords lock that username from that address
only: the owner, elsewhere, still gets in. Against guessing from many addresses, a username
with `ACCESSO_LIMITE_UTENTE` failures from all addresses in the cool-off window is *protected*:
a right password is no longer enough, the login needs a second step, the TOTP code if the user
has a device, otherwise a one-time code sent to the user's email (`CODICE_EMAIL`); without
either, the password login waits for the window to pass. Every step (password and code) is
refused while the username is locked from the client's address, and every lock and unlock is
written to the audit trail (`registra_blocco`, `registra_sblocco`).
"""

import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.core.mail import send_mail
from django.db.models import Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

ACCESSO_IN_ATTESA = "zona_accesso_in_attesa"
# Seconds to type the code after the password.
ATTESA_MASSIMA = 300
# Authentication backends whose logins are strong already (SPID/CIE level 2 is two-factor).
BACKEND_GIA_FORTI = frozenset()
NOME_DISPOSITIVO = "App di autenticazione"
# The second step of a protected username without a TOTP device: a code sent by email.
CODICE_EMAIL = "email"
CODICE_TOTP = "totp"
# Wrong emailed codes before the pending login is dropped (each also counts for django-axes).
TENTATIVI_CODICE_EMAIL = 5


def bloccato(request, username):
    """Whether django-axes locks `username` from this request's client address."""
    from axes.handlers.proxy import AxesProxyHandler

    return not AxesProxyHandler.is_allowed(request, {"username": username})


def fallimenti_utente(username):
    """Failed logins of `username` from every address in django-axes' cool-off window."""
    from axes.models import AccessAttempt

    tentativi = AccessAttempt.objects.filter(username=username, attempt_time__gte=_inizio_finestra())
    return tentativi.aggregate(n=Sum("failures_since_start"))["n"] or 0


def _inizio_finestra():
    from axes.helpers import get_cool_off

    return timezone.now() - get_cool_off()


def protetto(username):
    """Whether `username` was guessed at so often (from anywhere) that a password is not enough."""
    return fallimenti_utente(username) >= settings.ACCESSO_LIMITE_UTENTE


def richiede_secondo_fattore(user):
    return user.backend not in BACKEND_GIA_FORTI and user_has_device(user, confirmed=True)


def completa_accesso(request, user, dispositivo=None):
    """Log `user` in (after the identification, and the code if one was needed)."""
    request.session.pop(ACCESSO_IN_ATTESA, None)
    if dispositivo is not None:
        user.otp_device = dispositivo  # django-otp marks the session as verified
    auth_login(request, user, backend=user.backend)


def metti_in_attesa(request, user, dopo, via=CODICE_TOTP):
    attesa = {"user": user.pk, "backend": user.backend, "quando": time.time(), "dopo": dopo, "via": via}
    if via == CODICE_EMAIL:
        codice = f"{secrets.randbelow(10**6):06d}"
        attesa["impronta"] = _impronta(codice)
        attesa["errori"] = 0
        send_mail(
            "Zona: codice di accesso",
            f"Il codice per accedere a Zona è {codice}. Vale {ATTESA_MASSIMA // 60} minuti.\n\n"
            "Se non stai accedendo tu, qualcuno conosce la tua password: cambiala appena possibile.",
            None,
            [user.email],
        )
    request.session[ACCESSO_IN_ATTESA] = attesa


def _impronta(codice):
    return salted_hmac("zona.accesso.codice-email", codice).hexdigest()


def via_in_attesa(request):
    return (request.session.get(ACCESSO_IN_ATTESA) or {}).get("via", CODICE_TOTP)


def annulla_attesa(request):
    request.session.pop(ACCESSO_IN_ATTESA, None)


def utente_in_attesa(request):
    """(user, where to go afterwards) of the login waiting for its code, or (None, None)."""
    attesa = request.session.get(ACCESSO_IN_ATTESA)
    if not attesa or time.time() - attesa["quando"] > ATTESA_MASSIMA:
        request.session.pop(ACCESSO_IN_ATTESA, None)
        return None, None
    user = get_user_model().objects.filter(pk=attesa["user"], is_active=True).first()
    if user is None:
        return None, None
    user.backend = attesa["backend"]
    return user, attesa["dopo"]


class CodiceNonValido(Exception):
    pass


def verifica_codice(request, user, codice):
    """The device that accepts `codice` (None for an emailed code); raises CodiceNonValido
    (with the Italian reason) and records a failed login otherwise."""
    codice = "".join(codice.split())
    if via_in_attesa(request) == CODICE_EMAIL:
        return _verifica_codice_email(request, user, codice)
    for dispositivo in devices_for_user(user, confirmed=True):
        consentito, dettagli = dispositivo.verify_is_allowed()
        if not consentito:
            attesa = dettagli.get("locked_until") if dettagli else None
            raise CodiceNonValido(
                "Troppi codici sbagliati: attendere qualche secondo e riprovare con un codice nuovo."
                if attesa is None
                else "Troppi codici sbagliati: riprovare dopo le " + attesa.astimezone().strftime("%H:%M:%S") + "."
            )
        if dispositivo.verify_token(codice):
            return dispositivo
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    raise CodiceNonValido("Codice non valido o scaduto: usare quello che l'app mostra ora.")


def _verifica_codice_email(request, user, codice):
    attesa = request.session[ACCESSO_IN_ATTESA]
    if constant_time_compare(_impronta(codice), attesa["impronta"]):
        return None
    attesa["errori"] += 1
    request.session.modified = True
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    if attesa["errori"] >= TENTATIVI_CODICE_EMAIL:
        annulla_attesa(request)
        raise CodiceNonValido("Troppi codici sbagliati: accedere di nuovo per riceverne uno nuovo.")
    raise CodiceNonValido("Codice non valido: usare quello dell'ultima email ricevuta.")


# --- audit of locks --------------------------------------------------------------------------


def registra_blocco(request, username, ip_address, **kwargs):
    """django-axes' `user_locked_out`: one audit entry when the lock starts (it is sent again
    for every refused attempt while locked)."""
    from axes.helpers import get_failure_limit
    from axes.models import AccessAttempt

    if getattr(request, "axes_failures_since_start", None) != get_failure_limit(request, {"username": username}):
        return
    tentativo = AccessAttempt.objects.filter(username=username, ip_address=ip_address).order_by("-pk").first()
    if tentativo is not None:
        _registra(tentativo, "consentito", "bloccato (troppi tentativi falliti)")


def registra_sblocco(sender, instance, **kwargs):
    """A deleted django-axes record that was a lock: the lock is over (the cool-off passed, the
    owner logged in from that address, or an administrator removed it: then they are the actor)."""
    if instance.failures_since_start < settings.AXES_FAILURE_LIMIT:
        return
    if instance.attempt_time <= _inizio_finestra():
        motivo = "consentito (tempo di blocco scaduto)"
    else:
        motivo = "consentito (sbloccato)"
    _registra(instance, "bloccato", motivo)


def _registra(tentativo, prima, dopo):
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        tentativo,
        action=LogEntry.Action.UPDATE,
        object_repr=f"accesso di «{tentativo.username}» da {tentativo.ip_address}",
        changes={"accesso": [prima, dopo]},
        serialized_data=None,
    )


# --- enrolment ------------------------------------------------------------------------------


def dispositivo_confermato(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def dispositivo_da_confermare(user):
    """The unconfirmed device to show as a QR code (made once, kept until confirmed)."""
    dispositivo = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if dispositivo is None:
        dispositivo = TOTPDevice.objects.create(user=user, name=NOME_DISPOSITIVO, confirmed=False)
    return dispositivo


def qr_svg(dispositivo):
    """The otpauth:// URL of the device as an SVG data URI: drawn on the server, shown as an
    image, no script (the CSP allows data: images)."""
    import segno

    return segno.make(dispositivo.config_url, error="m").svg_data_uri(scale=5, border=2)


def segreto_leggibile(dispositivo):
    """The secret in base32 in groups of four, for apps that cannot read the QR code."""
    from base64 import b32encode

    testo = b32encode(dispositivo.bin_key).decode().rstrip("=")
    return " ".join(testo[i : i + 4] for i in range(0, len(testo), 4))


def conferma_dispositivo(request, dispositivo, codice):
    if not dispositivo.verify_token("".join(codice.split())):
        raise CodiceNonValido(
            "Codice non valido: controllare l'ora del telefono e usare il codice che l'app mostra ora."
        )
    dispositivo.confirmed = True
    dispositivo.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=dispositivo.user, confirmed=False).delete()
    # This session has just proved the code: mark it verified, like a login with it.
    import django_otp

    django_otp.login(request, dispositivo)


def disattiva(request, user, codice):
    dispositivo = verifica_codice(request, user, codice)
    TOTPDevice.objects.filter(user=user).delete()
    return dispositivo
