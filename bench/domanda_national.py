"""Social demand at national scale (issue 13): CSI extracts of millions of rows.

Run it through `bash bench/run_domanda_national.sh [--righe 5000000 --persone 2000000]`, which
starts a throwaway PostgreSQL, migrates it, loads the reference data and calls this script.
Steps:
  a. registry: every Comune of the ISTAT list in ~600 synthetic Ambiti (bench/kb_national.py);
  b. extract: `--righe` intervention rows of `--persone` people (SYNTHETIC, seeded: valid
     codici fiscali of nobody), resident in every Comune, one extract file (CSV, the users'
     layout) per Ambito, whose first Comune is the erogatore; one person in twenty moves to
     another Comune of the Ambito during the year (a row in each);
  c. baseline: the same files COPYed (psycopg 3, FORMAT csv) into a bare table with one text
     column per column of the file, in the same run;
  d. load: every file through domanda.importa.importa_estratto (the users' code path: on
     PostgreSQL domanda.importa_pg's quick path, pyarrow reading the file in blocks into a
     binary COPY), without bringing the year into the knowledge base (timed apart in f);
  e. aggregates: domanda.selectors.aggregati_livelli, every level (Comune, Ambito, Distretto,
     ASST, ATS) of the year in one statement, exact distinct counts, three times (median); with
     `--passi ...,livelli` also selectors.aggregati level by level;
  f. with --oscuramento: the year's publication (domanda.oscuramento.pubblicazione: every level
     suppressed together) and its knowledge-base load, once.
Targets: load >= 25 % of the rows per second of the COPY; aggregates of every level < 15 s.
Besides wall time, each step prints the CPU seconds of this process and of its PostgreSQL
backend (read from /proc: the server runs on this machine), which say more than wall time on
a shared machine.
"""

import argparse
import json
import os
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kb_national as kb  # noqa: E402  (sets Django up)
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402

from domanda import selectors, services  # noqa: E402
from domanda.codice_fiscale import componi  # noqa: E402
from domanda.importa import COLONNE, importa_estratto  # noqa: E402
from domanda.models import Episodio  # noqa: E402
from domanda.oscuramento import pubblicazione  # noqa: E402
from territorio.models import AppartenenzaComune  # noqa: E402

ANNO = 2024
# (area, [(intervention, euro per unit)]): a few of the synthetic demo's profiles.
PROFILI = [
    ("anziani", [("D1", "21.00"), ("E2", "9.00"), ("H1", "30.00")]),
    ("famiglia_minori", [("C2", "24.00"), ("C1", "20.00")]),
    ("disabili", [("C1", "20.00"), ("H1", "45.00")]),
    ("poverta_disagio_adulti", [("G5", "1.00"), ("G4", "1.00")]),
    ("immigrati_nomadi", [("C4", "28.00")]),
    ("dipendenze", [("B1", "600.00")]),
    ("multiutenza", [("A1", "0")]),
]
LETTERE = string.ascii_uppercase


def say(*args):
    print(*args, flush=True)


def _stat(pid):
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu():
    """(CPU seconds of this process, of the whole PostgreSQL server). The server's: the
    postmaster with its exited children (parallel workers, which a backend's own time leaves
    out) and every live child, read from /proc (the server runs on this machine, for this
    bench alone)."""
    with connection.cursor() as c:
        c.execute("SELECT pg_backend_pid()")
        pid = c.fetchone()[0]
    postmaster = int(_stat(pid)[1])
    campi = _stat(postmaster)
    tick = sum(int(x) for x in campi[11:15])
    for voce in Path("/proc").iterdir():
        if voce.name.isdigit():
            try:
                figlio = _stat(voce.name)
            except OSError:
                continue  # ended meanwhile
            if int(figlio[1]) == postmaster:
                tick += int(figlio[11]) + int(figlio[12])
    return time.process_time(), tick / os.sysconf("SC_CLK_TCK")


def cpu_da(prima):
    dopo = cpu()
    return f"CPU: Python {dopo[0] - prima[0]:.1f} s, PostgreSQL {dopo[1] - prima[1]:.1f} s"


def _lettere(i):
    """Six letters, a different sequence for every i < 26**6: no two people share a code."""
    out = []
    for _ in range(6):
        i, r = divmod(i, 26)
        out.append(LETTERE[r])
    return "".join(out)


