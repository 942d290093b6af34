"""Load of people browsing Zona: every kind of public page, the API, and (mode `dos`) five
attackers sending the denial-of-service requests of issue 17 meanwhile.

Run by bench/run_load.sh (against 127.0.0.1 only). Visitors are anonymous, as the public and
the Comuni mostly are; requests carry X-Forwarded-Proto as the reverse proxy in front of
gunicorn would, so the production settings serve them without redirect.

Page kinds: every public page of the URL configuration and every public API read, with the
ids and codes of the demo. Left out on purpose: the PDF/DOCX documents (seconds of CPU each,
measured by bench/documenti.py), pages behind a login (forms, the audit log) and writes.

At the end the visitors' own latencies (not the attackers') go to the JSON file named by the
environment variable ZONA_LOAD_RIEPILOGO: requests, failures, p50/p95/p99 and the slowest
pages; run_load.sh reads it for its verdict.
"""

import io
import itertools
import json
import os
import random
import re
import time

import requests
from locust import HttpUser, between, events, task
from visite import PROXY, scegli_ambiti

AMBITI = []
COMUNI = ["016128", "016024", "016091", "016189", "016244"]  # Lovere, Bergamo, Dalmine, Seriate, Zogno
PIANI = []
OBIETTIVI = []
# (name, milliseconds, failed) of every visitor request; the attackers' are kept apart.
VISITE = []
ATTACCHI = []


@events.test_start.add_listener
def elenchi(environment, **kwargs):
    """The codes and ids to visit, read once before the users start (not measured)."""
    _leggi_elenchi(environment.host)


def _leggi_elenchi(base):
    if AMBITI:
        return
    AMBITI.extend(scegli_ambiti(base))
    PIANI.extend(p["id"] for p in requests.get(f"{base}/api/piani", headers=PROXY, timeout=60).json())
    for p in PIANI:
        OBIETTIVI.extend(
            o["id"] for o in requests.get(f"{base}/api/piani/{p}/obiettivi", headers=PROXY, timeout=60).json()
        )


@events.request.add_listener
def registra(request_type, name, response_time, exception, response=None, **kwargs):
    if name.startswith("DoS"):
        ATTACCHI.append((name, response_time, getattr(response, "status_code", None)))
    else:
        VISITE.append((name, response_time, exception is not None))


def _percentile(valori, p):
    if not valori:
        return 0.0
    ordinati = sorted(valori)
    return ordinati[min(len(ordinati) - 1, int(round(p / 100 * (len(ordinati) - 1))))]


@events.test_stop.add_listener
def riepilogo(environment, **kwargs):
    tempi = [t for _, t, _ in VISITE]
    per_pagina = {}
    for nome, t, _ in VISITE:
        per_pagina.setdefault(nome, []).append(t)
    dati = {
        "visitatori": {
            "richieste": len(VISITE),
            "errori": sum(1 for *_, errore in VISITE if errore),
            "p50": _percentile(tempi, 50),
            "p95": _percentile(tempi, 95),
            "p99": _percentile(tempi, 99),
            "pagine": {
                nome: {"n": len(v), "p95": _percentile(v, 95), "max": max(v)} for nome, v in sorted(per_pagina.items())
            },
        },
        "attacchi": {
            nome: {
                "n": len(v),
                "mediana": _percentile(v, 50),
                "max": max(v),
                "stati": sorted({str(stato) for n, _, stato in ATTACCHI if n == nome}),
            }
            for nome, v in _per_nome(ATTACCHI).items()
        },
    }
    percorso = os.environ.get("ZONA_LOAD_RIEPILOGO")
    if percorso:
        with open(percorso, "w") as f:
            json.dump(dati, f, indent=1)


def _per_nome(righe):
    gruppi = {}
    for nome, t, _ in righe:
        gruppi.setdefault(nome, []).append(t)
    return gruppi


