"""The page-part cache of production is a table of the database (settings.CACHES), which every
app server reads: a value computed by one process is read by another without computing it again.
The tests use a cache in memory (conftest); here the production setting is put back."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

from zona.lib.cache import memorizza


def test_le_impostazioni_usano_tabelle_del_database():
    # The test process runs with the settings module's value under the conftest override.
    from zona import settings as modulo

    assert {v["BACKEND"] for v in modulo.CACHES.values()} == {"django.core.cache.backends.db.DatabaseCache"}


def test_un_valore_calcolato_si_legge_dalla_tabella(riferimenti):
    from zona import settings as modulo

    calcoli = []
    with override_settings(CACHES=modulo.CACHES):
        call_command("createcachetable")  # as migrate does (the test database has the memory caches)
        caches["default"].clear()
        assert memorizza("prova:tabella", lambda: calcoli.append(1) or {"valore": 42}) == {"valore": 42}
        with connection.cursor() as c:
            c.execute("SELECT count(*) FROM zona_cache")
            assert c.fetchone()[0] == 1
        # Another process: a fresh cache handler, nothing in its memory.
        caches["default"].close()
        del caches["default"]
        assert memorizza("prova:tabella", lambda: calcoli.append(2) or {"valore": 0}) == {"valore": 42}
    assert calcoli == [1]


@pytest.mark.parametrize("url", ["redis://cache.interna:6379/0"])
def test_un_server_redis_si_configura_con_una_variabile(url, monkeypatch):
    import importlib

    from zona import settings as modulo

    monkeypatch.setenv("ZONA_CACHE_URL", url)
    try:
        nuovo = importlib.reload(modulo)
        versione = nuovo.VERSIONE_CODICE
        assert nuovo.CACHES["default"] == {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": versione,
        }
        # One server, two caches: the documents' keys apart from the page parts'.
        assert nuovo.CACHES["documenti"]["KEY_PREFIX"] == f"documenti-{versione}"
    finally:
        monkeypatch.delenv("ZONA_CACHE_URL")
        importlib.reload(modulo)
