"""Caching of computed page parts (indicator tables, charts, maps) keyed by the data version.

The data version is the id of the latest audit-log entry: every change users or loads make to
the registry, the knowledge base (each load creates an audited Caricamento) or the plans adds
one, so a cached value is never served after the data under it changed, and nothing needs to be
invalidated by hand. The cache is Django's default cache (settings.CACHES: a table of the
database, or a Redis server, shared by every worker of every app server)."""

import threading
import time
from collections import OrderedDict

from auditlog.models import LogEntry
from django.core.cache import cache
from django.core.signals import request_finished, request_started

DURATA = 6 * 60 * 60

# The data version, read once per GET or HEAD request: a page asks for several cached parts, and
# each asking the audit log again cost a query. Not for other methods: a POST that changes data
# and then shows a page must see the version its change made.
_richiesta = threading.local()


def _inizio_richiesta(sender, environ=None, **kwargs):
    _richiesta.versione = None
    _richiesta.una_per_richiesta = (environ or {}).get("REQUEST_METHOD") in ("GET", "HEAD")


def _fine_richiesta(sender, **kwargs):
    _richiesta.versione = None
    _richiesta.una_per_richiesta = False


request_started.connect(_inizio_richiesta, dispatch_uid="zona.lib.cache.inizio")
request_finished.connect(_fine_richiesta, dispatch_uid="zona.lib.cache.fine")


def versione_dati():
    """Id and time of the latest audit entry: the time keeps two databases that happen to have
    the same number of entries (a test run and the next one) from sharing cached values."""
    if not getattr(_richiesta, "una_per_richiesta", False):
        return _leggi_versione()
    if _richiesta.versione is None:
        _richiesta.versione = _leggi_versione()
    return _richiesta.versione


def _leggi_versione():
    # Locks and unlocks of logins (accounts/login.py, on django-axes' records) change no page:
    # left out, so that failed logins cannot empty the cache of every page.
    ultima = (
        LogEntry.objects.exclude(content_type__app_label="axes").order_by("-pk").values_list("pk", "timestamp").first()
    )
    return f"{ultima[0]}-{ultima[1].timestamp()}" if ultima else "0"


# How long the visitors of a value being computed wait for it before computing it themselves.
ATTESA_MASSIMA = 20
PAUSA = 0.05


# Values also kept in this process (`memorizza(..., in_processo=True)`), the latest few: a large
# value unpickled from the shared cache at every use costs more than computing a small one. Used
# while the shared cache still has it (a cheap existence check), so that clearing the cache or
# its expiry reaches every process. The callers must not change the value they get.
_IN_PROCESSO = OrderedDict()
MAX_IN_PROCESSO = 8


def memorizza(chiave, calcola, durata=DURATA, in_processo=False):
    """`calcola()` once per data version; `chiave` must name everything else the value depends on.

    Computed by one process at a time: after a data change the first visitors of a page arrive
    together, and each worker computing the same seconds-long value on a small machine would
    make them all wait for one another. The first takes a lock (`cache.add`, atomic in every
    backend); the others wait for its value, at most ATTESA_MASSIMA seconds (then, or if the
    computation failed, they compute it themselves)."""
    completa = _completa(chiave)
    if in_processo and completa in _IN_PROCESSO and cache.has_key(completa):
        _IN_PROCESSO.move_to_end(completa)
        return _IN_PROCESSO[completa]
    valore = _condiviso(completa, calcola, durata)
    if in_processo and valore is not None:
        _IN_PROCESSO[completa] = valore
        while len(_IN_PROCESSO) > MAX_IN_PROCESSO:
            _IN_PROCESSO.popitem(last=False)
    return valore


def _condiviso(completa, calcola, durata):
    valore = cache.get(completa)
    if valore is not None:
        return valore
    serratura = f"{completa}:in-calcolo"
    if not cache.add(serratura, 1, ATTESA_MASSIMA):
        scadenza = time.monotonic() + ATTESA_MASSIMA
        while time.monotonic() < scadenza:
            time.sleep(PAUSA)
            valore = cache.get(completa)
            if valore is not None:
                return valore
            if cache.get(serratura) is None:  # the computation failed or ended with None
                break
    try:
        valore = calcola()
        cache.set(completa, valore, durata)
    finally:
        cache.delete(serratura)
    return valore


def memorizzato(chiave):
    """What `memorizza(chiave, ...)` keeps for the current data version, or None (not computed
    yet): a page can serve a ready value at once and send the rest to a background job."""
    return cache.get(_completa(chiave))


def _completa(chiave):
    return f"{chiave}:v{versione_dati()}"
