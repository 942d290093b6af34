"""Uploads that used to tie up a worker (issue 17), timed through the service the page uses.

Run it through `bash bench/run_caricamenti.sh`, which starts a throwaway PostgreSQL, migrates it
and calls this script. Directly (on a fresh, migrated database named by DATABASE_URL):

    DJANGO_SETTINGS_MODULE=zona.settings .venv/bin/python bench/caricamenti.py

Registry: every Comune of the ISTAT list and the catalogue (as bench/kb_national.py). Then each
file is loaded by conoscenza.services.importa_dati, the function the upload page calls, in a
process of its own (so that its peak memory is its own), stopped after --limite seconds:

  zona-120k   a valid Zona-layout CSV of 120.000 rows, 4,9 MB (inside the 5 MB limit);
  categorie   a valid Zona-layout CSV of 8.000 rows with 8.000 distinct categories, 343 KB;
  xlsx        a 3,45 MB XLSX that passes the zip-bomb checks (random values, ~1 million rows);
  istat       ISTAT's population file for the first --comuni Comuni (ages 0-100 and 999, M and
              F), whose rate is compared with a bare COPY of the same values (psycopg 3) into a
              table with the columns of conoscenza_osservazione and no index.
"""

import argparse
import importlib.util
import io
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zona.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

CASI = ("zona-120k", "categorie", "xlsx", "istat")
INTESTAZIONE = "livello,codice_territorio,anno,misura,eta_da,eta_a,sesso,categoria,valore\n"


def kb_national():
    """bench/kb_national.py as a module (bench/ is not on the path: its documenti.py would hide
    the app of the same name)."""
    if "kb_national" not in sys.modules:
        spec = importlib.util.spec_from_file_location("kb_national", ROOT / "bench" / "kb_national.py")
        modulo = importlib.util.module_from_spec(spec)
        sys.modules["kb_national"] = modulo
        spec.loader.exec_module(modulo)
    return sys.modules["kb_national"]


def say(*args):
    print(*args, flush=True)


def codici_comuni():
    from territorio.models import Comune

    return list(Comune.objects.order_by("codice_istat").values_list("codice_istat", flat=True))


def carica_comuni():
    """Every Comune of the ISTAT list, in bulk (no audit trail: the bench needs only the
    registry the importer resolves codes against), and the catalogue."""
    from conoscenza.services import carica_catalogo
    from territorio import istat
    from territorio.models import Comune, Regione
    from zona.lib.text import normalizza

    righe = istat.comuni_istat()
    regioni = {r.codice_regione: r.regione for r in righe}
    Regione.objects.bulk_create([Regione(codice=c, nome=n) for c, n in regioni.items()], ignore_conflicts=True)
    Comune.objects.bulk_create(
        [
            Comune(
                codice_istat=r.codice_istat,
                nome=r.nome,
                nome_normalizzato=normalizza(r.nome),
                sigla_provincia=r.sigla_provincia,
                provincia=r.provincia,
                regione_id=r.codice_regione,
                codice_catastale=r.codice_catastale,
            )
            for r in righe
        ],
        ignore_conflicts=True,
    )
    carica_catalogo()
    return len(righe)


