"""The dependency order of Zona's apps, read from the source with `ast`.

Every top-level package of the repository has a place in `ORDINE`; a module may import from its
own package and from the packages before it, never from one after it (an arrow that runs back
up). Every `import` and `from ... import` counts, at module level and inside functions (an
import hidden in a function is still a dependency: it only hides the cycle). Relative imports
are resolved against the importing module.

Which files: every .py of every package, migrations and management commands included (they run
in production). Tests (`tests/` folders and `conftest.py`) are excluded on purpose: a test is an
integration of the whole system (the route matrix in `accounts/tests` requests every page of
every app, fixtures load the demo of every app), so it may import anything; the order binds the
code that users run.

The check walks the files, not a hand list, so a new module or a new app is covered as soon as
it exists; a new top-level package that is not in `ORDINE` fails the test until someone decides
where it goes.
"""

import ast
import pathlib
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Lowest first. A package may import those above it in this list, never those below.
# Where new apps go: one that reads the registry and the knowledge base and that plans build on
# (domanda: social demand from case records; offerta: the service offer) goes between
# `conoscenza` and `programmazione`; one that builds on plans (fondi, coprogrammazione) goes
# after `programmazione` and before `monitoraggio`; `documenti` and `api` stay after every app
# whose data they lay out or serve. `zona` (the project: settings, URLs, load_demo, backup) is
# last and may import every app; `zona.lib` is first and imports none.
ORDINE = [
    "zona.lib",
    "territorio",
    "accounts",
    "lavori",  # background jobs: apps queue their long work here; it imports no app above it
    "conoscenza",
    "domanda",  # social demand from case-record extracts: reads territorio, accounts
    "offerta",  # the service offer and the LEPS: reads territorio, accounts, conoscenza
    "programmazione",
    "fondi",  # funds: allocates plan resources, imports programmazione
    "coprogrammazione",  # co-programming and governance acts: tables hang off plans
    "monitoraggio",
    "documenti",
    "opendata",  # open data catalogue: reads every app whose data it publishes
    "api",
    "zona",
]

# Arrows that still run back up, each with the reason and the work that removes it. The list
# may only shrink: an entry that no longer matches an import fails the test.
ECCEZIONI = set()  # none left: keep it that way

# Top-level folders with Python that are not part of the application: benchmarks and scripts run
# by hand or by CI, and the tests' helpers (factories, route samples). They may import anything;
# the application may import none of them.
FUORI_ORDINE = {"bench", "scripts", "testsupport"}


@dataclass(frozen=True)
class Freccia:
    file: str
    riga: int
    da: str
    a: str
    modulo: str

    def __str__(self):
        motivo = "is not part of the application" if self.a in FUORI_ORDINE else "comes later in ORDINE"
        return f"{self.file}:{self.riga}: {self.da} imports {self.modulo} ({self.a} {motivo})"


def pacchetti_del_progetto(root=ROOT):
    """Top-level names that are ours: folders with Python modules, and .py files at the root."""
    nomi = set()
    for p in root.iterdir():
        if p.name.startswith(".") or p.name in ("node_modules", "static", "templates"):
            continue
        if p.is_dir() and any(p.glob("*.py")):
            nomi.add(p.name)
    return nomi


def strato(modulo):
    """The entry of ORDINE a dotted module name belongs to (the longest prefix), or None."""
    migliore = None
    for nome in ORDINE:
        if (modulo == nome or modulo.startswith(nome + ".")) and (migliore is None or len(nome) > len(migliore)):
            migliore = nome
    return migliore


def _escluso(rel):
    parti = rel.parts
    return "tests" in parti or rel.name == "conftest.py"


def _modulo_di(rel):
    parti = list(rel.with_suffix("").parts)
    if parti[-1] == "__init__":
        parti.pop()
    return ".".join(parti)


def importati(albero, modulo, e_pacchetto):
    """(line, module, imported name) for every import in the tree, relative ones resolved."""
    pacchetto = modulo if e_pacchetto else modulo.rpartition(".")[0]
    for nodo in ast.walk(albero):
        if isinstance(nodo, ast.Import):
            for alias in nodo.names:
                yield nodo.lineno, alias.name, alias.name
        elif isinstance(nodo, ast.ImportFrom):
            if nodo.level:
                base = pacchetto.split(".")
                base = base[: len(base) - (nodo.level - 1)]
                nome = ".".join(base + ([nodo.module] if nodo.module else []))
            else:
                nome = nodo.module
            # The layer is judged on `module.name`: `from zona import lib` imports zona.lib.
            for alias in nodo.names:
                yield nodo.lineno, nome, nome if alias.name == "*" else f"{nome}.{alias.name}"


