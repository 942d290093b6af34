"""Extreme values to every route, as every role: no server error, no answer slower than 2 s
(of CPU; see LENTO) (issue 17, "every number, identifier and string that comes from outside
is bounded").

What is walked, so that pages and operations added later (funds, demand, offer, jobs, tokens,
OIDC...) are covered without being listed here:
- every route of the URL configuration (`accounts.routes.rotte()`, the walk the role matrix
  uses), with each URL argument replaced in turn by extreme values (the other arguments keep
  their samples from testsupport/rotte.py ESEMPI);
- the query parameters of each page: a common set (`PARAMETRI_COMUNI`) plus every field of the
  page's GET forms, read from the page's own HTML;
- the form fields of each page's POST forms, read from the page's HTML as the superuser, all
  sent with the same extreme value (Django cleans every field even when another one fails);
- every operation of the OpenAPI schema the API serves, with its declared path and query
  parameters (a required parameter keeps a valid value while another one is extreme).

Every role of the role matrix makes every request, inside a savepoint rolled back afterwards.
The payloads are those that broke the server in issue 17 (huge exponents, 1E+30, 20-digit
integers, 5.0 for an id, NUL) plus a pool of extremes (negatives, 10.000-character strings,
unicode oddities, impossible and far dates, invalid UTF-8, traversal, injection); each
parameter gets the issue's payloads and a few of the pool, chosen deterministically from the
route and parameter names, so that runs are reproducible and the whole scan stays within a
couple of minutes. The summary line gives routes x roles x payloads tried.
"""

import gc
import re
import time
import zlib
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client

from accounts.routes import rotte
from accounts.tests.test_route_matrix import RUOLI
from api.api import api
from testsupport.rotte import argomenti_di_esempio, url_di

# scripts/test.sh runs this scan on PostgreSQL only: there a text longer than its column is an
# error (SQLite stores it), as are integers out of a column's range.
pytestmark = pytest.mark.scansione_postgresql

# An answer is slow when the request used more than LENTO seconds of this thread's CPU (the
# work of the view, and of SQLite when it runs there): wall time on a shared CI machine
# also measures the neighbours. A request that takes more than BLOCCATO seconds of wall time
# fails anyway: whatever held it (a PostgreSQL query, a lock), a visitor would see a hang.
# An answer over LENTO is measured once more (see `chiedi`).
LENTO = 2.0
BLOCCATO = 20.0

# Every parameter gets these: each broke the server once (issue 17). The first (the huge exponent) is sent
# by every role; every other payload by one role, in turn (see `ruoli_per`).
SEMPRE = ["1E+500000", "99999999999999999999", "\x00", "1E+30", "5.0", "a\x00b"]
DA_TUTTI = 1
# And a deterministic few of these.
RISERVA = [
    "-99999999999999999999",
    "-1",
    "0",
    "-1E+500000",
    "1e-500000",
    "NaN",
    "Infinity",
    "x" * 10_000,
    "9" * 4301,  # past Python's int() digit limit
    "\u202eǅ\u200b\ufeff𝔘 é",
    "\udcff",  # a lone surrogate: sent as the invalid UTF-8 it comes from
    "0000-00-00",
    "9999-12-31",
    "2024-02-30",
    "-0001-01-01",
    "31/12/99999",
    "",
    " ",
    "../../../etc/passwd",
    "' OR 1=1 --",
    "%",
    "[]",
    "1,5",
    "１２３",  # full-width digits
]
DALLA_RISERVA = 3
# Query parameters that the pages read (and others of later pages will): each page gets them
# all, plus the fields of its own GET forms.
PARAMETRI_COMUNI = [
    "anno",
    "data",
    "q",
    "formato",
    "pagina",
    "triennio",
    "ambito",
    "ambiti",
    "indicatore",
    "primo",
    "secondo",
    "k",
    "ordina",
    "importo",
    "limite",
    "livello",
    "territorio",
    "next",
]
_ARGOMENTO = re.compile(r"<(?:(\w+):)?(\w+)>")


def carichi(*chiave):
    """The payloads for one parameter: SEMPRE plus DALLA_RISERVA of RISERVA picked from the
    parameter's name and route (crc32: the same on every run and machine)."""
    inizio = zlib.crc32("|".join(chiave).encode()) % len(RISERVA)
    return SEMPRE + [RISERVA[(inizio + i * 7) % len(RISERVA)] for i in range(DALLA_RISERVA)]


def ruoli_per(indice, *chiave):
    """Who sends the `indice`-th payload of a parameter: every role for the first DA_TUTTI,
    then one role in turn (from a deterministic start), so that every role meets every route
    and parameter while the requests stay a few thousand."""
    ruoli = list(RUOLI)
    if indice < DA_TUTTI:
        return ruoli
    return [ruoli[(zlib.crc32("|".join(chiave).encode()) + indice) % len(ruoli)]]


