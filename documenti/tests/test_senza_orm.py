"""`documenti` lays out the selectors' read models and makes no query of its own.

Two checks: the source never names the ORM (no `.objects`, no queryset method, no model
import), and laying out a document after its data are read runs no query at all (which also
catches a lazy foreign key or related manager reached through a model instance)."""

import ast
import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from documenti import monitoraggio, piano, provinciale
from programmazione.selectors import piani

RADICE = Path(__file__).resolve().parent.parent
# Queryset and manager methods. `get`, `values`, `update`, `save` and `exists` are left out:
# dicts, sets, paths and python-docx documents have them too, and the other checks catch
# their ORM use.
METODI_ORM = {
    "aggregate",
    "all",
    "annotate",
    "bulk_create",
    "count",
    "create",
    "defer",
    "delete",
    "distinct",
    "exclude",
    "extra",
    "filter",
    "first",
    "get_or_create",
    "in_bulk",
    "iterator",
    "last",
    "only",
    "order_by",
    "prefetch_related",
    "raw",
    "select_related",
    "update_or_create",
    "values_list",
}


def _sorgenti():
    for percorso in sorted(RADICE.rglob("*.py")):
        parti = percorso.relative_to(RADICE).parts
        if parti[0] not in ("tests", "migrations"):
            yield percorso


def _solo_tipi(nodo):
    """`if TYPE_CHECKING:` blocks: imports for annotations only."""
    return isinstance(nodo, ast.If) and "TYPE_CHECKING" in ast.unparse(nodo.test)


def violazioni(testo, nome):
    albero = ast.parse(testo)
    esclusi = {id(n) for blocco in ast.walk(albero) if _solo_tipi(blocco) for n in ast.walk(blocco)}
    trovate = []
    for nodo in ast.walk(albero):
        if id(nodo) in esclusi:
            continue
        dove = f"{nome}:{getattr(nodo, 'lineno', '?')}"
        if isinstance(nodo, ast.Attribute) and nodo.attr == "objects":
            trovate.append(f"{dove}: .objects")
        elif isinstance(nodo, ast.Call) and isinstance(nodo.func, ast.Attribute) and nodo.func.attr in METODI_ORM:
            trovate.append(f"{dove}: .{nodo.func.attr}()")
        elif (
            isinstance(nodo, ast.ImportFrom)
            and nodo.module
            and (nodo.module.split(".")[-1] == "models" or nodo.module.startswith("django.db"))
        ):
            trovate.append(f"{dove}: from {nodo.module} import ...")
        elif isinstance(nodo, ast.Import):
            trovate += [f"{dove}: import {a.name}" for a in nodo.names if a.name.split(".")[-1] == "models"]
    return trovate


def test_documenti_non_nomina_l_orm():
    trovate = []
    for percorso in _sorgenti():
        trovate += violazioni(percorso.read_text(), percorso.relative_to(RADICE.parent))
    assert trovate == [], "documenti must read through the selectors:\n" + "\n".join(trovate)


def test_il_controllo_trova_le_chiamate_all_orm():
    sorgente = (
        "from programmazione.models import Piano\n"
        "import conoscenza.models\n"
        "from django.db.models import Sum\n"
        "x = Piano.objects\n"
        "piano.obiettivi.all()\n"
        "qs.filter(a=1).values_list('pk')\n"
        "d.get('chiave')\n"
        "if TYPE_CHECKING:\n"
        "    from territorio.models import Ambito\n"
    )
    assert [v.split(": ", 1)[1] for v in violazioni(sorgente, "x.py")] == [
        "from programmazione.models import ...",
        "import conoscenza.models",
        "from django.db.models import ...",
        ".objects",
        ".all()",
        ".values_list()",
        ".filter()",
    ]


OGGI = datetime.date(2025, 3, 15)


@pytest.mark.django_db
def test_impaginare_non_fa_query(demo_db, django_assert_num_queries):
    """Every plan of the demo (with and without a previous plan, monitoring data, Tabella 2
    sheets) and the provincial reports of their trienni: read, then laid out with no query."""
    elenco = list(piani())
    assert len(elenco) >= 3
    for p in elenco:
        dati_piano = piano.leggi(p, OGGI)
        dati_relazione = monitoraggio.leggi(p, OGGI)
        with django_assert_num_queries(0):
            doc = piano.impagina(dati_piano)
            relazione = monitoraggio.impagina(dati_relazione)
        # A plan with a previous one has the comparison of the two trienni as chapter 9.
        assert len(doc.capitoli) == (9 if dati_piano.precedente else 8) and len(relazione.capitoli) == 5
    operatore = get_user_model()(username="prova", is_superuser=True)
    for anno in sorted({p.anno_inizio for p in elenco}):
        dati = provinciale.leggi(anno, operatore, OGGI)
        with django_assert_num_queries(0):
            assert provinciale.impagina(dati).capitoli[0].blocchi
