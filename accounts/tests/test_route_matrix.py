"""The role matrix, generated: every route (pages and API operations, found by walking the URL
configuration) x every role x read (GET) and write (POST), for every sample of its URL
arguments (testsupport/rotte.py: an object of Alto Sebino and one of Dalmine, so that object-level
refusals are exercised). The expected answer is derived from the route's declared policy:

    allowed            -> no refusal (not 401/403/405, not the login page) and no server error
    login needed       -> pages: redirect to the login page; API: 401
    refused            -> 403
    method not declared-> 405
    not found          -> 404: the object rule does not find the object, or the user may not
                          see it (a draft plan of another Ambito looks exactly like a missing one)

Routes added later are picked up automatically; a route whose URL arguments have no sample
fails with a message saying where to add one."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.urls import resolve

from accounts.routes import rotte
from testsupport.rotte import argomenti_di_esempio, url_di
from zona.lib.policies import ACCESSO_RICHIESTO, CONSENTITO, METODO_NON_AMMESSO, NON_TROVATO, VIETATO

# Run once, on PostgreSQL (scripts/test.sh): a route's permission does not depend on the
# database, and the PostgreSQL run has room for it.
pytestmark = pytest.mark.scansione_postgresql

RUOLI = {
    "anonimo": None,
    "comune (Lovere, Alto Sebino)": "comune.lovere",
    "Ufficio di Piano Alto Sebino": "udp.altosebino",
    "Ufficio di Piano Dalmine": "udp.dalmine",
    "ATS di Bergamo": "ats.bergamo",
    "ASST Bergamo Est (Alto Sebino, non Dalmine)": "asst.bergamoest",
    "componente di un tavolo di Alto Sebino": "tavolo.altosebino",
    "coordinamento": "coordinamento",
    "superutente": "admin",
}
METODI = ["GET", "POST"]
LOGIN = "/account/accedi/"


def _voci():
    """One entry per page route and per API path (its operations together)."""
    voci, per_percorso = [], {}
    for r in rotte():
        if r.esente:
            continue
        if r.operation is None:
            voci.append((r.name, r, {}))
        else:
            if r.route not in per_percorso:
                per_percorso[r.route] = (r.name, r, {})
                voci.append(per_percorso[r.route])
            for m in r.methods:
                per_percorso[r.route][2][m] = r.policy
    return voci


VOCI = _voci()


def _atteso(voce, user, metodo, kwargs):
    _, rotta, per_metodo = voce
    policy = rotta.policy if rotta.operation is None else per_metodo.get(metodo)
    if policy is None:
        return "senza policy" if rotta.operation is None else METODO_NON_AMMESSO
    try:
        return policy.esito(user, metodo, kwargs)
    except Http404:
        return NON_TROVATO


def _policies(voce):
    _, rotta, per_metodo = voce
    return [p for p in ([rotta.policy] if rotta.operation is None else per_metodo.values()) if p is not None]


def _conforme(esito, response, api):
    stato = response.status_code
    al_login = stato == 302 and response["Location"].startswith(LOGIN)
    if esito == CONSENTITO:
        return stato < 500 and stato not in (401, 403, 405) and not al_login
    if esito == ACCESSO_RICHIESTO:
        return stato == 401 if api else al_login
    if esito == VIETATO:
        return stato == 403
    if esito == METODO_NON_AMMESSO:
        return stato == 405
    if esito == NON_TROVATO:
        return stato == 404
    return False


@pytest.mark.django_db
@pytest.mark.parametrize("voce", VOCI, ids=[v[0] for v in VOCI])
def test_role_matrix(demo_db, voce):
    nome, rotta, _ = voce
    api = rotta.operation is not None
    utenti = {ruolo: get_user_model().objects.get(username=u) if u else AnonymousUser() for ruolo, u in RUOLI.items()}
    # Each role logs in once per route, not once per sample (a client and a login cost more
    # than most of the requests).
    clienti = {ruolo: Client() for ruolo in utenti}
    for ruolo, user in utenti.items():
        if user.is_authenticated:
            clienti[ruolo].force_login(user)
    difformi, richieste = [], 0
    campioni = argomenti_di_esempio(rotta)
    if not any(p.per_oggetto for p in _policies(voce)):
        campioni = campioni[:1]  # the answer cannot depend on the object: one sample is enough
    for kwargs in campioni:
        url = url_di(rotta, kwargs)
        parametri = resolve(url).kwargs  # what the view and its policy receive
        for ruolo, user in utenti.items():
            client = clienti[ruolo]
            for metodo in METODI:
                esito = _atteso(voce, user, metodo, parametri)
                # Each request in a savepoint rolled back: a permitted write (a POST that
                # deletes, changes state) must not change what the next role sees.
                with transaction.atomic():
                    response = client.generic(metodo, url)
                    transaction.set_rollback(True)
                richieste += 1
                if not _conforme(esito, response, api):
                    dove = response.get("Location", "")
                    difformi.append(
                        f"{metodo} {url} as {ruolo}: policy says «{esito}», got {response.status_code} {dove}"
                    )
    assert richieste
    assert not difformi, f"{nome}: answers that differ from the declared policy:\n  " + "\n  ".join(difformi)


def test_every_role_of_the_matrix_exists_in_the_demo():
    from accounts.services import UTENTI_DEMO

    assert {u for u in RUOLI.values() if u} == {u[0] for u in UTENTI_DEMO} | {"admin"}
