"""`Authorization: Bearer <token>` on the API: the request runs as the token's client.

Only under /api/ (the pages keep sessions and cookies). A request with a token is the client's
and nobody else's: a session cookie sent with it is ignored, and the CSRF check (which guards
cookies) does not apply. A wrong, revoked or expired token is a 401 (not an anonymous request:
a client must know its token stopped working); over its budget a 429 with Retry-After; a body
larger than `ZONA_API_MAX_BYTES` a 413, before it is read.
"""

import time

from django.conf import settings
from django.http import JsonResponse

from . import client as servizio

PREFISSO_API = "/api/"

CHIAVE_RINNOVO = "_zona_rinnovo"
RINNOVO = 60


def _errore(stato, dettaglio, **intestazioni):
    risposta = JsonResponse({"detail": dettaglio}, status=stato)
    for nome, valore in intestazioni.items():
        risposta[nome] = valore
    return risposta


class TokenApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        intestazione = request.headers.get("Authorization", "")
        if not request.path.startswith(PREFISSO_API) or intestazione[:7].lower() != "bearer ":
            return self.get_response(request)
        client = servizio.autentica(intestazione[7:].strip())
        if client is None:
            return _errore(
                401,
                "Token non valido, scaduto o revocato.",
                **{"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        attesa = servizio.consuma(client)
        if attesa is not None:
            return _errore(
                429,
                f"Troppe richieste per questo token: riprovare tra {attesa.secondi} secondi.",
                **{"Retry-After": str(attesa.secondi)},
            )
        try:
            lunghezza = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            lunghezza = 0
        if lunghezza > settings.ZONA_API_MAX_BYTES:
            return _errore(413, f"Richiesta troppo grande: al massimo {settings.ZONA_API_MAX_BYTES // 1024**2} MB.")
        request.user = client.utente
        request.client_macchina = client
        # No cookie is involved: the CSRF check (zona.lib.policies) has nothing to protect.
        request._dont_enforce_csrf_checks = True
        return self.get_response(request)


class RinnovoSessioneMiddleware:
    """The idle timeout (SESSION_COOKIE_AGE) without writing the session at every request.

    Each request of a session moves its expiry a full idle period ahead, but only once a minute:
    with Django's SESSION_SAVE_EVERY_REQUEST every page view was an UPDATE and a COMMIT (and a
    new signed cookie), a write transaction for a read. The timeout is exact to RINNOVO seconds.
    Listed after SessionMiddleware, so the session is saved by it on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        risposta = self.get_response(request)
        sessione = getattr(request, "session", None)
        # No cookie, or a session ended (logout, expiry): nothing to extend, nothing to create.
        if sessione is not None and sessione.session_key is not None:
            ultimo = sessione.get(CHIAVE_RINNOVO)
            if not isinstance(ultimo, int) or not 0 <= time.time() - ultimo < RINNOVO:
                rinnova_sessione(request=request)
        return risposta


def rinnova_sessione(sender=None, request=None, **kwargs):
    """Marks the session changed, so it is saved with a new expiry (also the `user_logged_in`
    receiver: the login writes the session anyway, and counts as its first renewal)."""
    if request is not None and hasattr(request, "session"):
        request.session[CHIAVE_RINNOVO] = int(time.time())
