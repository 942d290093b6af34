"""`Authorization: Bearer <token>` on the API: the request runs as the token's client.

Only under /api/ (the pages keep sessions and cookies). A request with a token is the client's
and nobody else's: a session cookie sent with it is ignored, and the CSRF check (which guards
cookies) does not apply. A wrong, revoked or expired token is a 401 (not an anonymous request:
a client must know its token stopped working); over its budget a 429 with Retry-After; a body
larger than `ZONA_API_MAX_BYTES` a 413, before it is read.
"""

from django.conf import settings
from django.http import JsonResponse

from . import client as servizio

PREFISSO_API = "/api/"


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
