"""The version of the code, for the keys of the shared cache (settings.CACHES).

Cached page parts and documents are keyed by the data version (zona.lib.cache); the code that
computed and rendered them matters as much: after a deploy, HTML or a PDF laid out by the old
templates must not be served until the data change. The prefix is a hash of the content of the
Python modules and templates, so every app server running the same release shares the cache,
and a new release starts from an empty one without anybody clearing it."""

import hashlib
import os
from pathlib import Path

_SALTATE = {".venv", "node_modules", "staticfiles", "var", "test-artifacts", "__pycache__", ".git", "migrations"}


def versione_codice(base: Path) -> str:
    h = hashlib.sha256()
    for cartella, sottocartelle, file in os.walk(base):
        sottocartelle[:] = sorted(d for d in sottocartelle if d not in _SALTATE and not d.startswith("."))
        for nome in sorted(file):
            if nome.endswith((".py", ".html", ".csv")):
                percorso = Path(cartella, nome)
                h.update(str(percorso.relative_to(base)).encode())
                h.update(percorso.read_bytes())
    return h.hexdigest()[:12]