class Visitatore(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.headers.update(PROXY)

    def _get(self, url, nome):
        self.client.get(url, name=nome)

    @task(3)
    def profilo_ambito(self):
        self._get(f"/ambiti/{random.choice(AMBITI)}/quadro-conoscitivo/", "/ambiti/[codice]/quadro-conoscitivo/")

    @task(2)
    def ambito(self):
        self._get(f"/ambiti/{random.choice(AMBITI)}/", "/ambiti/[codice]/")

    @task(1)
    def comune(self):
        self._get(f"/comuni/{random.choice(COMUNI)}/", "/comuni/[codice]/")

    @task(1)
    def cerca(self):
        self._get(f"/cerca/?q={random.choice(['urgnano', 'Lovere', 'val', 'sebino', 'Clusone'])}", "/cerca/")

    @task(2)
    def piano(self):
        self._get(f"/piani/{random.choice(PIANI)}/", "/piani/[id]/")

    @task(1)
    def piani(self):
        self._get("/piani/", "/piani/")

    @task(1)
    def sinottica(self):
        self._get(f"/piani/{random.choice(PIANI)}/sinottica/", "/piani/[id]/sinottica/")

    @task(1)
    def monitoraggio(self):
        self._get(f"/piani/{random.choice(PIANI)}/monitoraggio/", "/piani/[id]/monitoraggio/")

    @task(2)
    def obiettivo(self):
        self._get(f"/obiettivi/{random.choice(OBIETTIVI)}/", "/obiettivi/[id]/")

    @task(1)
    def monitoraggio_obiettivo(self):
        self._get(f"/obiettivi/{random.choice(OBIETTIVI)}/monitoraggio/", "/obiettivi/[id]/monitoraggio/")

    @task(1)
    def provincia(self):
        self._get("/", "/")

    @task(1)
    def quadro_provinciale(self):
        self._get("/quadro-conoscitivo/", "/quadro-conoscitivo/")

    @task(1)
    def gruppi(self):
        self._get("/quadro-conoscitivo/gruppi/", "/quadro-conoscitivo/gruppi/")

    @task(1)
    def caricamenti(self):
        self._get("/dati/caricamenti/", "/dati/caricamenti/")

    @task(1)
    def confronto(self):
        self._get("/piani/confronto/", "/piani/confronto/")

    @task(1)
    def prologo(self):
        self._get("/prologo/", "/prologo/")

    @task(1)
    def riparto(self):
        self._get(f"/riparto/?importo={random.randint(1000, 500000)}.00&anno=2023", "/riparto/?importo")

    @task(1)
    def sovrazonali(self):
        self._get("/sovrazonali/", "/sovrazonali/")

    @task(1)
    def monitoraggio_provincia(self):
        self._get("/monitoraggio/", "/monitoraggio/")

    @task(1)
    def calendario(self):
        self._get("/monitoraggio/calendario/", "/monitoraggio/calendario/")

    @task(1)
    def accedi(self):
        self._get("/account/accedi/", "/account/accedi/")

    @task(1)
    def esporta(self):
        formato = random.choice(["csv", "xlsx"])
        self._get(f"/export/?data=2025-01-01&formato={formato}", "/export/")

    @task(1)
    def esporta_obiettivi(self):
        self._get(f"/piani/{random.choice(PIANI)}/obiettivi.xlsx", "/piani/[id]/obiettivi.xlsx")

    @task(1)
    def modello(self):
        self._get("/dati/modello.csv", "/dati/modello.csv")

    @task(1)
    def salute(self):
        self._get("/salute/", "/salute/")

    # The pages of the apps added since (demand, offer and LEPS, co-programming, funds, open
    # data, sources, trienni): every public page kind, once each in the mix.
    @task(1)
    def domanda_ambito(self):
        self._get(f"/ambiti/{random.choice(AMBITI)}/domanda/", "/ambiti/[codice]/domanda/")

    @task(1)
    def domanda(self):
        self._get("/domanda/", "/domanda/")

    @task(1)
    def offerta(self):
        self._get("/offerta/", "/offerta/")

    @task(1)
    def leps(self):
        self._get("/leps/", "/leps/")

    @task(1)
    def leps_ambito(self):
        self._get(f"/ambiti/{random.choice(AMBITI)}/leps/", "/ambiti/[codice]/leps/")

    @task(1)
    def servizi(self):
        self._get("/servizi/", "/servizi/")

    @task(1)
    def organizzazioni(self):
        self._get("/organizzazioni/", "/organizzazioni/")

    @task(1)
    def calendario_coprogrammazione(self):
        self._get("/coprogrammazione/calendario/", "/coprogrammazione/calendario/")

    @task(1)
    def assemblea(self):
        self._get(f"/ambiti/{random.choice(AMBITI)}/assemblea/", "/ambiti/[codice]/assemblea/")

    @task(1)
    def coprogrammazione_piano(self):
        self._get(f"/piani/{random.choice(PIANI)}/coprogrammazione/", "/piani/[id]/coprogrammazione/")

    @task(1)
    def fondi(self):
        self._get("/fondi/", "/fondi/")

    @task(1)
    def fondi_ambito(self):
        self._get(f"/ambiti/{random.choice(AMBITI)}/fondi/", "/ambiti/[codice]/fondi/")

    @task(1)
    def pnrr(self):
        self._get(f"/ambiti/{random.choice(AMBITI)}/pnrr/", "/ambiti/[codice]/pnrr/")

    @task(1)
    def fondi_riparto(self):
        self._get(
            f"/ambiti/{random.choice(AMBITI)}/fondi/riparto-comuni/?importo={random.randint(1000, 500000)}.00"
            f"&criterio={random.choice(['popolazione', 'formula'])}&quota_uguale=20&anno=2023",
            "/ambiti/[codice]/fondi/riparto-comuni/",
        )

    @task(1)
    def fondi_scenari(self):
        """The what-if over every Ambito and Comune: users with a role only, so it is visited as
        the Comune user run_load.sh creates (skipped when there is none)."""
        sessione = _sessione_fondi(self.host)
        if sessione:
            self.client.get(
                f"/fondi/scenari/?importo={random.randint(100, 400) * 1000}.00&anno=2023"
                f"&criterio_comuni={random.choice(['popolazione', 'formula'])}&quota_uguale=20",
                name="/fondi/scenari/ (con accesso)",
                headers={"Cookie": f"sessionid={sessione}"},
            )

    @task(1)
    def dati_aperti(self):
        self._get("/dati-aperti/", "/dati-aperti/")

    @task(1)
    def catalogo(self):
        self._get("/dati-aperti/catalogo.jsonld", "/dati-aperti/catalogo.jsonld")

    @task(1)
    def fonti(self):
        self._get("/quadro-conoscitivo/fonti/", "/quadro-conoscitivo/fonti/")

    @task(1)
    def trienni(self):
        self._get(f"/piani/{random.choice(PIANI)}/trienni/", "/piani/[id]/trienni/")

    @task(2)
    def api_piano(self):
        self._get(f"/api/piani/{random.choice(PIANI)}/obiettivi", "/api/piani/[id]/obiettivi")

    @task(1)
    def api_piani(self):
        self._get(f"/api/piani/{random.choice(PIANI)}", "/api/piani/[id]")

    @task(1)
    def api_attuazione(self):
        self._get(f"/api/piani/{random.choice(PIANI)}/attuazione", "/api/piani/[id]/attuazione")

    @task(1)
    def api_obiettivo(self):
        obiettivo = random.choice(OBIETTIVI)
        self._get(f"/api/obiettivi/{obiettivo}", "/api/obiettivi/[id]")
        self._get(f"/api/obiettivi/{obiettivo}/misurazioni", "/api/obiettivi/[id]/misurazioni")

    @task(2)
    def api_indicatori(self):
        self._get(
            f"/api/indicatori/valori?livello=ambito&territorio={random.choice(AMBITI)}&anno=2023",
            "/api/indicatori/valori",
        )

    @task(1)
    def api_registro(self):
        self._get(random.choice(["/api/ambiti", "/api/distretti", "/api/misure", "/api/indicatori"]), "/api/[elenco]")
        self._get(f"/api/ambiti/{random.choice(AMBITI)}", "/api/ambiti/[codice]")
        self._get(f"/api/comuni/{random.choice(COMUNI)}", "/api/comuni/[codice]")

    @task(1)
    def api_riparto(self):
        self._get(f"/api/riparto?importo={random.randint(1000, 500000)}.00&anno=2023", "/api/riparto")

    @task(1)
    def api_schema(self):
        self._get("/api/openapi.json", "/api/openapi.json")


_SESSIONE_FONDI = []


def _sessione_fondi(base):
    """The session id of ZONA_LOAD_UTENTE, logged in once (not measured); "" without the user."""
    if not _SESSIONE_FONDI:
        sessione = ""
        if PASSWORD_ATTACCANTE:
            s = requests.Session()
            r = s.get(f"{base}/account/accedi/", headers=PROXY, timeout=60)
            token = _cookie(r, "csrftoken")
            host = base.split("://", 1)[1]
            r = s.post(
                f"{base}/account/accedi/",
                data={"username": UTENTE_ATTACCANTE, "password": PASSWORD_ATTACCANTE},
                headers={**PROXY, "Cookie": f"csrftoken={token}", "Referer": f"https://{host}/", "X-CSRFToken": token},
                allow_redirects=False,
                timeout=60,
            )
            sessione = _cookie(r, "sessionid")
        _SESSIONE_FONDI.append(sessione)
    return _SESSIONE_FONDI[0]


# --- the attackers of mode `dos` -----------------------------------------------------------


def _csv(righe):
    testo = io.StringIO()
    testo.write("livello,codice_territorio,anno,misura,eta_da,eta_a,sesso,categoria,valore\n")
    for riga in righe:
        testo.write(riga + "\n")
    return testo.getvalue().encode()


def _righe_distinte(n):
    """`n` valid rows of one Comune, all different (year x category x age x sex): ~41 bytes each,
    4.9 MB for 120,000 as in issue 17."""
    righe = (
        f"comune,016128,{anno},utenti,{eta},{eta},{sesso},c{categoria},{(anno + eta) % 1000}"
        for anno in range(2000, 2030)
        for categoria in range(20)
        for eta in range(101)
        for sesso in "MF"
    )
    return list(itertools.islice(righe, n))


# Upload payloads of issue 17, point 2. Each ends with an invalid row, so that the importer
# reads and checks the whole file and then stores nothing: the data (and the pages' cache)
# do not change under the visitors.
FINE_NON_VALIDA = "comune,016128,2023,misura-che-non-esiste,,,,,1"
CARICAMENTI = {
    "DoS carica: 8.000 categorie": _csv([f"comune,016128,2023,utenti,,,,categoria {i:05d},{i}" for i in range(8000)])
    + (FINE_NON_VALIDA + "\n").encode(),
    "DoS carica: CSV 120.000 righe": _csv(_righe_distinte(120_000)) + (FINE_NON_VALIDA + "\n").encode(),
    "DoS carica: eta 1E+400000": _csv(["comune,016128,2023,utenti,1E+400000,1E+400000,M,x,1"] * 20),
}
GET_OSTILI = {
    "DoS /api/riparto?importo=1E+500000": "/api/riparto?importo=1E%2B500000&anno=2023",
    "DoS /riparto/?importo=1E+500000": "/riparto/?importo=1E%2B500000&anno=2023",
}
TIPI_ATTACCO = sorted(CARICAMENTI) + sorted(GET_OSTILI)
_PROSSIMO = itertools.count()
UTENTE_ATTACCANTE = os.environ.get("ZONA_LOAD_UTENTE", "bench.comune")
PASSWORD_ATTACCANTE = os.environ.get("ZONA_LOAD_PASSWORD", "")


def _cookie(risposta, nome):
    valore = risposta.cookies.get(nome)
    if valore is None:
        m = re.search(rf"{nome}=([^;]+)", risposta.headers.get("Set-Cookie", ""))
        valore = m.group(1) if m else ""
    return valore


class Attaccante(HttpUser):
    """One of five: each sends one kind of denial-of-service request again and again (the two
    GETs anonymously, the three uploads as a logged-in Comune). Their answers (422, errors,
    timeouts) are not the visitors' failures; what is measured is what they do to the others.

    The production settings mark the cookies Secure and the benchmark talks plain HTTP behind
    X-Forwarded-Proto, so the session and CSRF cookies are sent by hand."""

    fixed_count = 5
    wait_time = between(2, 5)

    def on_start(self):
        self.tipo = TIPI_ATTACCO[next(_PROSSIMO) % len(TIPI_ATTACCO)]
        self.client.headers.update(PROXY)
        self.biscotti = {}
        if self.tipo in CARICAMENTI:
            self._accedi()

    def _intestazioni(self):
        host = self.host.split("://", 1)[1]
        return {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.biscotti.items() if v),
            "Referer": f"https://{host}/",
            "X-CSRFToken": self.biscotti.get("csrftoken", ""),
        }

    def _accedi(self):
        r = self.client.get("/account/accedi/", name="DoS (accesso)")
        self.biscotti["csrftoken"] = _cookie(r, "csrftoken")
        r = self.client.post(
            "/account/accedi/",
            data={"username": UTENTE_ATTACCANTE, "password": PASSWORD_ATTACCANTE},
            headers=self._intestazioni(),
            allow_redirects=False,
            name="DoS (accesso)",
        )
        self.biscotti["sessionid"] = _cookie(r, "sessionid")
        self.biscotti["csrftoken"] = _cookie(r, "csrftoken") or self.biscotti["csrftoken"]

    @task
    def attacca(self):
        with self.client.request(
            "POST" if self.tipo in CARICAMENTI else "GET",
            GET_OSTILI.get(self.tipo, "/dati/carica/"),
            name=self.tipo,
            headers=self._intestazioni() if self.tipo in CARICAMENTI else None,
            data={"formato": "zona", "fonte": "prova di carico"} if self.tipo in CARICAMENTI else None,
            files={"file": ("ostile.csv", CARICAMENTI[self.tipo], "text/csv")} if self.tipo in CARICAMENTI else None,
            allow_redirects=False,
            timeout=180,
            catch_response=True,
        ) as risposta:
            risposta.success()  # whatever the answer: the attack is the load, not the result


