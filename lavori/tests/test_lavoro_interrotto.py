"""A worker killed (SIGKILL) in the middle of an import job: the job is marked failed with the
reason, and the import leaves nothing half-saved. A real `manage.py db_worker` process runs the
job queued by `import_dati --in-coda` on the PostgreSQL test database (as the killed-import
test of conoscenza does for the command itself)."""

import os
import re
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from conoscenza.tests.test_import_interrotto import _backend_attivi, _database_url, _file_grande, _scrive_osservazioni
from lavori.models import Lavoro
from lavori.services import INTERROTTO
from zona.tests.test_backup import righe_di_tutte_le_tabelle
from zona.tests.test_deploy import ROOT, SETTINGS_ENV

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in ("postgres", "postgresql", "pgsql"),
    reason="needs PostgreSQL: the worker is another process, and SQLite's test database is in memory",
)

TABELLA_TASK = DBTaskResult._meta.db_table


def _manage(env, *args, **opzioni):
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **opzioni,
    )


@pytest.mark.django_db
def test_worker_ucciso_a_meta_caricamento(demo_db, tmp_path):
    from territorio.models import Comune

    comuni = list(Comune.objects.filter(sigla_provincia="BG").values_list("pk", flat=True))
    file = tmp_path / "grande.csv"
    _file_grande(file, comuni)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        mio_pid = cursor.fetchone()[0]
    prima = righe_di_tutte_le_tabelle()
    backend_prima = _backend_attivi(mio_pid)

    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV + ["DATABASE_URL"]}
    env.update(DATABASE_URL=_database_url(), ZONA_LAVORI_BATTITO_SECONDI="0.2", ZONA_LAVORI_SCADENZA_SECONDI="0")
    coda = _manage(env, "import_dati", str(file), "--formato", "zona", "--in-coda", "coordinamento")
    out, err = coda.communicate(timeout=120)
    assert coda.returncode == 0, err.decode()[-2000:]
    pk = int(re.search(r"Lavoro (\d+) in coda", out.decode()).group(1))
    lavoro = Lavoro.objects.get(pk=pk)
    id_task = lavoro.id_task
    try:
        assert lavoro.stato == Lavoro.IN_CODA and lavoro.dati
        worker = _manage(env, "db_worker", "--no-startup-delay", "--interval", "0.1", "--no-reload")
        try:
            scadenza = time.monotonic() + 120
            # Real progress, written by the worker while its import's transaction is open.
            while not (_scrive_osservazioni(mio_pid) and Lavoro.objects.filter(pk=pk, fatti__gt=0).exists()):
                assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
                assert time.monotonic() < scadenza, "the job never started writing"
                time.sleep(0.02)
            lavoro.refresh_from_db()
            assert lavoro.stato == Lavoro.IN_CORSO and 0 < lavoro.fatti <= lavoro.totale
            assert worker.poll() is None, "the job ended before it could be killed (make the file bigger)"
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        assert worker.returncode == -signal.SIGKILL

        scadenza = time.monotonic() + 30
        while _backend_attivi(mio_pid) > backend_prima or _scrive_osservazioni(mio_pid):
            assert time.monotonic() < scadenza, "the killed worker's session is still open"
            time.sleep(0.05)
        dopo = righe_di_tutte_le_tabelle()
        diverse = {t for t in prima if prima[t] != dopo.get(t)}
        assert diverse <= {"lavori_lavoro", TABELLA_TASK}, f"changed by the killed job: {diverse}"

        # The pages (here another process, as another app server would) find the job dead.
        pagina = _manage(env, "shell", "-c", "from lavori.services import segna_interrotti; print(segna_interrotti())")
        out, err = pagina.communicate(timeout=120)
        assert out.decode().strip().splitlines()[-1] == "1", err.decode()[-2000:]
        lavoro.refresh_from_db()
        assert lavoro.stato == Lavoro.FALLITO and lavoro.messaggio == INTERROTTO and lavoro.dati is None
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT status FROM {TABELLA_TASK} WHERE id = %s", [id_task])
            assert cursor.fetchone()[0] == "FAILED"
    finally:
        # Committed by the other processes: removed by another connection.
        with psycopg.connect(_database_url(), autocommit=True) as c:
            c.execute("DELETE FROM lavori_lavoro WHERE id = %s", [pk])
            c.execute(f"DELETE FROM {TABELLA_TASK} WHERE id = %s", [id_task])
