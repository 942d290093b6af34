"""Caching of computed page parts (indicator tables, charts, maps) keyed by the data version.

The data version is the id of the latest audit-log entry: every change users or loads make to
the registry, the knowledge base (each load creates an audited Caricamento) or the plans adds
one, so a cached value is never served after the data under it changed, and nothing needs to be
invalidated by hand. The cache is Django's default cache (settings.CACHES: a table of the
database, or a Redis server, shared by every worker of every app server).

A value made only of some apps' data can be keyed by their version instead (`memorizza(...,
dati=CONOSCENZA)`): the latest audit entry of those apps' models. The residents of every Comune
(a scan of a country's population, a second of the database's CPU) then survive a fund movement
or a plan's edit, and are recomputed after a population load, a deleted load or a change of the
registry, which all add an entry of those apps."""

import threading
import time
from collections import OrderedDict

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import models

DURATA = 6 * 60 * 60
# Values keyed by the knowledge base's version (dati=CONOSCENZA): their data change with a load,
# weeks apart, and their key changes with them; kept until the cache needs the room, so that the
# first what-if of a morning does not scan the country's population again.
DURATA_CONOSCENZA = 7 * 24 * 60 * 60

# The data version, read once per GET or HEAD request: a page asks for several cached parts, and
# each asking the audit log again cost a query. Not for other methods: a POST that changes data
# and then shows a page must see the version its change made.
_richiesta = threading.local()


def _inizio_richiesta(sender, environ=None, **kwargs):
    _richiesta.versioni = {}
    _richiesta.una_per_richiesta = (environ or {}).get("REQUEST_METHOD") in ("GET", "HEAD")


def _fine_richiesta(sender, **kwargs):
    _richiesta.versioni = {}
    _richiesta.una_per_richiesta = False


request_started.connect(_inizio_richiesta, dispatch_uid="zona.lib.cache.inizio")
request_finished.connect(_fine_richiesta, dispatch_uid="zona.lib.cache.fine")


# The apps whose data the knowledge base's computed values are made of: its measures, loads and
# observations (conoscenza), the Comuni, their memberships and history the values roll up
# through (territorio), and the demand the extracts publish into it (domanda: a publication that
# only deactivates values adds no entry of conoscenza, but the extract's load is audited).
# Observations are not audited one by one, but every path that writes them creates, changes or
# deletes an audited load (conoscenza.services.importa_dati and the loads' deletion).
CONOSCENZA = ("conoscenza", "domanda", "territorio")


def versione_dati(app=None):
    """Id and time of the latest audit entry (of the models of the apps `app`, a tuple of app
    labels, when given): the time keeps two databases that happen to have the same number of
    entries (a test run and the next one) from sharing cached values."""
    if not getattr(_richiesta, "una_per_richiesta", False):
        return _leggi_versione(app)
    versioni = _richiesta.versioni
    if app not in versioni:
        versioni[app] = _leggi_versione(app)
    return versioni[app]


def _leggi_versione(app=None):
    if app is None:
        # Locks and unlocks of logins (accounts/login.py, on django-axes' records) change no
        # page: left out, so that failed logins cannot empty the cache of every page.
        voci = LogEntry.objects.exclude(content_type__app_label="axes")
    else:
        # The latest entry of each model of those apps, one step down the index on (content
        # type, id) (migration zona 0002) for each: the entries of a ledger's thousands of
        # movements after the latest load are not walked.
        ultime = LogEntry.objects.filter(content_type=models.OuterRef("pk")).order_by("-pk").values("pk")[:1]
        tipi = ContentType.objects.filter(app_label__in=app).values(ultima=models.Subquery(ultime))
        voci = LogEntry.objects.filter(pk__in=tipi)
    ultima = voci.order_by("-pk").values_list("pk", "timestamp").first()
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


def memorizza(chiave, calcola, durata=None, in_processo=False, dati=None):
    """`calcola()` once per data version; `chiave` must name everything else the value depends on.
    `dati`: the apps whose data alone the value is made of (CONOSCENZA), keyed by their version:
    only when no data of any other app (a plan, a fund, a user's role) can change it.

    Computed by one process at a time: after a data change the first visitors of a page arrive
    together, and each worker computing the same seconds-long value on a small machine would
    make them all wait for one another. The first takes a lock (`cache.add`, atomic in every
    backend); the others wait for its value, at most ATTESA_MASSIMA seconds (then, or if the
    computation failed, they compute it themselves)."""
    completa = _completa(chiave, dati)
    if durata is None:
        durata = DURATA if dati is None else DURATA_CONOSCENZA
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


def memorizzato(chiave, dati=None):
    """What `memorizza(chiave, ..., dati=dati)` keeps for the current data version, or None (not
    computed yet): a page can serve a ready value at once and send the rest to a background job."""
    return cache.get(_completa(chiave, dati))


def _completa(chiave, dati=None):
    if dati is None:
        return f"{chiave}:v{versione_dati()}"
    return f"{chiave}:{'+'.join(dati)}:v{versione_dati(dati)}"
