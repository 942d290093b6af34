"""Job time of the Piano di Zona of Alto Sebino 2021-2023 as a PDF (issue 18: target < 5 s).

    .venv/bin/python bench/documento_lavoro.py [--formato pdf] [--ripeti 2] [--fasi]

A throwaway SQLite database (removed at the end): migrate, the cache tables, the Bergamo demo;
then the document is queued as a background job (documenti.background, run in this process:
ZONA_LAVORI_IMMEDIATI=1) with empty caches, and the job's own time (started -> ended, as its
page shows it) is printed, with its pages. A second run with the caches kept shows a document
whose data have not changed: not rendered again. `--fasi` then times the PDF's phases apart
with empty caches (reading the data and its queries, laying out the content, the HTML
template with the charts, WeasyPrint's layout and its drawing into the PDF), with the load
average: where the time goes."""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--formato", default="pdf", choices=["pdf", "docx"])
    a.add_argument("--ripeti", type=int, default=2)
    a.add_argument("--fasi", action="store_true")
    args = a.parse_args()
    cartella = tempfile.mkdtemp(prefix="zona-bench-doc-")
    os.environ.update(
        DATABASE_URL=f"sqlite:///{cartella}/zona.sqlite3",
        ZONA_LAVORI_IMMEDIATI="1",
        DJANGO_SETTINGS_MODULE="zona.settings",
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.core.management import call_command

    from documenti.background import accoda_documento
    from programmazione.models import Piano

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"set-up (migrate + demo): {time.perf_counter() - t0:.1f} s", flush=True)
    piano = Piano.objects.get(ambito_id="alto-sebino", anno_inizio=2021)
    utente = get_user_model().objects.get(username="udp.altosebino")
    for giro in range(args.ripeti):
        if giro == 0:
            caches["default"].clear()
            caches["documenti"].clear()
        lavoro = accoda_documento(utente, piano, args.formato)
        durata = (lavoro.concluso_il - lavoro.iniziato_il).total_seconds()
        cache = "caches empty" if giro == 0 else "data unchanged, caches kept"
        print(f"{args.formato} job ({cache}): {durata:.2f} s, {lavoro.fatti} pages, {lavoro.stato}", flush=True)
    if args.fasi:
        fasi(piano)


def fasi(piano):
    import datetime

    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from documenti import pdf
    from documenti.piano import impagina, leggi

    caches["default"].clear()
    caches["documenti"].clear()
    carico = os.getloadavg()[0]
    tempi = {}
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as query:
        dati = leggi(piano, datetime.date.today())
    tempi["data"] = time.perf_counter() - t
    t = time.perf_counter()
    documento = impagina(dati)
    tempi["content"] = time.perf_counter() - t
    t = time.perf_counter()
    html = pdf.html(documento)
    tempi["html+charts"] = time.perf_counter() - t
    t = time.perf_counter()
    reso = HTML(string=html, url_fetcher=pdf._fetcher()).render(font_config=FontConfiguration())
    tempi["layout"] = time.perf_counter() - t
    t = time.perf_counter()
    reso.write_pdf()
    tempi["drawing"] = time.perf_counter() - t
    totale = sum(tempi.values())
    print(
        f"phases ({len(query.captured_queries)} queries, {len(reso.pages)} pages, load {carico:.1f}): "
        + ", ".join(f"{k} {v:.2f} s ({100 * v / totale:.0f}%)" for k, v in tempi.items()),
        flush=True,
    )


if __name__ == "__main__":
    main()
