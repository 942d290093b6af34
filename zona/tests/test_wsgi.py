"""zona/wsgi.py, what gunicorn's master loads (serve.sh preloads it): every view, and the
libraries that pages import only when they need them, are imported before the workers fork, so
no visitor waits for imports; management commands and the jobs worker do not import those
libraries."""

import json
import subprocess
import sys

import pytest

from testsupport.processi import ROOT, ambiente

pytestmark = pytest.mark.senza_database

ELENCA = """
import json, sys
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {"sklearn", "conoscenza", "api"})))
"""
WSGI = "import zona.wsgi"
# What `manage.py check` (and so `migrate`, `db_worker`...) imports: the settings and every URL.
COMANDO = "import django; django.setup(); from django.urls import get_resolver; get_resolver().url_patterns"


def _moduli_dopo(codice, tmp_path):
    esito = subprocess.run(
        [sys.executable, "-c", codice + "\n" + ELENCA],
        cwd=ROOT,
        env=ambiente(f"sqlite:///{tmp_path / 'zona.sqlite3'}", DJANGO_SETTINGS_MODULE="zona.settings"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert esito.returncode == 0, esito.stderr
    return set(json.loads(esito.stdout.splitlines()[-1]))


def test_the_web_server_imports_every_view_and_library_before_forking(tmp_path):
    moduli = _moduli_dopo(WSGI, tmp_path)
    assert {"conoscenza.views", "conoscenza.views_provincia", "api.api", "sklearn.cluster"} <= moduli
    # A new database file: the import opened no connection that the forked workers would share
    # (SQLite creates the file on connecting).
    assert not (tmp_path / "zona.sqlite3").exists()


def test_commands_do_not_import_scikit_learn(tmp_path):
    moduli = _moduli_dopo(COMANDO, tmp_path)
    assert "conoscenza.views_provincia" in moduli
    assert not {m for m in moduli if m.startswith("sklearn")}