def file_120k(codici):
    """120.000 distinct rows (Comune x category) of a count: 4,9 MB."""
    rng = random.Random(1)
    righe = []
    n_cat = -(-120_000 // len(codici))
    for k in range(n_cat):
        categoria = f"SAD {k:02d}"
        for c in codici:
            if len(righe) == 120_000:
                break
            righe.append(f"comune,{c},2021,utenti,,,,{categoria},{rng.randint(0, 5000)}\n")
    return (INTESTAZIONE + "".join(righe)).encode()


def file_categorie(codici):
    rng = random.Random(2)
    righe = [f"comune,{codici[0]},2022,utenti,,,,Categoria {k:04d},{rng.randint(0, 500)}\n" for k in range(8000)]
    return (INTESTAZIONE + "".join(righe)).encode()


def file_xlsx(codici, obiettivo=3_450_000):
    """An XLSX written by hand (shared strings, one sheet) of Zona-layout rows with random
    values, grown until it is about `obiettivo` bytes; every part within the zip-bomb limits."""
    rng = random.Random(3)
    stringhe = ["livello", "codice_territorio", "anno", "misura", "eta_da", "eta_a", "sesso", "categoria", "valore"]
    stringhe += ["comune", "utenti", "SAD"]
    intest = "".join(f'<c t="s"><v>{i}</v></c>' for i in range(9))
    parti = [f"<row>{intest}</row>"]
    n = 0
    corpo = io.StringIO()
    corpo.write(parti[0])
    while True:
        for _ in range(20_000):
            n += 1
            c = rng.choice(codici)
            corpo.write(
                f'<row><c t="s"><v>9</v></c><c><v>{c}</v></c><c><v>2020</v></c><c t="s"><v>10</v></c>'
                f"<c><v>{rng.randint(0, 100)}</v></c><c/><c/>"
                f'<c t="s"><v>11</v></c><c><v>{rng.randint(0, 99999)}</v></c></row>'
            )
        contenuto = _xlsx(stringhe, corpo.getvalue())
        if len(contenuto) >= obiettivo:
            return contenuto, n


def _xlsx(stringhe, righe):
    oxml = "application/vnd.openxmlformats"
    tipi = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{oxml}-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{oxml}-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{oxml}-officedocument.spreadsheetml.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{oxml}-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    radice = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    wb = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{rel}"><sheets><sheet name="dati" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    wb_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}">' + "".join(
        f"<si><t>{s}</t></si>" for s in stringhe
    )
    sst += "</sst>"
    foglio = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}"><sheetData>{righe}</sheetData>'
    foglio += "</worksheet>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", tipi)
        z.writestr("_rels/.rels", radice)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        z.writestr("xl/sharedStrings.xml", sst)
        z.writestr("xl/worksheets/sheet1.xml", foglio)
    return buf.getvalue()


def prepara(workdir, n_comuni):
    """Registry, catalogue and the files; returns {case: (path, description)}."""
    t = time.perf_counter()
    n = carica_comuni()
    say(f"   anagrafe: {n:,} Comuni in {time.perf_counter() - t:.0f} s")
    Dati = kb_national().Dati
    codici = codici_comuni()
    file = {}
    contenuto = file_120k(codici)
    file["zona-120k"] = (workdir / "zona-120k.csv", f"CSV Zona, 120.000 righe, {len(contenuto) / 1e6:.2f} MB")
    file["zona-120k"][0].write_bytes(contenuto)
    contenuto = file_categorie(codici)
    file["categorie"] = (workdir / "categorie.csv", f"CSV Zona, 8.000 categorie, {len(contenuto) / 1e3:.0f} KB")
    file["categorie"][0].write_bytes(contenuto)
    contenuto, n = file_xlsx(codici)
    file["xlsx"] = (workdir / "grande.xlsx", f"XLSX {len(contenuto) / 1e6:.2f} MB, {n:,} righe")
    file["xlsx"][0].write_bytes(contenuto)

    dati = Dati({c: c for c in codici})
    pop = dati.popolazione(2023)
    scelti = sorted(set(pop.codice))[:n_comuni]
    pop = pop[pop.codice.isin(scelti)].reset_index(drop=True)
    contenuto = dati.file_istat(2023, pop)
    file["istat"] = (
        workdir / "istat.csv",
        f"ISTAT popolazione 2023, {len(scelti):,} Comuni, {2 * len(pop):,} valori, {len(contenuto) / 1e6:.1f} MB",
    )
    file["istat"][0].write_bytes(contenuto)
    dati.file_copy(2023, pop, workdir / "istat-copy.csv", 0)
    return file


