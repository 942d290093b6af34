"""Caching of computed page parts (indicator tables, charts, maps) keyed by the data version.

The data version is the id of the latest audit-log entry: every change users or loads make to
the registry, the knowledge base (each load creates an audited Caricamento) or the plans adds
one, so a cached value is never served after the data under it changed, and nothing needs to be
invalidated by hand. The cache backend is Django's (per process by default; CACHE_URL may point
to a shared one in production)."""

from auditlog.models import LogEntry
from django.core.cache import cache
from django.db.models import Max

DURATA = 6 * 60 * 60


def versione_dati():
    return LogEntry.objects.aggregate(m=Max("id"))["m"] or 0


def memorizza(chiave, calcola, durata=DURATA):
    """`calcola()` once per data version; `chiave` must name everything else the value depends on."""
    completa = f"{chiave}:v{versione_dati()}"
    valore = cache.get(completa)
    if valore is None:
        valore = calcola()
        cache.set(completa, valore, durata)
    return valore
