"""SPID and CIE login through the administration's OpenID Connect gateway (mozilla-django-oidc).

Step 1 of the login (accounts/login.py) by another backend: the gateway signs an ID token
(RS256, its keys from its JWKS endpoint) carrying `fiscalNumber` ("TINIT-" + the codice
fiscale) and `acr` (the SPID level, https://www.spid.gov.it/SpidL1..3, or a CIE login). The
library checks the signature, the state (in the session) and the nonce; this backend adds the
issuer and the audience, which the library leaves unchecked.

- The user is found by the codice fiscale of its `Profilo`; none is ever created. An unknown
  code is refused with a clear message and the administrators are told (a log line and an email
  to ADMINS), never with the code: it is personal data, never logged, stored or shown.
- A user locked by django-axes from this address is refused here too, like every login step.
- SPID level 2 or 3, or CIE: already two factors, the login is complete. SPID level 1: the
  second step of the password login follows (the TOTP code, or a code sent by email).
- Logging out of a SPID/CIE session also ends the gateway's session (end_session_endpoint).
"""

import logging
import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.mail import mail_admins
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django_otp import user_has_device
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from zona.lib.codice_fiscale import codice_fiscale
from zona.lib.valori import ValoreNonValido

from . import login
from .backends import utente_attivo

logger = logging.getLogger(__name__)

BACKEND = "accounts.spid.BackendSpid"
# The session of a SPID/CIE login (its ID token is kept by the library for the logout).
SESSIONE_SPID = "zona_spid"
_LIVELLO_SPID = re.compile(r"SpidL([123])\b", re.IGNORECASE)

SCONOSCIUTO = "sconosciuto"
NON_VALIDO = "non_valido"
BLOCCATO = "bloccato"
LIVELLO_BASSO = "livello_basso"
MESSAGGI = {
    SCONOSCIUTO: (
        "Il codice fiscale con cui hai eseguito l'accesso non corrisponde a nessun utente di Zona. "
        "Zona non crea utenti da SPID o CIE: chiedi al coordinamento provinciale di registrare il tuo "
        "codice fiscale nel tuo profilo. Gli amministratori sono stati avvisati."
    ),
    NON_VALIDO: (
        "L'accesso con SPID o CIE non è andato a buon fine (risposta del gestore dell'identità non valida o "
        "scaduta). Riprova dall'inizio."
    ),
    BLOCCATO: "Accesso temporaneamente bloccato per troppi tentativi falliti da questo indirizzo: riprova più tardi.",
    LIVELLO_BASSO: (
        "Un accesso con SPID di livello 1 richiede il secondo fattore, ma il tuo profilo non ne ha uno né un "
        "indirizzo email: accedi con SPID di livello 2 o con la CIE."
    ),
}


def attivo():
    return bool(settings.OIDC_RP_CLIENT_ID)


def livello(acr):
    """The level of assurance of `acr`: 1-3 for SPID, 3 for CIE, 0 when unknown."""
    testo = str(acr or "")
    if m := _LIVELLO_SPID.search(testo):
        return int(m.group(1))
    return 3 if "cie" in testo.lower() else 0


def _esito(request, esito):
    request.zona_spid_esito = esito


class BackendSpid(OIDCAuthenticationBackend):
    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        emittente = settings.OIDC_OP_ISSUER
        if emittente and payload.get("iss") != emittente:
            raise SuspiciousOperation("ID token of another issuer.")
        destinatari = payload.get("aud")
        destinatari = destinatari if isinstance(destinatari, list) else [destinatari]
        if self.OIDC_RP_CLIENT_ID not in destinatari:
            raise SuspiciousOperation("ID token for another client.")
        return payload

    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation:
            # A forged, altered or replayed answer: refused, said without details.
            logger.warning("Accesso SPID/CIE rifiutato: risposta del gestore dell'identità non valida.")
            if request is not None:
                _esito(request, NON_VALIDO)
            return None

    def get_or_create_user(self, access_token, id_token, payload):
        attestati = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            attestati = {**self.get_userinfo(access_token, id_token, payload), **payload}
        grezzo = str(attestati.get("fiscalNumber") or "").removeprefix("TINIT-")
        try:
            codice = codice_fiscale(grezzo, obbligatorio=True)
        except ValoreNonValido:
            codice = ""
        profilo = None
        if len(codice) == 16:
            from .models import Profilo

            profilo = Profilo.objects.select_related("user").filter(codice_fiscale=codice).first()
        if profilo is None or not profilo.user.is_active:
            _esito(self.request, SCONOSCIUTO)
            _avvisa_amministratori()
            return None
        user = profilo.user
        if login.bloccato(self.request, user.get_username()):
            _esito(self.request, BLOCCATO)
            return None
        self.request.zona_spid_livello = livello(payload.get("acr"))
        return user

    def get_user(self, user_id):
        return utente_attivo(user_id)


def _avvisa_amministratori():
    testo = (
        "Un accesso con SPID o CIE è stato rifiutato: il codice fiscale non corrisponde a nessun profilo "
        "(il codice non è registrato né riportato). Se la persona deve usare Zona, registrare il suo codice "
        "fiscale nel suo profilo (amministrazione, Profili)."
    )
    logger.warning(testo)
    mail_admins("Zona: accesso SPID/CIE di una persona sconosciuta", testo, fail_silently=True)


class AvvioSpid(OIDCAuthenticationRequestView):
    def get(self, request):
        if not attivo():
            raise Http404("Accesso SPID/CIE non configurato.")
        return super().get(request)


class RitornoSpid(OIDCAuthenticationCallbackView):
    def get(self, request):
        if not attivo():
            raise Http404("Accesso SPID/CIE non configurato.")
        try:
            return super().get(request)
        except SuspiciousOperation:
            # A state this session did not start (forged, replayed, another tab's).
            _esito(request, NON_VALIDO)
            return self.login_failure()

    def login_failure(self):
        esito = getattr(self.request, "zona_spid_esito", NON_VALIDO)
        return render(self.request, "accounts/spid_rifiutato.html", {"messaggio": MESSAGGI[esito]}, status=403)

    def login_success(self):
        request, user = self.request, self.user
        dopo = request.session.pop("oidc_login_next", None) or ""
        if getattr(request, "zona_spid_livello", 0) >= 2:
            login.completa_accesso(request, user)
            request.session[SESSIONE_SPID] = True
            return redirect(dopo or settings.LOGIN_REDIRECT_URL)
        # SPID level 1: one factor only, the second step of the password login follows.
        request.session[SESSIONE_SPID] = True
        if user_has_device(user, confirmed=True):
            login.metti_in_attesa(request, user, dopo)
        elif user.email:
            login.metti_in_attesa(request, user, dopo, via=login.CODICE_EMAIL)
        else:
            _esito(request, LIVELLO_BASSO)
            return self.login_failure()
        return redirect("accounts:codice")


def url_uscita(request):
    """Where to go after logging out: the gateway's end_session_endpoint for a SPID/CIE
    session (it ends the identity provider's session too), else None. Call before logout()."""
    fine = settings.OIDC_OP_LOGOUT_ENDPOINT
    id_token = request.session.get("oidc_id_token")
    if not (attivo() and fine and id_token and request.session.get(SESSIONE_SPID)):
        return None
    ritorno = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    parametri = {"id_token_hint": id_token, "post_logout_redirect_uri": ritorno}
    parametri["client_id"] = settings.OIDC_RP_CLIENT_ID
    return f"{fine}?{urlencode(parametri)}"