def frecce_e_estranei(root=ROOT):
    """The arrows that run back up, and the top-level packages missing from ORDINE."""
    nostri = pacchetti_del_progetto(root)
    in_ordine = {n.split(".")[0] for n in ORDINE}
    estranei = sorted(nostri - in_ordine - FUORI_ORDINE)
    frecce = []
    for nome in sorted(nostri & in_ordine):
        for path in sorted((root / nome).rglob("*.py")):
            rel = path.relative_to(root)
            if _escluso(rel):
                continue
            modulo = _modulo_di(rel)
            da = strato(modulo)
            albero = ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))
            for riga, importato, nome in importati(albero, modulo, path.name == "__init__.py"):
                if importato.split(".")[0] not in nostri:
                    continue  # the standard library or a third-party package
                a = strato(nome)
                if importato.split(".")[0] in FUORI_ORDINE:
                    frecce.append(Freccia(str(rel), riga, da, importato.split(".")[0], importato))
                elif a is None:
                    estranei.append(f"{importato} (imported by {rel}:{riga})")
                elif ORDINE.index(a) > ORDINE.index(da):
                    frecce.append(Freccia(str(rel), riga, da, a, importato))
    return sorted(set(frecce), key=lambda f: (f.file, f.riga, f.modulo)), estranei


def test_no_import_runs_back_up_the_order_of_the_apps():
    frecce, _ = frecce_e_estranei()
    frecce = [f for f in frecce if (f.file, f.modulo) not in ECCEZIONI]
    assert not frecce, "Imports against the order of the apps (zona/tests/test_architettura.py ORDINE):\n" + "\n".join(
        map(str, frecce)
    )


def test_every_exception_is_still_needed():
    frecce, _ = frecce_e_estranei()
    rimaste = {(f.file, f.modulo) for f in frecce}
    assert not ECCEZIONI - rimaste, f"Remove from ECCEZIONI, the import is gone: {sorted(ECCEZIONI - rimaste)}"


def test_every_top_level_package_has_a_place_in_the_order():
    _, estranei = frecce_e_estranei()
    assert not estranei, f"Packages missing from ORDINE in zona/tests/test_architettura.py: {estranei}"


def test_the_check_sees_an_import_hidden_in_a_function(tmp_path):
    """The checker itself: a function-level import from a later app, relative imports resolved,
    tests skipped, an unknown package reported."""
    (tmp_path / "territorio" / "tests").mkdir(parents=True)
    (tmp_path / "territorio" / "__init__.py").write_text("")
    (tmp_path / "territorio" / "views.py").write_text(
        "from . import models\nfrom .models import X\n\n\ndef f():\n    from programmazione.models import Piano\n"
    )
    (tmp_path / "territorio" / "models.py").write_text("from zona.lib import locking\nimport testsupport.fabbriche\n")
    (tmp_path / "testsupport").mkdir()
    (tmp_path / "testsupport" / "fabbriche.py").write_text("import documenti\n")
    (tmp_path / "territorio" / "tests" / "test_x.py").write_text("import documenti\n")
    (tmp_path / "programmazione").mkdir()
    (tmp_path / "programmazione" / "models.py").write_text("import territorio.models\n")
    (tmp_path / "zona" / "lib").mkdir(parents=True)
    (tmp_path / "zona" / "lib" / "locking.py").write_text("from zona import settings\n")
    (tmp_path / "zona" / "settings.py").write_text("")
    (tmp_path / "nuova").mkdir()
    (tmp_path / "nuova" / "x.py").write_text("")
    frecce, estranei = frecce_e_estranei(tmp_path)
    assert [(f.file, f.riga, f.da, f.a) for f in frecce] == [
        ("territorio/models.py", 2, "territorio", "testsupport"),
        ("territorio/views.py", 6, "territorio", "programmazione"),
        ("zona/lib/locking.py", 1, "zona.lib", "zona"),
    ]
    assert estranei == ["nuova"]