def genera(righe, persone, cartella):
    """One CSV per Ambito (erogatore: its first Comune); returns [(path, erogatore, rows)]."""
    ambiti = {}
    for comune, ambito in AppartenenzaComune.objects.order_by("comune_id").values_list("comune_id", "ambito_id"):
        ambiti.setdefault(ambito, []).append(comune)
    comuni = [(a, c) for a, cc in sorted(ambiti.items()) for c in cc]
    per_ambito = {a: [] for a in ambiti}
    per_persona = righe / persone
    fatte = 0
    for p in range(persone):
        ambito, comune = comuni[(p * 7919) % len(comuni)]
        sesso = "F" if p % 2 else "M"
        aa, mese, giorno = (p * 37) % 100, 1 + p % 12, 1 + p % 28
        cf = componi(_lettere(p), aa, mese, giorno, sesso, f"Z{100 + p % 300}")
        area, interventi = PROFILI[p % len(PROFILI)]
        n = int((p + 1) * per_persona) - int(p * per_persona)  # exactly `righe` in all
        altro = ambiti[ambito][(p // 20) % len(ambiti[ambito])] if p % 20 == 0 else comune
        for j in range(n):
            codice, euro = interventi[j % len(interventi)]
            residenza = altro if j % 2 else comune
            inizio = f"{ANNO}-{1 + (p + j) % 12:02d}-{1 + (p * 3 + j) % 28:02d}"
            fine = "" if (p + j) % 3 else f"{ANNO}-12-31"
            quantita = 1 + (p + j) % 40
            spesa = f"{quantita * float(euro):.2f}"
            per_ambito[ambito].append(
                f"{ambiti[ambito][0]},{cf},{residenza},,,{area},{codice},{inizio},{fine},{quantita},{spesa},0\n"
            )
        fatte += n
    file = []
    for ambito, righe_ambito in sorted(per_ambito.items()):
        if not righe_ambito:
            continue
        percorso = Path(cartella) / f"estratto-{ambito}.csv"
        percorso.write_text(",".join(COLONNE) + "\n" + "".join(righe_ambito), encoding="utf-8")
        file.append((percorso, ambiti[ambito][0], len(righe_ambito)))
    return file, fatte


def copia(file):
    """Seconds to COPY every file into a bare table of text columns (the baseline)."""
    colonne = ", ".join(f"{c} text" for c in COLONNE)
    with connection.cursor() as c:
        c.execute(f"DROP TABLE IF EXISTS bench_estratto; CREATE TABLE bench_estratto ({colonne})")
    t = time.perf_counter()
    for percorso, _, _ in file:
        with (
            connection.cursor() as c,
            c.cursor.copy("COPY bench_estratto FROM STDIN WITH (FORMAT csv, HEADER true)") as cp,
        ):
            cp.write(percorso.read_bytes())
    secondi = time.perf_counter() - t
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM bench_estratto")
        n = c.fetchone()[0]
        c.execute("DROP TABLE bench_estratto")
    return secondi, n


def carica(file):
    t = time.perf_counter()
    for percorso, erogatore, _ in file:
        importa_estratto(percorso.read_bytes(), percorso.name, periodo=ANNO, erogatore=erogatore, pubblica=False)
    secondi = time.perf_counter() - t
    with connection.cursor() as c:
        c.execute("ANALYZE domanda_episodio")
    return secondi


def aggregati_insieme(ripeti):
    """Seconds (median) of selectors.aggregati_livelli: every level in one statement."""
    prove = []
    for _ in range(ripeti):
        t = time.perf_counter()
        n = sum(len(v) for v in selectors.aggregati_livelli(ANNO).values())
        prove.append(time.perf_counter() - t)
    secondi = statistics.median(prove)
    elenco = ", ".join(f"{p:.1f}" for p in prove)
    say(f"   aggregati_livelli (ogni livello, un'istruzione) {secondi:6.2f} s  ({n:,} celle, mediana di {elenco} s)")
    return secondi


def aggregati(ripeti):
    tempi = {}
    for livello in selectors.LIVELLI:
        prove = []
        for _ in range(ripeti):
            t = time.perf_counter()
            n = len(selectors.aggregati(livello, ANNO))
            prove.append(time.perf_counter() - t)
        tempi[livello] = (statistics.median(prove), n)
        say(f"   aggregati {livello:<9} {tempi[livello][0]:6.2f} s  ({n:,} celle, mediana di {ripeti})")
    return tempi


def prepara(args, cartella):
    """The registry and the files: in `cartella` (kept, with a manifest) when given, and then
    read from there on the next runs instead of being made again."""
    manifesto = cartella / "manifesto.json" if cartella else None
    if manifesto is not None and manifesto.exists():
        dati = json.loads(manifesto.read_text())
        if (dati["righe"], dati["persone"]) == (args.righe, args.persone):
            file = [(cartella / nome, erogatore, n) for nome, erogatore, n in dati["file"]]
            say(f"a-b. anagrafe ed estratti già pronti in {cartella} ({len(file)} file, {dati['righe']:,} righe)")
            return file, dati["righe"]
        raise SystemExit(f"{cartella} ha {dati['righe']:,} righe di {dati['persone']:,} persone: un'altra cartella")
    t = time.perf_counter()
    conteggi, _, _ = kb.carica_registro()
    say(f"a. anagrafe: {', '.join(f'{v:,} {k}' for k, v in conteggi.items())} ({time.perf_counter() - t:.0f} s)")
    t = time.perf_counter()
    cartella.mkdir(parents=True, exist_ok=True)
    file, n = genera(args.righe, args.persone, cartella)
    mb = sum(p.stat().st_size for p, _, _ in file) / 1e6
    say(f"b. estratti: {len(file)} file, {n:,} righe, {mb:,.0f} MB ({time.perf_counter() - t:.0f} s)")
    if manifesto is not None:
        elenco = [(p.name, erogatore, k) for p, erogatore, k in file]
        manifesto.write_text(json.dumps({"righe": n, "persone": args.persone, "file": elenco}))
    return file, n


def svuota():
    """The extracts of a previous run out (a kept frame): the import starts from nothing."""
    with connection.cursor() as c:
        c.execute("TRUNCATE domanda_episodio, domanda_caricamentoestratto CASCADE")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--righe", type=int, default=5_000_000)
    parser.add_argument("--persone", type=int, default=2_000_000)
    parser.add_argument("--oscuramento", action="store_true")
    parser.add_argument("--ripeti", type=int, default=3, help="runs of the aggregates of each level (median)")
    parser.add_argument("--cartella", help="where to keep the files between runs (run_domanda_national.sh --tieni)")
    parser.add_argument("--prepara", action="store_true", help="only the registry and the files")
    parser.add_argument(
        "--passi", default="copy,import,aggregati", help="steps: copy, import, aggregati, livelli (each level apart)"
    )
    args = parser.parse_args()
    passi = set(args.passi.split(","))
    say(f"== domanda, scala nazionale: {args.righe:,} righe di {args.persone:,} persone, anno {ANNO}")
    with tempfile.TemporaryDirectory() as temporanea:
        file, n = prepara(args, Path(args.cartella) if args.cartella else Path(temporanea))
        if args.prepara:
            return 0
        say(f"   carico della macchina: {os.getloadavg()[0]:.1f}")
        t_copy = t_load = n_load = None
        if "copy" in passi:
            c0 = cpu()
            t_copy, n_copy = copia(file)
            say(f"c. COPY semplice: {n_copy:,} righe in {t_copy:.1f} s ({kb.fmt_rate(n_copy, t_copy)}); {cpu_da(c0)}")
        if "import" in passi:
            svuota()
            c0 = cpu()
            t_load = carica(file)
            n_load = Episodio.objects.count()
            say(f"d. import_domanda: {n_load:,} righe in {t_load:.1f} s ({kb.fmt_rate(n_load, t_load)}); {cpu_da(c0)}")
            say(f"   carico della macchina: {os.getloadavg()[0]:.1f}")
    rapporto = t_copy / t_load * 100 if t_copy and t_load else None
    if rapporto is not None:
        say(f"   rapporto: {rapporto:.1f} % della velocità del COPY (obiettivo >= 25 %)")
    totale = None
    if "aggregati" in passi:
        say("e. aggregati di ogni livello dell'anno:")
        c0 = cpu()
        totale = aggregati_insieme(args.ripeti)
        say(f"   {cpu_da(c0)} (in {args.ripeti} prove); carico della macchina: {os.getloadavg()[0]:.1f}")
        say(f"   totale: {totale:.1f} s (obiettivo < 15 s)")
    if "livelli" in passi:
        say("e'. aggregati livello per livello (selectors.aggregati):")
        c0 = cpu()
        tempi = aggregati(args.ripeti)
        say(f"   {cpu_da(c0)} (in {args.ripeti} prove per livello); carico della macchina: {os.getloadavg()[0]:.1f}")
        say(f"   somma: {sum(s for s, _ in tempi.values()):.1f} s")
    if args.oscuramento:
        cache.clear()
        t = time.perf_counter()
        pub = pubblicazione(ANNO)
        say(
            f"f. pubblicazione oscurata: {time.perf_counter() - t:.1f} s "
            f"({len(pub.esito.primari):,} primarie, {len(pub.esito.secondari):,} secondarie)"
        )
        t = time.perf_counter()
        services.pubblica_in_conoscenza(ANNO)
        say(f"   nella base di conoscenza: {time.perf_counter() - t:.1f} s")

    def cifra(v, fmt):
        return fmt.format(v) if v is not None else "-"

    say(
        f"RIEPILOGO | {n:,} righe, {args.persone:,} persone | COPY {cifra(t_copy, '{:.1f} s')} | "
        f"import {cifra(t_load, '{:.1f} s')} | {cifra(rapporto, '{:.1f} %')} | aggregati {cifra(totale, '{:.1f} s')}"
    )
    esito = (rapporto is None or rapporto >= 25) and (totale is None or totale < 15)
    return 0 if esito else 1


if __name__ == "__main__":
    sys.exit(main())
