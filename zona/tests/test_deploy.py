"""Production settings: `manage.py check --deploy` passes with the documented environment."""

import secrets

from testsupport.processi import manage


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
