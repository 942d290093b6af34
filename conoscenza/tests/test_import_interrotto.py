"""An import killed half-way (SIGKILL, no chance to clean up) leaves the database as before:
`manage.py import_dati` runs as a real process against the PostgreSQL test database and is
killed while it is writing the observations."""

import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.db import connection

from zona.tests.test_backup import righe_di_tutte_le_tabelle
from zona.tests.test_deploy import ROOT, SETTINGS_ENV

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in ("postgres", "postgresql", "pgsql"),
    reason="needs PostgreSQL (DATABASE_URL): a killed process's transaction is rolled back by the server; "
    "the SQLite test database is in memory and cannot be shared with another process",
)

INTESTAZIONE = "livello,codice_territorio,anno,misura,eta_da,eta_a,sesso,categoria,valore\n"


def _file_grande(path, comuni):
    """About 110.000 valid rows of the Zona layout (under the 5 MB limit)."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(INTESTAZIONE)
        for anno in range(2000, 2024):
            for categoria in range(19):
                for codice in comuni:
                    f.write(f"comune,{codice},{anno},utenti,,,,K{categoria:02d},{(anno + categoria) % 97}\n")


def _database_url():
    s = connection.settings_dict
    credenziali = quote(s["USER"] or "", safe="") + (":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else "")
    return f"postgres://{credenziali}@{quote(s['HOST'] or '', safe='')}:{s['PORT'] or 5432}/{s['NAME']}"


def _scrive_osservazioni(pid_escluso):
    """True while another backend holds a write lock on the observations table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'conoscenza_osservazione' AND l.mode = 'RowExclusiveLock' AND l.pid <> %s",
            [pid_escluso],
        )
        return cursor.fetchone()[0] > 0


def _backend_attivi(pid_escluso):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s "
            "AND backend_type = 'client backend'",
            [pid_escluso],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_killed_import_leaves_the_database_as_before(demo_db, tmp_path):
    from territorio.models import Comune

    comuni = list(Comune.objects.filter(sigla_provincia="BG").values_list("pk", flat=True))
    file = tmp_path / "grande.csv"
    _file_grande(file, comuni)
    assert file.stat().st_size < 5 * 1024 * 1024

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        mio_pid = cursor.fetchone()[0]
    prima = righe_di_tutte_le_tabelle()
    backend_prima = _backend_attivi(mio_pid)

    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV + ["DATABASE_URL"]}
    env["DATABASE_URL"] = _database_url()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "import_dati", str(file), "--formato", "zona"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        scadenza = time.monotonic() + 120
        while not _scrive_osservazioni(mio_pid):
            if proc.poll() is not None:
                pytest.fail(
                    "the import ended before it could be killed (make the file bigger): "
                    + proc.stderr.read().decode()[-2000:]
                )
            assert time.monotonic() < scadenza, "the import never started writing"
            time.sleep(0.02)
        time.sleep(0.3)  # well inside the writing
        assert proc.poll() is None, "the import ended before it could be killed (make the file bigger)"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    # The server notices the closed connection and rolls its transaction back.
    scadenza = time.monotonic() + 30
    while _backend_attivi(mio_pid) > backend_prima or _scrive_osservazioni(mio_pid):
        assert time.monotonic() < scadenza, "the killed import's session is still open"
        time.sleep(0.05)
    dopo = righe_di_tutte_le_tabelle()
    diverse = [t for t in prima if prima[t] != dopo.get(t)]
    assert not diverse, f"tables changed by the killed import: {diverse}"
