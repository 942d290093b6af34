"""Security headers on every kind of response: pages, forms, errors, downloads, API, schema;
and the production-only ones (HSTS, secure cookies, HTTPS redirect) with DEBUG=false."""

import json
import re
import secrets

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import include, path

from testsupport.fabbriche import utente_con_ruolo
from testsupport.processi import manage
from zona.lib.policies import PUBBLICO, policy


@policy(read=PUBBLICO)
def _errore(request):
    raise RuntimeError("errore di prova per la pagina 500")


urlpatterns = [path("errore-di-prova/", _errore), path("", include("zona.urls"))]

# kind of response -> (user or None, method, URL, expected status)
PAGINE = {
    "pagina pubblica": (None, "get", "/", 200),
    "pagina di dettaglio": (None, "get", "/ambiti/lago/", 200),
    "pagina con grafici SVG": (None, "get", "/ambiti/lago/quadro-conoscitivo/", 200),
    "modulo di accesso": (None, "get", "/account/accedi/", 200),
    "modulo di modifica": ("comune.borgo", "get", "/comuni/016901/modifica/", 200),
    "caricamento di file": ("udp.lago", "get", "/dati/carica/", 200),
    "rinvio all'accesso": (None, "get", "/importa/", 302),
    "accesso negato": ("udp.pianura", "get", "/ambiti/lago/ufficio-di-piano/modifica/", 403),
    "pagina inesistente": (None, "get", "/non-esiste/", 404),
    "metodo non ammesso": (None, "post", "/", 405),
    "errore interno": (None, "get", "/errore-di-prova/", 500),
    "CSV": (None, "get", "/export/?formato=csv", 200),
    "XLSX": (None, "get", "/export/?formato=xlsx", 200),
    "API JSON": (None, "get", "/api/ambiti", 200),
    "API 401": (None, "get", "/api/modifiche", 401),
    "schema OpenAPI": (None, "get", "/api/openapi.json", 200),
    "documentazione API": (None, "get", "/api/docs", 200),
}


def _csp(response):
    header = response.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    directives = {}
    for part in header.split(";"):
        nome, *valori = part.split()
        directives[nome] = valori
    return directives


def assert_security_headers(response):
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = _csp(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    script = csp["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, script
    assert all(s == "'self'" or s.startswith("'nonce-") for s in script), script
    assert "'unsafe-inline'" not in csp["style-src"]


def assert_no_inline_script(html):
    """Scripts come from files: no inline <script> (JSON data blocks aside), no on*= handlers,
    no javascript: URLs."""
    for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
        if 'type="application/json"' in attrs:
            continue
        assert "src=" in attrs and not body.strip(), f"inline script: <script{attrs}>{body[:80]}"
    handler = re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I)
    assert handler is None, f"inline event handler: {handler.group(0)}"
    assert "javascript:" not in html.lower()


@pytest.fixture
def utenti(registro_minimo):
    utente_con_ruolo("comune.borgo", "comune", comune=registro_minimo.comuni["016901"])
    utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago)
    utente_con_ruolo("udp.pianura", "ufficio_di_piano", ambito=registro_minimo.pianura)


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("tipo", list(PAGINE))
def test_security_headers_on_every_kind_of_response(utenti, tipo):
    utente, metodo, url, stato = PAGINE[tipo]
    client = Client(raise_request_exception=False)
    if utente:
        client.force_login(get_user_model().objects.get(username=utente))
    response = getattr(client, metodo)(url)
    assert response.status_code == stato
    assert_security_headers(response)
    if response.get("Content-Type", "").startswith("text/html"):
        assert_no_inline_script(response.content.decode())


# A small program run with the production environment: the response headers and cookies of a
# few pages that need no database, and the cookie settings.
_PRODUZIONE = r"""
import json
from django.conf import settings
from django.test import Client
c = Client(HTTP_HOST="example.org")
out = {"settings": {k: getattr(settings, k) for k in [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS"]}}
http = c.get("/account/accedi/")
out["http"] = {"status": http.status_code, "location": http.get("Location")}
for url in ["/account/accedi/", "/api/openapi.json", "/non-esiste/"]:
    r = c.get(url, secure=True)
    out[url] = {"status": r.status_code, "headers": dict(r.headers),
                "cookies": {k: {"secure": bool(m["secure"]), "samesite": m["samesite"]} for k, m in r.cookies.items()}}
print("RISULTATO " + json.dumps(out, default=str))
"""


def test_production_headers_and_cookies():
    result = manage(
        "shell",
        "-c",
        _PRODUZIONE,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ZONA_CHIAVE_PSEUDONIMO=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = json.loads(result.stdout.split("RISULTATO ", 1)[1])
    assert out["settings"] == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    }
    # Plain HTTP is sent to HTTPS.
    assert out["http"] == {"status": 301, "location": "https://example.org/account/accedi/"}
    for url in ["/account/accedi/", "/api/openapi.json", "/non-esiste/"]:
        headers = out[url]["headers"]
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload", url
        assert headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], url
    assert out["/non-esiste/"]["status"] == 404
    assert out["/account/accedi/"]["cookies"]["csrftoken"] == {"secure": True, "samesite": "Lax"}
