"""A worker killed (SIGKILL) in the middle of an import job: the job is marked failed with the
reason, and the import leaves nothing half-saved. A real `manage.py db_worker` process runs the
job queued by `import_dati --in-coda` on the PostgreSQL test database (as the killed-import
test of conoscenza does for the command itself)."""

import re
import signal
import time

import psycopg
import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from lavori.models import Lavoro
from lavori.services import INTERROTTO
from testsupport.processi import (
    SOLO_POSTGRESQL,
    ambiente,
    attendi_sessioni_chiuse,
    avvia_manage,
    backend_attivi,
    file_grande,
    mio_pid,
    righe_di_tutte_le_tabelle,
    scrive_osservazioni,
    url_postgresql,
)

pytestmark = SOLO_POSTGRESQL

TABELLA_TASK = DBTaskResult._meta.db_table


@pytest.mark.django_db
def test_worker_ucciso_a_meta_caricamento(demo_db, tmp_path):
    from territorio.models import Comune

    comuni = list(Comune.objects.filter(sigla_provincia="BG").values_list("pk", flat=True))
    file = tmp_path / "grande.csv"
    file_grande(file, comuni)
    pid = mio_pid()
    prima = righe_di_tutte_le_tabelle()
    backend_prima = backend_attivi(pid)

    env = ambiente(url_postgresql(), ZONA_LAVORI_BATTITO_SECONDI="0.2", ZONA_LAVORI_SCADENZA_SECONDI="0")
    coda = avvia_manage(env, "import_dati", str(file), "--formato", "zona", "--in-coda", "coordinamento")
    out, err = coda.communicate(timeout=120)
    assert coda.returncode == 0, err.decode()[-2000:]
    pk = int(re.search(r"Lavoro (\d+) in coda", out.decode()).group(1))
    lavoro = Lavoro.objects.get(pk=pk)
    id_task = lavoro.id_task
    try:
        assert lavoro.stato == Lavoro.IN_CODA and lavoro.dati
        worker = avvia_manage(env, "db_worker", "--no-startup-delay", "--interval", "0.1", "--no-reload")
        try:
            scadenza = time.monotonic() + 120
            # Real progress, written by the worker while its import's transaction is open.
            while not (scrive_osservazioni(pid) and Lavoro.objects.filter(pk=pk, fatti__gt=0).exists()):
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

        attendi_sessioni_chiuse(pid, backend_prima, "the killed worker")
        dopo = righe_di_tutte_le_tabelle()
        diverse = {t for t in prima if prima[t] != dopo.get(t)}
        assert diverse <= {"lavori_lavoro", TABELLA_TASK}, f"changed by the killed job: {diverse}"

        # The pages (here another process, as another app server would) find the job dead.
        segna = "from lavori.services import segna_interrotti; print(segna_interrotti())"
        pagina = avvia_manage(env, "shell", "-c", segna)
        out, err = pagina.communicate(timeout=120)
        assert out.decode().strip().splitlines()[-1] == "1", err.decode()[-2000:]
        lavoro.refresh_from_db()
        assert lavoro.stato == Lavoro.FALLITO and lavoro.messaggio == INTERROTTO and lavoro.dati is None
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT status FROM {TABELLA_TASK} WHERE id = %s", [id_task])
            assert cursor.fetchone()[0] == "FAILED"
    finally:
        # Committed by the other processes: removed by another connection.
        with psycopg.connect(url_postgresql(), autocommit=True) as c:
            c.execute("DELETE FROM lavori_lavoro WHERE id = %s", [pk])
            c.execute(f"DELETE FROM {TABELLA_TASK} WHERE id = %s", [id_task])
