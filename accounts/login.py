"""Logging in: who you are (a backend), then, for those who turned it on, a second factor.

The login is two steps kept apart on purpose:

1. *Identification* by an authentication backend. Today the password (`ModelBackend`, behind
   django-axes, which locks out after repeated failures). An OpenID Connect backend for
   SPID/CIE (e.g. mozilla-django-oidc) fits here: its callback view authenticates the user
   (matching the fiscal code to a user and Profilo) and then calls `completa_accesso` like the
   password form does.
2. *Second factor*, only if the identification needs one (`richiede_secondo_fattore`): a user
   with a confirmed TOTP device (django-otp) who came in with a password. A SPID/CIE login at
   level 2 or more is already two-factor: the OIDC backend would be listed in
   `BACKEND_GIA_FORTI` and skip this step.

Between the two steps the session holds only the pending user's id, backend and time
(`ACCESSO_IN_ATTESA`), never a logged-in user: until the code is right, the session is
anonymous. Wrong codes count as failed logins for django-axes and are throttled by django-otp.
"""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

ACCESSO_IN_ATTESA = "zona_accesso_in_attesa"
# Seconds to type the code after the password.
ATTESA_MASSIMA = 300
# Authentication backends whose logins are strong already (SPID/CIE level 2 is two-factor).
BACKEND_GIA_FORTI = frozenset()
NOME_DISPOSITIVO = "App di autenticazione"


def richiede_secondo_fattore(user):
    return user.backend not in BACKEND_GIA_FORTI and user_has_device(user, confirmed=True)


def completa_accesso(request, user, dispositivo=None):
    """Log `user` in (after the identification, and the code if one was needed)."""
    request.session.pop(ACCESSO_IN_ATTESA, None)
    if dispositivo is not None:
        user.otp_device = dispositivo  # django-otp marks the session as verified
    auth_login(request, user, backend=user.backend)


def metti_in_attesa(request, user, dopo):
    request.session[ACCESSO_IN_ATTESA] = {"user": user.pk, "backend": user.backend, "quando": time.time(), "dopo": dopo}


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
    """The device that accepts `codice`; raises CodiceNonValido (with the Italian reason) and
    records a failed login otherwise."""
    codice = "".join(codice.split())
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
