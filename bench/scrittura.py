"""The observations' two writers on PostgreSQL: COPY and the ORM's bulk insert (issue 11 point 6).

The importer writes through PostgreSQL's COPY there and through the ORM elsewhere (SQLite).
This measures both writers on the same PostgreSQL database with the same rows, so that the
twin path is kept only if COPY is needed for speed. Each run is rolled back.

    d=$(mktemp -d); export DATABASE_URL=$(bash scripts/pg-throwaway.sh start $d)
    .venv/bin/python bench/scrittura.py --righe 200000
    bash scripts/pg-throwaway.sh stop $d

Nothing here changes application code.
"""

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zona.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-scrittura-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from conoscenza import services  # noqa: E402
from conoscenza.models import Caricamento  # noqa: E402


def righe(n):
    giorno = datetime.date(2023, 1, 1)
    for i in range(n):
        codice = f"{i // 202:06d}"
        yield (
            services.MISURA_ISTAT,
            "comune",
            codice,
            codice,
            2023,
            giorno,
            i % 101,
            i % 101,
            "MF"[i % 2],
            "",
            Decimal(i),
        )


def misura(nome, n, forza_orm):
    with transaction.atomic():
        caricamento = Caricamento.objects.create(nome_file="bench.csv", formato="zona", fonte="bench")
        vendor = connection.vendor
        if forza_orm:
            connection.vendor = "bench-orm"  # the writer's test: anything but "postgresql"
        try:
            t0 = time.perf_counter()
            with services._scrittore(caricamento, None, n) as scrittore:
                for r in righe(n):
                    scrittore.scrivi(r)
            dt = time.perf_counter() - t0
        finally:
            connection.vendor = vendor
        transaction.set_rollback(True)
    print(f"{nome:<28} {n:>9,} righe in {dt:6.2f} s = {n / dt:>10,.0f} righe/s")
    return n / dt


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--righe", type=int, default=200_000)
    p.add_argument("--ripeti", type=int, default=2)
    args = p.parse_args()
    assert connection.vendor == "postgresql", "set DATABASE_URL to a throwaway PostgreSQL (see the docstring)"
    call_command("migrate", verbosity=0)
    services.carica_catalogo()
    copy = max(misura("COPY (PostgreSQL)", args.righe, False) for _ in range(args.ripeti))
    orm = max(misura("bulk insert dell'ORM", args.righe, True) for _ in range(args.ripeti))
    print(f"COPY / ORM: {copy / orm:.1f} volte")


if __name__ == "__main__":
    main()