def copia_nuda(path):
    """Rows/s of a bare COPY of the ISTAT values (no index, no constraint)."""
    copia, crea_variante = kb_national().copia, kb_national().crea_variante

    crea_variante("bench_copy", "nuda")
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE bench_copy ALTER COLUMN caricamento_id DROP NOT NULL")
    dt = copia("bench_copy", path)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM bench_copy")
        n = cur.fetchone()[0]
        cur.execute("DROP TABLE bench_copy")
    return n, dt


def un_caso(caso, path):
    """In a process of its own: load the file, print seconds, rows and peak memory."""
    from conoscenza import services

    contenuto = Path(path).read_bytes()
    nome = Path(path).name

    # Peak memory of the load: sampled, since the process's own peak is Django's start-up.
    def memoria():
        stato = Path("/proc/self/status").read_text().splitlines()
        return int(next(r for r in stato if r.startswith("VmRSS")).split()[1])

    rss0 = memoria()
    picco = [rss0]
    fine = threading.Event()

    def campiona():
        while not fine.wait(0.05):
            picco[0] = max(picco[0], memoria())

    threading.Thread(target=campiona, daemon=True).start()
    t, cpu = time.perf_counter(), time.process_time()
    try:
        c = services.importa_dati(contenuto, nome, fonte="bench")
        esito = f"caricato, {c.righe:,} righe"
        righe = c.righe
    except Exception as e:  # the bench reports refusals and failures alike
        errori = getattr(e, "errori", None)
        esito = f"rifiutato: {errori[0] if errori else type(e).__name__ + ' ' + str(e)[:200]}"
        righe = 0
    dt, cpu = time.perf_counter() - t, time.process_time() - cpu
    fine.set()
    rss = max(picco[0], memoria())
    print(f"RISULTATO\t{dt:.2f}\t{righe}\t{cpu:.1f}\t{(rss - rss0) / 1024:.0f}\t{esito}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--comuni", type=int, default=2000, help="Comuni del file ISTAT (default 2000)")
    ap.add_argument("--limite", type=int, default=150, help="secondi dopo cui un caricamento è interrotto")
    ap.add_argument("--casi", default=",".join(CASI), help="quali casi, separati da virgole")
    ap.add_argument("--workdir")
    ap.add_argument("--caso", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.caso:
        return un_caso(args.caso, args.file)

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="zona-caricamenti-"))
    say(f"== preparazione ({connection.vendor})")
    file = prepara(workdir, args.comuni)
    say("\n== caricamenti con conoscenza.services.importa_dati (un processo ciascuno)")
    say("| caso | file | esito | secondi | CPU del processo (s) | righe/s | memoria: picco oltre la partenza (MB) |")
    say("|---|---|---|---|---|---|---|")
    tassi = {}
    for caso in args.casi.split(","):
        path, descrizione = file[caso]
        cmd = [sys.executable, __file__, "--caso", caso, "--file", str(path)]
        t = time.perf_counter()
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.limite)
        except subprocess.TimeoutExpired:
            say(f"| {caso} | {descrizione} | interrotto | > {args.limite} | | | |")
            continue
        riga = next((r for r in out.stdout.splitlines() if r.startswith("RISULTATO")), None)
        if riga is None:
            say(f"| {caso} | {descrizione} | errore del processo ({time.perf_counter() - t:.0f} s) | | | | |")
            say(out.stderr[-2000:])
            continue
        _, dt, righe, cpu, rss, esito = riga.split("\t")
        dt, righe = float(dt), int(righe)
        tassi[caso] = righe / dt if righe else 0
        tasso = f"{righe / dt:,.0f}" if righe else ""
        say(f"| {caso} | {descrizione} | {esito} | {dt:.1f} | {cpu} | {tasso} | {rss} |")
    if "istat" in tassi and connection.vendor == "postgresql":
        n, dt = copia_nuda(workdir / "istat-copy.csv")
        say(f"\n   COPY nuda degli stessi valori: {n:,} righe in {dt:.1f} s = {n / dt:,.0f} righe/s")
        say(f"   importa_dati (ISTAT) / COPY nuda: {tassi['istat'] / (n / dt):.1%}")


if __name__ == "__main__":
    main()
