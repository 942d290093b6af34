"""Benchmark of the documents: the Piano di Zona of all 14 Ambiti of the demo, PDF and DOCX.

    .venv/bin/python bench/documenti.py [--triennio 2021] [--obiettivi 4] [--ripeti 1] [--output DIR]

Runs in a throwaway SQLite database (a temporary file, removed at the end): migrate, the
Bergamo demo, then a draft plan of the triennio for every Ambito that has none (the demo has
plans for Alto Sebino and Dalmine only), with a few objectives across the areas A-J, each with
indicators, yearly targets and resources per fund, so that every chapter has something to
print. Then, for each Ambito, the document is built (documenti.piano) and rendered
(documenti.services.rendi, bypassing the cache of the pages), and the times are printed: the
content, the PDF and the DOCX. Also the monitoring report and the provincial report.

Nothing here changes application code.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _argomenti():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--triennio", type=int, default=2021, help="anno di inizio del triennio (predefinito 2021)")
    p.add_argument("--obiettivi", type=int, default=4, help="obiettivi per ogni piano in bozza creato (predefinito 4)")
    p.add_argument("--ripeti", type=int, default=1, help="quante volte generare ogni documento (si stampa la mediana)")
    p.add_argument("--output", help="cartella in cui lasciare i file generati (predefinito: nessuna)")
    return p.parse_args()


ARGS = _argomenti()
_tmp = tempfile.TemporaryDirectory(prefix="zona-bench-documenti-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zona.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-documenti-" + "x" * 40)
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from documenti import services  # noqa: E402
from documenti.monitoraggio import relazione_monitoraggio  # noqa: E402
from documenti.piano import documento_piano  # noqa: E402
from documenti.provinciale import relazione_provinciale  # noqa: E402
from programmazione.models import (  # noqa: E402
    AreaPolicy,
    Fondo,
    IndicatoreObiettivo,
    Obiettivo,
    Piano,
    Risorsa,
    Target,
    TipoIndicatore,
)
from programmazione.selectors import piani_del_triennio  # noqa: E402
from territorio.models import Ambito  # noqa: E402


def prepara():
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    print(f"database usa e getta con la demo: {time.perf_counter() - t0:.1f} s")
    aree = list(AreaPolicy.objects.all())
    fondi = [Fondo.FNPS, Fondo.FNA, Fondo.FSR, Fondo.COMUNI]
    creati = 0
    for n, ambito in enumerate(Ambito.objects.all()):
        if Piano.objects.filter(ambito=ambito, anno_inizio=ARGS.triennio).exists():
            continue
        piano = Piano.objects.create(
            ambito=ambito,
            anno_inizio=ARGS.triennio,
            anno_fine=ARGS.triennio + 2,
            titolo="Piano in bozza creato dal benchmark",
            fonte="bench/documenti.py (dati sintetici)",
        )
        for k in range(ARGS.obiettivi):
            area = aree[(n + k) % len(aree)]
            ob = Obiettivo.objects.create(
                piano=piano,
                codice=f"B{k + 1:02d}",
                ordine=k,
                area_policy=area,
                titolo=f"Obiettivo sintetico {k + 1} dell'area {area.codice}",
                descrizione="Descrizione sintetica dell'obiettivo, scritta dal benchmark. " * 6,
                target="Destinatari dell'intervento.",
                bisogni="Bisogni a cui risponde. " * 4,
                processo="Modalità organizzative. " * 5,
                output="Risultati attesi. " * 3,
                outcome="Impatto atteso. " * 3,
                budget_stimato=Decimal(10000 * (k + 1)),
            )
            ob.aree_trasversali.set(aree[(n + k + 1) % len(aree) : (n + k + 1) % len(aree) + 1])
            for i, tipo in enumerate([TipoIndicatore.PROCESSO, TipoIndicatore.OUTPUT, TipoIndicatore.OUTCOME]):
                ind = IndicatoreObiettivo.objects.create(
                    obiettivo=ob,
                    ordine=i,
                    tipo=tipo,
                    descrizione=f"Indicatore {tipo} dell'obiettivo {k + 1}",
                    unita="numero",
                    baseline=Decimal(10 + i),
                    anno_baseline=ARGS.triennio - 1,
                )
                Target.objects.bulk_create(
                    Target(indicatore=ind, anno=a, valore=Decimal(12 + i + j)) for j, a in enumerate(piano.anni)
                )
            Risorsa.objects.bulk_create(
                Risorsa(obiettivo=ob, anno=a, fondo=fondi[(k + j) % len(fondi)], importo=Decimal(5000 * (k + 1)))
                for j, a in enumerate(piano.anni)
            )
        creati += 1
    print(f"piani in bozza creati per gli Ambiti senza piano del {ARGS.triennio}: {creati}")


def misura(funzione):
    tempi, risultato = [], None
    for _ in range(ARGS.ripeti):
        t0 = time.perf_counter()
        risultato = funzione()
        tempi.append(time.perf_counter() - t0)
    return statistics.median(tempi), risultato


def pagine(pdf):
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def main():
    prepara()
    uscita = Path(ARGS.output) if ARGS.output else None
    if uscita:
        uscita.mkdir(parents=True, exist_ok=True)
    # vl-convert starts its JavaScript engine on the first chart: paid once per process.
    t0 = time.perf_counter()
    import altair as alt
    import pandas as pd

    from conoscenza import charts

    charts.svg(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"))
    print(f"avvio di vl-convert (una volta per processo): {time.perf_counter() - t0:.1f} s\n")

    piani = list(piani_del_triennio(ARGS.triennio))
    print(f"{'Ambito':<45} {'piano':<10} {'obiett.':>7} {'contenuto':>10} {'PDF':>7} {'pagine':>7} {'DOCX':>7}")
    righe = []
    for piano in piani:
        t_doc, doc = misura(lambda piano=piano: documento_piano(piano))
        t_pdf, pdf = misura(lambda doc=doc: services.rendi(doc, "pdf"))
        t_docx, docx = misura(lambda doc=doc: services.rendi(doc, "docx"))
        n = piano.obiettivi.count()
        righe.append((t_doc, t_pdf, t_docx))
        print(
            f"{piano.ambito.nome[:45]:<45} {piano.stato:<10} {n:>7} {t_doc:>9.2f}s {t_pdf:>6.2f}s "
            f"{pagine(pdf.contenuto):>7} {t_docx:>6.2f}s"
        )
        if uscita:
            for f in (pdf, docx):
                (uscita / f.nome).write_bytes(f.contenuto)
    tot = [sum(x) for x in zip(*righe, strict=True)]
    print(
        f"\n{len(righe)} documenti del piano: contenuto {tot[0]:.1f} s, PDF {tot[1]:.1f} s, DOCX {tot[2]:.1f} s; "
        f"per documento (contenuto + formato) PDF in media {(tot[0] + tot[1]) / len(righe):.2f} s, "
        f"massimo {max(a + b for a, b, _ in righe):.2f} s; DOCX in media {(tot[0] + tot[2]) / len(righe):.2f} s, "
        f"massimo {max(a + c for a, _, c in righe):.2f} s"
    )

    print()
    for nome, costruisci in (
        (
            "relazione di monitoraggio (Alto Sebino)",
            lambda: relazione_monitoraggio(Piano.objects.get(ambito="alto-sebino", anno_inizio=ARGS.triennio)),
        ),
        (
            "relazione provinciale",
            lambda: relazione_provinciale(ARGS.triennio, get_user_model().objects.get(username="coordinamento")),
        ),
    ):
        t_doc, doc = misura(costruisci)
        t_pdf, pdf = misura(lambda doc=doc: services.rendi(doc, "pdf"))
        t_docx, docx = misura(lambda doc=doc: services.rendi(doc, "docx"))
        print(
            f"{nome:<45} contenuto {t_doc:.2f} s, PDF {t_pdf:.2f} s ({pagine(pdf.contenuto)} pagine), DOCX "
            f"{t_docx:.2f} s"
        )
        if uscita:
            for f in (pdf, docx):
                (uscita / f.nome).write_bytes(f.contenuto)


if __name__ == "__main__":
    try:
        main()
    finally:
        _tmp.cleanup()