def in_url(valore):
    """Percent-encoded as a browser would; a lone surrogate as the invalid byte behind it."""
    if valore == "\udcff":
        return "%FF"
    return quote(valore, safe="")


class _Moduli(HTMLParser):
    """The field names of the GET and POST forms of a page."""

    def __init__(self):
        super().__init__()
        self.get, self.post, self._metodo = set(), set(), None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._metodo = (a.get("method") or "get").lower()
        elif tag in ("input", "select", "textarea") and self._metodo and a.get("name"):
            if a.get("type") in ("file", "submit", "button") or a["name"] == "csrfmiddlewaretoken":
                return
            (self.post if self._metodo == "post" else self.get).add(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._metodo = None


def _schema_api():
    schema = api.get_openapi_schema()
    return schema["paths"]


def _percorso_openapi(rotta):
    return "/" + _ARGOMENTO.sub(lambda m: "{" + m.group(2) + "}", rotta.route)


_VALIDI = {"anno": "2023", "triennio": "2024", "importo": "1000", "livello": "ambito", "formato": "pdf"}


def _valido(parametro):
    if parametro["name"] in _VALIDI:
        return _VALIDI[parametro["name"]]
    schema = parametro.get("schema", {})
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("type") == "integer":
        return str(schema.get("minimum", 1))
    return "1"


class Scansione:
    def __init__(self):
        self.utenti = {r: get_user_model().objects.get(username=u) if u else AnonymousUser() for r, u in RUOLI.items()}
        self.client = {}
        for ruolo, user in self.utenti.items():
            c = Client(raise_request_exception=False)
            if user.is_authenticated:
                c.force_login(user)
            self.client[ruolo] = c
        self.richieste, self.guasti, self.tempi = 0, [], []
        self.carichi_provati = 0

    def _una_volta(self, client, metodo, url, dati):
        with transaction.atomic():
            # This thread's CPU, garbage collection held off: a collection of the whole test
            # process, or another thread (a browser test's live server), is not the route's work.
            gc.disable()
            inizio, cpu = time.perf_counter(), time.thread_time()
            try:
                risposta = client.get(url) if metodo == "GET" else client.post(url, dati or {})
            finally:
                durata, cpu = time.perf_counter() - inizio, time.thread_time() - cpu
                gc.enable()
            transaction.set_rollback(True)
        return risposta, durata, cpu

    def chiedi(self, metodo, url, dati=None, ruoli=None):
        for ruolo in ruoli if ruoli is not None else self.client:
            client = self.client[ruolo]
            risposta, durata, cpu = self._una_volta(client, metodo, url, dati)
            if cpu > LENTO and risposta.status_code < 500:
                # Measured again once: an input that costs the server is slow every time, a
                # neighbour on the CI machine (the other test run) only sometimes.
                risposta, durata, cpu = min(
                    (risposta, durata, cpu), self._una_volta(client, metodo, url, dati), key=lambda r: r[2]
                )
            self.richieste += 1
            self.tempi.append(cpu)
            if risposta.status_code >= 500 or cpu > LENTO or durata > BLOCCATO:
                self.guasti.append(
                    f"{metodo} {url[:160]} as {ruolo}: {risposta.status_code} in {durata:.2f} s ({cpu:.2f} s CPU)"
                )


def _moduli_della_pagina(scansione, url):
    pagina = scansione.client["superutente"].get(url)
    moduli = _Moduli()
    if pagina.status_code == 200 and pagina.get("Content-Type", "").startswith("text/html"):
        moduli.feed(pagina.content.decode(errors="replace"))
    return moduli


def _scandisci(scansione, rotta, parametri_api):
    campioni = argomenti_di_esempio(rotta)[:1]
    base = campioni[0] if campioni else {}
    url_base = url_di(rotta, base)
    nomi = [nome for _, nome in _ARGOMENTO.findall(rotta.route)]
    scrive = rotta.operation is None and rotta.policy is not None and rotta.policy.write is not None
    provati = 0
    # URL arguments, one at a time.
    for nome in nomi:
        for i, valore in enumerate(carichi(rotta.name, nome)):
            url = url_di(rotta, {**base, nome: in_url(valore)})
            ruoli = ruoli_per(i, rotta.name, nome)
            for metodo in rotta.methods or (("GET", "POST") if scrive else ("GET",)):
                scansione.chiedi(metodo, url, ruoli=ruoli)
            provati += len(ruoli)
    if rotta.operation is not None:
        # API: the declared query parameters, one at a time, the required ones kept valid.
        query = [p for p in parametri_api if p.get("in") == "query"]
        validi = {p["name"]: _valido(p) for p in query if p.get("required")}
        for metodo in rotta.methods:
            for p in query:
                for i, valore in enumerate(carichi(rotta.name, p["name"])):
                    ruoli = ruoli_per(i, rotta.name, p["name"])
                    scansione.chiedi(metodo, url_base + "?" + _query({**validi, p["name"]: valore}), ruoli=ruoli)
                    provati += len(ruoli)
        return provati
    moduli = _moduli_della_pagina(scansione, url_base)
    # Pages: every query parameter at once with the same value (a view reads those it knows).
    nomi_query = sorted(set(PARAMETRI_COMUNI) | moduli.get)
    for i, valore in enumerate(carichi(rotta.name, "?")):
        ruoli = ruoli_per(i, rotta.name, "?")
        scansione.chiedi("GET", url_base + "?" + _query(dict.fromkeys(nomi_query, valore)), ruoli=ruoli)
        provati += len(ruoli)
    # And each field of the page's own GET forms alone (another field's error could hide it).
    for nome in sorted(moduli.get):
        for i, valore in enumerate(carichi(rotta.name, nome)):
            ruoli = ruoli_per(i + DA_TUTTI, rotta.name, nome)  # one role each: the page is read-only
            scansione.chiedi("GET", url_base + "?" + _query({nome: valore}), ruoli=ruoli)
            provati += len(ruoli)
    if moduli.post and scrive:
        for i, valore in enumerate(carichi(rotta.name, "POST")):
            if valore == "\udcff":
                continue  # a form body is decoded by Django before the view
            ruoli = ruoli_per(i, rotta.name, "POST")
            scansione.chiedi("POST", url_base, dict.fromkeys(sorted(moduli.post), valore), ruoli=ruoli)
            provati += len(ruoli)
    return provati


def _query(parametri):
    return "&".join(f"{quote(k, safe='')}={in_url(v)}" for k, v in parametri.items())


ROTTE = [r for r in rotte() if not r.esente]


@pytest.fixture(scope="module")
def riepilogo(pytestconfig):
    totale = {"rotte": 0, "richieste": 0, "carichi": 0, "guasti": 0, "secondi": 0.0, "max": 0.0}
    yield totale
    if totale["rotte"]:
        # Past pytest's capture: the figures belong in the CI log.
        cattura = pytestconfig.pluginmanager.getplugin("capturemanager")
        with cattura.global_and_fixture_disabled():
            print(
                f"\nvalori estremi: {totale['rotte']} routes x {len(RUOLI)} roles; {totale['carichi']} (route, "
                f"parameter, value, role) tried in {totale['richieste']} requests, {totale['secondi']:.1f} s, "
                f"slowest {totale['max']:.2f} s of CPU; "
                f"{totale['guasti']} server errors or answers over {LENTO:.0f} s",
                flush=True,
            )


@pytest.mark.django_db
@pytest.mark.parametrize("rotta", ROTTE, ids=[f"{r.name} {'/'.join(r.methods or ())}".strip() for r in ROTTE])
def test_extreme_values_never_break_a_route(demo_db, riepilogo, rotta):
    parametri_api = []
    if rotta.operation is not None:
        operazioni = _schema_api().get(_percorso_openapi(rotta), {})
        for metodo in rotta.methods:
            parametri_api += operazioni.get(metodo.lower(), {}).get("parameters", [])
    scansione = Scansione()
    if not riepilogo["rotte"]:
        # The first request of the process loads the URL configuration, the API, the
        # templates: not an answer to time.
        scansione.client["superutente"].get("/")
        scansione.client["anonimo"].get("/api/openapi.json")
    inizio = time.perf_counter()
    provati = _scandisci(scansione, rotta, parametri_api)
    riepilogo["rotte"] += 1
    riepilogo["richieste"] += scansione.richieste
    riepilogo["carichi"] += provati
    riepilogo["guasti"] += len(scansione.guasti)
    riepilogo["secondi"] += time.perf_counter() - inizio
    riepilogo["max"] = max([riepilogo["max"], *scansione.tempi])
    assert not scansione.guasti, f"{rotta.name}: {len(scansione.guasti)} of {scansione.richieste}:\n  " + "\n  ".join(
        scansione.guasti[:40]
    )


def test_the_scan_reaches_pages_forms_and_api_parameters():
    """The walk finds what it claims to: the API's query parameters and the pages' forms."""
    percorsi = _schema_api()
    riparto = {p["name"] for p in percorsi["/api/riparto"]["get"]["parameters"]}
    assert {"importo", "anno"} <= riparto
    assert any(r.operation is not None for r in ROTTE) and any(r.operation is None for r in ROTTE)
    assert "1E+500000" in carichi("x", "y") and len(carichi("x", "y")) == len(SEMPRE) + DALLA_RISERVA
    assert carichi("a", "b") == carichi("a", "b")
    assert urlencode({"a": "\x00"}) == "a=%00"
