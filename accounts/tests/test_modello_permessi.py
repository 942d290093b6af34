"""The permission model keeps its three homes (zona/lib/policies.py): user facts in accounts,
object rules in the owning app, route policies on supported django-ninja API; templates ask
`permessi` instead of comparing roles."""

import pathlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from programmazione import permessi as piani
from programmazione.models import Obiettivo, Piano
from zona.lib.policies import fatti

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _sorgenti(*globs):
    for g in globs:
        for p in ROOT.glob(g):
            if ".venv" not in p.parts and "tests" not in p.parts:
                yield p


def test_templates_never_compare_roles():
    """A role string or a superuser test in a template is a rule with a second home."""
    vietato = re.compile(r"ruolo\s*==|ruolo\s*!=|is_superuser|\"coordinamento\"|\"ufficio_di_piano\"")
    trovati = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in _sorgenti("templates/**/*.html", "*/templates/**/*.html")
        for n, riga in enumerate(p.read_text().splitlines(), 1)
        if vietato.search(riga)
    ]
    assert not trovati, "Templates deciding by role (ask `permessi` or a view's boolean):\n  " + "\n  ".join(trovati)


def test_accounts_holds_no_rule_about_plans():
    testo = (ROOT / "accounts/permissions.py").read_text()
    assert "bozza" not in testo and ".stato" not in testo and "programmazione" not in testo


def test_no_private_django_ninja_internals():
    trovati = [
        f"{p.relative_to(ROOT)}: {nome}"
        for p in _sorgenti("**/*.py")
        for nome in ("_find_operation", "getclosurevars", "PathView", "ninja.utils", "_get_urls")
        if nome in p.read_text()
    ]
    assert not trovati, trovati


@pytest.mark.django_db
def test_facts_of_the_demo_roles(demo_db):
    def di(username):
        return fatti(get_user_model().objects.get(username=username))

    assert fatti(AnonymousUser()).ambiti == frozenset() and not fatti(AnonymousUser()).ha_ruolo
    assert di("udp.altosebino").ufficio_di_piano == "alto-sebino"
    assert di("udp.altosebino").ambiti == {"alto-sebino"}
    lovere = di("comune.lovere")
    assert (lovere.comune, lovere.ufficio_di_piano, lovere.ambiti) == ("016128", None, {"alto-sebino"})
    assert di("coordinamento").coordinamento and not di("coordinamento").superutente
    assert di("admin").coordinamento and di("admin").superutente


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username,vede",
    [(None, False), ("udp.altosebino", True), ("comune.lovere", True), ("udp.dalmine", False), ("coordinamento", True)],
)
def test_the_queryset_and_the_object_rule_agree(bozza, username, vede):
    """`visibili_a` (database filter) and `puo_vedere` (one plan) are the same rule: for every
    plan and objective of the demo plus a draft of Alto Sebino."""
    user = get_user_model().objects.get(username=username) if username else AnonymousUser()
    visibili = set(Piano.objects.visibili_a(user).values_list("pk", flat=True))
    for piano in Piano.objects.all():
        assert (piano.pk in visibili) == piani.puo_vedere(user, piano), piano
    assert (bozza.pk in visibili) is vede
    obiettivi = set(Obiettivo.objects.visibili_a(user).values_list("piano_id", flat=True).distinct())
    assert obiettivi == visibili & set(Obiettivo.objects.values_list("piano_id", flat=True))
