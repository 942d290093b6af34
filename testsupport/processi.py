"""Tests that run Zona in another process (manage.py, serve.sh, a jobs worker) against the test
database: the environment to give it, the URL of the test database, and what to watch on
PostgreSQL while that process writes or is killed."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]

# Settings read from the environment (zona/settings.py): start each process from none of them.
# DJANGO_ALLOW_ASYNC_UNSAFE is set by conftest.py for the browser tests; check --deploy
# rightly refuses it (async.E001).
SETTINGS_ENV = [
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "ZONA_CHIAVE_PSEUDONIMO",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "STATIC_ROOT",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "LOG_LEVEL_RICHIESTE",
    "ZONA_LAVORI_IMMEDIATI",
]

SOLO_POSTGRESQL = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in ("postgres", "postgresql", "pgsql"),
    reason="needs PostgreSQL (DATABASE_URL): the other process shares the test database, and SQLite's is in memory",
)

# Not compared row by row: sessions and the caches are transient.
TABELLE_ESCLUSE = {"django_session", "zona_cache", "zona_cache_documenti"}


def ambiente(database_url=None, **extra):
    """The environment of another Zona process: this one's, without the settings (and with
    `database_url` instead of DATABASE_URL when given)."""
    via = SETTINGS_ENV + (["DATABASE_URL"] if database_url else [])
    env = {k: v for k, v in os.environ.items() if k not in via}
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def manage(*args, database_url=None, timeout=120, **env):
    """`manage.py ARGS` run to the end in another process; its output as text."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=ambiente(database_url, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def avvia_manage(env, *args):
    """`manage.py ARGS` started in another process (to watch or kill), with pipes."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def url_postgresql(nome=None):
    """The URL of the PostgreSQL test database (or of database `nome` in the same cluster)."""
    s = connection.settings_dict
    credenziali = quote(s["USER"] or "", safe="") + (":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else "")
    return f"postgres://{credenziali}@{quote(s['HOST'] or '', safe='')}:{s['PORT'] or 5432}/{nome or s['NAME']}"


def _valore(v):
    if isinstance(v, memoryview):
        v = bytes(v)
    if isinstance(v, bytes):
        return v.hex()
    return None if v is None else str(v)


def righe_di_tutte_le_tabelle(conn=connection):
    """{table: sorted rows as text} of every table of the database (the migration log by
    app and name only: when it was applied is the only thing a restore cannot keep)."""
    risultato = {}
    with conn.cursor() as cursor:
        for tabella in sorted(conn.introspection.table_names(cursor)):
            if tabella in TABELLE_ESCLUSE or tabella.startswith("sqlite_"):
                continue
            colonne = "app, name" if tabella == "django_migrations" else "*"
            cursor.execute(f"SELECT {colonne} FROM {conn.ops.quote_name(tabella)}")
            risultato[tabella] = sorted([[_valore(v) for v in riga] for riga in cursor.fetchall()])
    return risultato


# --- watching another process on PostgreSQL --------------------------------------------------


def mio_pid():
    """The server process of this test's own connection, left out of what is watched."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def scrive_osservazioni(pid_escluso):
    """True while another backend holds a write lock on the observations table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'conoscenza_osservazione' AND l.mode = 'RowExclusiveLock' AND l.pid <> %s",
            [pid_escluso],
        )
        return cursor.fetchone()[0] > 0


def backend_attivi(pid_escluso):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s "
            "AND backend_type = 'client backend'",
            [pid_escluso],
        )
        return cursor.fetchone()[0]


def attendi_sessioni_chiuse(pid_escluso, backend_prima, chi):
    """Waits (30 s at most) until the server has noticed the killed process's closed connection
    and rolled its transaction back."""
    scadenza = time.monotonic() + 30
    while backend_attivi(pid_escluso) > backend_prima or scrive_osservazioni(pid_escluso):
        assert time.monotonic() < scadenza, f"the session of {chi} is still open"
        time.sleep(0.05)


INTESTAZIONE_ZONA = "livello,codice_territorio,anno,misura,eta_da,eta_a,sesso,categoria,valore\n"


def file_grande(path, comuni):
    """About 110.000 valid rows of the Zona layout (under the 5 MB limit): an import long enough
    to be killed while it writes."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(INTESTAZIONE_ZONA)
        for anno in range(2000, 2024):
            for categoria in range(19):
                for codice in comuni:
                    f.write(f"comune,{codice},{anno},utenti,,,,K{categoria:02d},{(anno + categoria) % 97}\n")
