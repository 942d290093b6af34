"""Production settings: `manage.py check --deploy` passes with the documented environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Settings read from the environment (zona/settings.py): start each run from none of them.
# DJANGO_ALLOW_ASYNC_UNSAFE is set by conftest.py for the browser tests; check --deploy
# rightly refuses it (async.E001).
SETTINGS_ENV = [
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "ZONA_CHIAVE_PSEUDONIMO",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "STATIC_ROOT",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "LOG_LEVEL_RICHIESTE",
    "ZONA_LAVORI_IMMEDIATI",
]


def manage(*args, **env):
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    environ.update(env)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_environment():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),  # 86 characters
        ZONA_CHIAVE_PSEUDONIMO=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="zona.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = manage("check", "--deploy", DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY è obbligatoria" in result.stderr


def test_production_refuses_to_start_without_the_pseudonym_key():
    result = manage("check", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="zona.example.org")
    assert result.returncode != 0
    assert "ZONA_CHIAVE_PSEUDONIMO è obbligatoria" in result.stderr
    stessa = secrets.token_urlsafe(64)
    result = manage("check", DEBUG="false", SECRET_KEY=stessa, ZONA_CHIAVE_PSEUDONIMO=stessa, ALLOWED_HOSTS="x.org")
    assert result.returncode != 0
    assert "diversa da SECRET_KEY" in result.stderr
