"""A real OpenID Provider for the SPID/CIE tests: django-oauth-toolkit with OpenID Connect, in a
process of its own with its own settings and database, on a port of its own.

    python accounts/tests/provider_oidc.py CARTELLA

reads CARTELLA/conf.json (RSA key, client, redirect URIs, users with their codice fiscale and
level), prints "PORTA <n>" when it listens and serves until killed. Its users log in by
GET /entra/<username>/ (a test provider: the identity check is not what is tested); the ID
token carries `fiscalNumber` ("TINIT-" + code) and `acr` like a SPID/CIE gateway's."""

import json
import os
import sys

import django
from django.conf import settings
from django.urls import include, path

CONF = {}


def entra(request, username):
    from django.contrib.auth import get_user_model, login
    from django.shortcuts import redirect

    login(request, get_user_model().objects.get(username=username))
    return redirect(request.GET.get("next", "/"))


def _validatore():
    from oauth2_provider.oauth2_validators import OAuth2Validator

    class Validatore(OAuth2Validator):
        oidc_claim_scope = None  # every claim below, whatever the scope

        def get_additional_claims(self, request):
            persona = CONF["utenti"][request.user.username]
            return {"fiscalNumber": "TINIT-" + persona["codice_fiscale"], "acr": persona["acr"]}

    return Validatore


def main():
    cartella = sys.argv[1]
    with open(os.path.join(cartella, "conf.json"), encoding="utf-8") as f:
        CONF.update(json.load(f))
    settings.configure(
        DEBUG=False,
        SECRET_KEY="provider-oidc-di-prova",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
            "oauth2_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(cartella, "op.sqlite3")}},
        # Tables made directly from the models: seconds less than running the migrations.
        MIGRATION_MODULES={app: None for app in ("contenttypes", "auth", "sessions", "oauth2_provider")},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        LOGIN_URL="/entra/",
        OAUTH2_PROVIDER={
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": CONF["chiave"],
            "SCOPES": {"openid": "OpenID Connect", "profile": "Profilo"},
            "OAUTH2_VALIDATOR_CLASS": __name__ + "._VALIDATORE",
            "PKCE_REQUIRED": True,
            "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
            "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
            "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
        },
    )
    django.setup()
    global _VALIDATORE, urlpatterns
    _VALIDATORE = _validatore()
    urlpatterns = [
        path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
        path("entra/<str:username>/", entra),
    ]

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, run_syncdb=True)
    for username in CONF["utenti"]:
        get_user_model().objects.create(username=username)
    Application.objects.create(
        name="Zona",
        client_id=CONF["client_id"],
        client_secret=CONF["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=CONF["ritorno"],
        post_logout_redirect_uris=CONF["uscita"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )

    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.core.wsgi import get_wsgi_application

    class Silenzioso(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Silenzioso)
    print(f"PORTA {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    # Run as a script: ROOT_URLCONF and the validator are found in "__main__".
    main()
