"""Settings of Zona, read from the environment.

The defaults make a safe local demo (SQLite, DEBUG on, loopback only). Production sets
DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; with DEBUG off every security
setting below switches to its strict value, so `manage.py check --deploy` passes.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from zona.lib.versione import versione_codice

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY è obbligatoria con DEBUG=false.")
    # Only ever used by the local demo and the tests.
    SECRET_KEY = "demo-zona-insecure-key-do-not-use-in-production"

# The key of the pseudonyms of the case-record extracts (domanda.codice_fiscale): its own secret,
# never SECRET_KEY (rotating the session key must not change every person's pseudonym, and a
# leak of one must not expose the other). Changing it makes new loads count known people anew.
DOMANDA_CHIAVE_PSEUDONIMO = os.environ.get("ZONA_CHIAVE_PSEUDONIMO", "")
if not DOMANDA_CHIAVE_PSEUDONIMO:
    if not DEBUG:
        raise ImproperlyConfigured("ZONA_CHIAVE_PSEUDONIMO è obbligatoria con DEBUG=false.")
    DOMANDA_CHIAVE_PSEUDONIMO = "demo-zona-chiave-pseudonimi-solo-sviluppo"
if DOMANDA_CHIAVE_PSEUDONIMO == SECRET_KEY:
    raise ImproperlyConfigured("ZONA_CHIAVE_PSEUDONIMO deve essere diversa da SECRET_KEY.")
# Years an extract's rows are kept after the end of their period (manage.py elimina_estratti_scaduti).
DOMANDA_CONSERVAZIONE_ANNI = int(os.environ.get("ZONA_CONSERVAZIONE_ESTRATTI_ANNI", "5"))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Project apps first: their templates win over the generic names of the theme.
    "accounts",
    "territorio",
    "lavori",
    "conoscenza",
    "domanda",
    "offerta",
    "programmazione",
    "fondi",
    "coprogrammazione",
    "monitoraggio",
    "documenti",
    "opendata",
    "api",
    # The project package itself: cross-cutting commands (backup, restore) and views (health).
    "zona",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap_italia_template",
    "auditlog",
    "axes",
    # Optional TOTP second factor at login (accounts/login.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "ninja",
    # Background jobs (lavori/services.py): Django 6's task API, backported, and its database queue.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: every log line of the request, and its response, carry the request id.
    "zona.log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL byte in the path or query is refused here, before any view or database sees it.
    "zona.lib.ingressi.RifiutaNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Extends the idle timeout at most once a minute (instead of SESSION_SAVE_EVERY_REQUEST).
    "accounts.middleware.RinnovoSessioneMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Authorization: Bearer on the API: the request runs as the machine client (accounts/client.py).
    "accounts.middleware.TokenApiMiddleware",
    # Refuses any route that declares no access policy (zona/lib/policies.py).
    "zona.lib.policies.PolicyRequiredMiddleware",
    # request.user.is_verified(): logged in with the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # django-auditlog's, with the client address of zona/lib/rete.py.
    "zona.lib.rete.AuditlogMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zona.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.profilo",
            ],
        },
    },
]

WSGI_APPLICATION = "zona.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Computed page parts (indicator tables, charts, maps) are cached by data version (zona/lib/cache.py),
# and rendered documents by their content (documenti/services.py), on a backend that every app
# server shares: tables of the database by default (created by `migrate`: zona/migrations, run by the
# set-up scripts), a Redis server where ZONA_CACHE_URL names one (redis://host:6379/0, needs the
# `redis` package). Nothing on a local disk: a second app server reads what the first computed.
# The keys start with the version of the code (zona/lib/versione.py): a new release never serves
# what the old one rendered.
VERSIONE_CODICE = versione_codice(BASE_DIR)
ZONA_CACHE_URL = os.environ.get("ZONA_CACHE_URL", "")
if ZONA_CACHE_URL:
    if not ZONA_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("ZONA_CACHE_URL: solo server Redis (redis://, rediss://, unix://).")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ZONA_CACHE_URL,
            "KEY_PREFIX": VERSIONE_CODICE,
        },
        "documenti": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ZONA_CACHE_URL,
            "KEY_PREFIX": f"documenti-{VERSIONE_CODICE}",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "zona_cache",
            "KEY_PREFIX": VERSIONE_CODICE,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        # Rendered documents, keyed by their content: a few MB each.
        "documenti": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "zona_cache_documenti",
            "KEY_PREFIX": VERSIONE_CODICE,
            "OPTIONS": {"MAX_ENTRIES": 200},
        },
    }

# Background jobs (lavori/services.py, README «Lavori in background»): the queue is a table of the
# database, so a job queued by any app server is run by a worker (`manage.py db_worker`) on any
# machine. ZONA_LAVORI_IMMEDIATI=1 runs each job inside the request that queues it (the tests;
# a demo without a worker), where the database queue stays available as the "coda" backend.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if env_bool("ZONA_LAVORI_IMMEDIATI", False):
    TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "coda": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
# A running job writes its progress and a heartbeat every LAVORI_BATTITO_SECONDI; one whose
# heartbeat is older than LAVORI_SCADENZA_SECONDI was killed with its worker and is marked failed.
LAVORI_BATTITO_SECONDI = float(os.environ.get("ZONA_LAVORI_BATTITO_SECONDI", "2"))
LAVORI_SCADENZA_SECONDI = float(os.environ.get("ZONA_LAVORI_SCADENZA_SECONDI", "120"))
# A job that lasted at least this long sends its owner an email when it ends.
LAVORI_EMAIL_SECONDI = float(os.environ.get("ZONA_LAVORI_EMAIL_SECONDI", "20"))
# Uploads larger than this go to a background job instead of being loaded inside the request.
LAVORI_SOGLIA_BYTES = int(os.environ.get("ZONA_LAVORI_SOGLIA_BYTES", str(512 * 1024)))
# The address of Zona as users reach it, for links in emails (jobs).
ZONA_URL_BASE = os.environ.get("ZONA_URL_BASE", "http://127.0.0.1:8000").rstrip("/")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.BackendPassword",
]

# Password rules (README, «Accesso»): at least 12 characters, not like the username, not in
# Django's list of common passwords, not only digits, not a keyboard walk; Italian messages.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.password.LunghezzaMinimaValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password.SequenzaTastieraValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "territorio:provincia"
LOGOUT_REDIRECT_URL = "territorio:provincia"

# SPID and CIE through the administration's OpenID Connect gateway (accounts/spid.py, README
# «SPID e CIE»): on when ZONA_OIDC_CLIENT_ID is set. Names as mozilla-django-oidc reads them.
OIDC_RP_CLIENT_ID = os.environ.get("ZONA_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("ZONA_OIDC_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("ZONA_OIDC_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("ZONA_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("ZONA_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("ZONA_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("ZONA_OIDC_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("ZONA_OIDC_END_SESSION_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("ZONA_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("ZONA_OIDC_SCOPES", "openid profile")
OIDC_AUTH_REQUEST_EXTRA_PARAMS = (
    {"acr_values": os.environ["ZONA_OIDC_ACR_VALUES"]} if os.environ.get("ZONA_OIDC_ACR_VALUES") else {}
)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:spid_ritorno"
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the single logout
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("accounts.spid.BackendSpid")
# false: only superusers log in with a password, everybody else with SPID or CIE.
ZONA_ACCESSO_PASSWORD = os.environ.get("ZONA_ACCESSO_PASSWORD", "true").lower() != "false"

# The reverse proxies whose X-Forwarded-For is believed (zona/lib/rete.py): addresses or CIDR
# blocks, the same variable that scripts/serve.sh gives gunicorn. Anyone else is known by the
# address of its own connection, whatever header it sends.
PROXY_FIDATI = env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"])
for _voce in PROXY_FIDATI:
    try:
        ipaddress.ip_network(_voce, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"FORWARDED_ALLOW_IPS: «{_voce}» non è un indirizzo IP né una rete CIDR.") from None

# Login throttling (README, «Accesso»): 5 failures lock that username *from that address* for
# 30 minutes, so a stranger cannot lock the owner out from elsewhere. Across all addresses a
# username with ACCESSO_LIMITE_UTENTE failures in the same window needs a second step after the
# password (the TOTP code, or a one-time code sent by email): accounts/login.py.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_CLIENT_IP_CALLABLE = "zona.lib.rete.indirizzo_client"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
ACCESSO_LIMITE_UTENTE = int(os.environ.get("ACCESSO_LIMITE_UTENTE", "10"))

# Mail (the one-time login codes, the invitations and minutes of the co-programming tables).
# The demo writes every message as a file in EMAIL_FILE_PATH, where a user can open it.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "email"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "zona@localhost")

# TOTP: the issuer the authenticator app shows; one wrong code doubles the wait before the next.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Zona")
OTP_TOTP_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano")]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# The theme references files it does not ship, so a manifest storage would fail: WhiteNoise's
# compressed (non-manifest) storage serves everything from the app itself.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "zona.lib.statici.StaticiCompressi"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Content-Security-Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Bootstrap Italia's bundle injects two fixed <style> elements (one empty): their
        # hashes, not 'unsafe-inline'. Its CSS embeds an icon font as a data: URI.
        "style-src": [
            SELF,
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
            "'sha256-wPXhisdsFu1DtHYH1D9W5isSGqS5vIPn6QJWSNLqfCM='",
        ],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Idle timeout: a session ends after SESSIONE_INATTIVA_MINUTI without requests (4 hours by
# default), not two weeks after the login; a request moves the expiry forward (at most once a
# minute: accounts.middleware.RinnovoSessioneMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("SESSIONE_INATTIVA_MINUTI", "240")) * 60
SESSION_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The load balancer probes the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^salute/$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest membership file accepted by the import page.
# Publisher and rights holder of the open data (DCAT-AP_IT catalogue at /dati-aperti/): the body
# that publishes the data, its code in the IPA index (the prefix of dataset identifiers), the
# area covered (name and ISTAT code) and a contact address. Demo defaults: ATS di Bergamo.
ZONA_DATI_APERTI = {
    "nome": os.environ.get("ZONA_DATI_TITOLARE", "ATS di Bergamo"),
    "codice_ipa": os.environ.get("ZONA_DATI_CODICE_IPA", "atsbg"),
    "copertura": os.environ.get("ZONA_DATI_COPERTURA", "Provincia di Bergamo"),
    "copertura_istat": os.environ.get("ZONA_DATI_COPERTURA_ISTAT", "016"),
    "email": os.environ.get("ZONA_DATI_EMAIL", "dati@example.org"),
}

ZONA_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Machine clients (accounts/client.py): requests per token and minute, largest request body
# (imports through the API run inside the request: the pages' limit), days an
# Idempotency-Key is remembered.
ZONA_API_RICHIESTE_MINUTO = int(os.environ.get("ZONA_API_RICHIESTE_MINUTO", "60"))
ZONA_API_MAX_BYTES = int(os.environ.get("ZONA_API_MAX_BYTES", str(ZONA_MAX_UPLOAD_BYTES + 64 * 1024)))
ZONA_API_IDEMPOTENZA_GIORNI = int(os.environ.get("ZONA_API_IDEMPOTENZA_GIORNI", "7"))

AUDITLOG_INCLUDE_ALL_MODELS = False

# Logs go to stderr: JSON lines with the request id in production (LOG_FORMAT=json, the
# default with DEBUG off), plain text for the local demo (LOG_FORMAT=text).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "zona.log.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "zona.log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # One line per request comes from zona.richieste; Django's own would repeat 4xx/5xx.
        "django.request": {"level": "ERROR"},
        "zona.richieste": {"level": os.environ.get("LOG_LEVEL_RICHIESTE", "INFO" if not DEBUG else "WARNING")},
    },
}