class _Cliente:
    """What a task uses of locust's client, with plain requests: for the warm-up below."""

    def __init__(self, base):
        self.base = base
        self.tempi = []

    def get(self, url, name=None, headers=None):
        inizio = time.perf_counter()
        r = requests.get(self.base + url, headers={**PROXY, **(headers or {})}, timeout=300)
        self.tempi.append((name or url, 1000 * (time.perf_counter() - inizio), r.status_code))
        return r


def una_visita_per_tipo(base):
    """Every page kind of the visitors' mix once, in order, before the measurement (run by
    bench/run_load.sh after bench/visite.py): what the first visitors after a change of the
    data pay, printed page by page, and then the steady state that locust measures."""
    _leggi_elenchi(base)
    random.seed(0)
    utente = Visitatore.__new__(Visitatore)
    utente.client = _Cliente(base)
    utente.host = base
    for compito in dict.fromkeys(Visitatore.tasks):  # the weights repeat a task: once each
        compito(utente)
    tempi = sorted(utente.client.tempi, key=lambda t: -t[1])
    print(
        f"primo accesso di ogni tipo di pagina: {len(tempi)} richieste in {sum(t[1] for t in tempi) / 1000:.1f} s;"
        " le più lente:",
        flush=True,
    )
    for nome, ms, stato in tempi[:8]:
        print(f"  {nome:50s} {ms:7.0f} ms  ({stato})", flush=True)
    errori = [t for t in tempi if t[2] >= 500]
    if errori:
        raise SystemExit(f"errori nel riscaldamento: {errori}")
