"""zona/wsgi.py, what gunicorn's master loads (serve.sh preloads it): every view is imported
before the workers fork, so no visitor waits for the imports, and libraries that one page alone
needs are not among them."""

import json
import subprocess
import sys

import pytest

from testsupport.processi import ROOT, ambiente

pytestmark = pytest.mark.senza_database

SONDA = """
import json, sys
import zona.wsgi
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {"sklearn", "scipy", "conoscenza", "api"})))
"""


def _moduli_dopo_wsgi(tmp_path):
    esito = subprocess.run(
        [sys.executable, "-c", SONDA],
        cwd=ROOT,
        env=ambiente(f"sqlite:///{tmp_path / 'zona.sqlite3'}", DJANGO_SETTINGS_MODULE="zona.settings"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert esito.returncode == 0, esito.stderr
    return set(json.loads(esito.stdout.splitlines()[-1]))


def test_wsgi_imports_every_view_and_not_scikit_learn(tmp_path):
    moduli = _moduli_dopo_wsgi(tmp_path)
    # The URL configuration is loaded: the views of the knowledge base and the API are imported.
    assert {"conoscenza.views", "conoscenza.views_provincia", "api.api"} <= moduli
    # scikit-learn (and SciPy under it) only for the homogeneous groups, when they are computed.
    assert not {m for m in moduli if m.startswith(("sklearn", "scipy"))}
    # A new database file: the import opened no connection that the forked workers would share
    # (SQLite creates the file on connecting).
    assert not (tmp_path / "zona.sqlite3").exists()
