"""The health check /salute/: 200 with the checks when Zona can serve, 503 otherwise."""

import pytest
from django.db import OperationalError

from zona import salute


@pytest.fixture(autouse=True)
def _senza_cache(monkeypatch):
    monkeypatch.setattr(salute, "_migrazioni_ok", False)


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/salute/")
    assert response.status_code == 200
    assert response.json() == {"stato": "ok", "database": True, "migrazioni": True}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_pending_migrations_make_it_unavailable(client, monkeypatch):
    import zona.backup

    monkeypatch.setattr(zona.backup, "migrazioni_da_applicare", lambda connection: ["programmazione.0099_nuova"])
    response = client.get("/salute/")
    assert response.status_code == 503
    assert response.json() == {"stato": "non disponibile", "database": True, "migrazioni": False}


@pytest.mark.django_db
def test_unreachable_database_makes_it_unavailable(client, monkeypatch):
    from django.db import connection

    class CursoreRotto:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *a):
            return False

    monkeypatch.setattr(connection, "cursor", lambda: CursoreRotto())
    response = client.get("/salute/")
    assert response.status_code == 503
    assert response.json() == {"stato": "non disponibile", "database": False, "migrazioni": False}
