"""Caching of computed page parts (indicator tables, charts, maps) keyed by the data version.

The data version is the id of the latest audit-log entry: every change users or loads make to
the registry, the knowledge base (each load creates an audited Caricamento) or the plans adds
one, so a cached value is never served after the data under it changed, and nothing needs to be
invalidated by hand. The cache is Django's default cache (settings.CACHES: a table of the
database, or a Redis server, shared by every worker of every app server)."""

import time

from auditlog.models import LogEntry
from django.core.cache import cache

DURATA = 6 * 60 * 60


def versione_dati():
    """Id and time of the latest audit entry: the time keeps two databases that happen to have
    the same number of entries (a test run and the next one) from sharing cached values."""
    # Locks and unlocks of logins (accounts/login.py, on django-axes' records) change no page:
    # left out, so that failed logins cannot empty the cache of every page.
    ultima = (
        LogEntry.objects.exclude(content_type__app_label="axes").order_by("-pk").values_list("pk", "timestamp").first()
    )
    return f"{ultima[0]}-{ultima[1].timestamp()}" if ultima else "0"


# How long the visitors of a value being computed wait for it before computing it themselves.
ATTESA_MASSIMA = 20
PAUSA = 0.05


def memorizza(chiave, calcola, durata=DURATA):
    """`calcola()` once per data version; `chiave` must name everything else the value depends on.

    Computed by one process at a time: after a data change the first visitors of a page arrive
    together, and each worker computing the same seconds-long value on a small machine would
    make them all wait for one another. The first takes a lock (`cache.add`, atomic in every
    backend); the others wait for its value, at most ATTESA_MASSIMA seconds (then, or if the
    computation failed, they compute it themselves)."""
    completa = _completa(chiave)
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
