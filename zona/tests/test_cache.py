"""Cached page parts are recomputed as soon as audited data change."""

import threading
import time

import pytest
from django.core.cache import cache as django_cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings

from territorio.models import Comune
from zona.lib import cache as cache_module
from zona.lib.cache import memorizza
from zona.lib.versione import versione_codice


def test_a_cached_value_is_recomputed_after_an_audited_change(registro_minimo):
    calcoli = []

    def calcola():
        calcoli.append(1)
        return len(calcoli)

    assert memorizza("prova", calcola) == 1
    assert memorizza("prova", calcola) == 1  # served from the cache
    comune = Comune.objects.get(pk="016901")
    comune.telefono = "035 000 0000"
    comune.save()  # audited: a new log entry, a new data version
    assert memorizza("prova", calcola) == 2


@pytest.mark.parametrize("metodo, letture", [("GET", 1), ("HEAD", 1), ("POST", 3)])
def test_a_page_reads_the_data_version_once_unless_it_may_change_data(registro_minimo, monkeypatch, metodo, letture):
    letto = []
    originale = cache_module._leggi_versione
    monkeypatch.setattr(cache_module, "_leggi_versione", lambda app=None: letto.append(1) or originale(app))
    # As Django's test client does: the request signals without closing the test's connection
    # (on PostgreSQL, inside the test's transaction, that would break it).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None, environ={"REQUEST_METHOD": metodo})
        prima = [cache_module.versione_dati() for _ in range(3)]
        request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert len(letto) == letture and len(set(prima)) == 1
    # After the request every call reads the audit log again: a change is seen at once.
    comune = Comune.objects.get(pk="016901")
    comune.telefono = "035 000 0001"
    comune.save()
    assert cache_module.versione_dati() != prima[0]
    assert len(letto) == letture + 1


def test_the_code_version_changes_with_a_template_and_ignores_the_virtualenv(tmp_path):
    """The prefix of the cache keys (settings.CACHES): a new release never serves the HTML the
    old templates rendered, and two servers with the same code share the cache."""
    (tmp_path / "app" / "templates").mkdir(parents=True)
    (tmp_path / "app" / "views.py").write_text("x = 1\n")
    pagina = tmp_path / "app" / "templates" / "pagina.html"
    pagina.write_text("<p>{{ valore }}</p>\n")
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    prima = versione_codice(tmp_path)
    assert versione_codice(tmp_path) == prima
    (tmp_path / ".venv" / "lib" / "modulo.py").write_text("y = 2\n")
    assert versione_codice(tmp_path) == prima
    pagina.write_text("<p>{{ valore|floatformat }}</p>\n")
    assert versione_codice(tmp_path) != prima


def test_visitors_arriving_together_wait_for_one_computation(monkeypatch):
    """After a data change the first visitors of a page arrive together: one worker computes the
    value, the others wait for it instead of computing it again."""
    monkeypatch.setattr(cache_module, "versione_dati", lambda: "prova")
    calcoli = []
    avviato = threading.Event()

    def calcola():
        calcoli.append(1)
        avviato.set()
        time.sleep(0.5)  # a computation long enough for the others to arrive during it
        return 42

    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        risultati = []
        primo = threading.Thread(target=lambda: risultati.append(memorizza("insieme", calcola)))
        primo.start()
        avviato.wait(5)
        altri = [threading.Thread(target=lambda: risultati.append(memorizza("insieme", calcola))) for _ in range(4)]
        for t in altri:
            t.start()
        for t in [primo, *altri]:
            t.join(10)
    assert risultati == [42] * 5
    assert len(calcoli) == 1


def test_a_failed_computation_lets_the_next_visitor_compute(monkeypatch):
    monkeypatch.setattr(cache_module, "versione_dati", lambda: "prova")

    def guasto():
        raise RuntimeError("guasto")

    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        with pytest.raises(RuntimeError):
            memorizza("guasto", guasto)
        # The lock went with the failure: the next visitor computes at once, without waiting.
        inizio = time.monotonic()
        assert memorizza("guasto", lambda: 7) == 7
        assert time.monotonic() - inizio < cache_module.ATTESA_MASSIMA / 2


def test_a_value_kept_in_the_process_is_not_unpickled_again_and_follows_the_shared_cache(monkeypatch):
    monkeypatch.setattr(cache_module, "versione_dati", lambda: "prova")
    calcoli = []

    def calcola():
        calcoli.append(1)
        return {"grande": list(range(10))}

    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        primo = memorizza("in-processo", calcola, in_processo=True)
        # The same object, not a copy read back from the shared cache.
        assert memorizza("in-processo", calcola, in_processo=True) is primo
        assert memorizza("in-processo", calcola) is not primo
        # Cleared shared cache: computed again, in every process.
        django_cache.clear()
        assert memorizza("in-processo", calcola, in_processo=True) is not primo
    assert len(calcoli) == 2
