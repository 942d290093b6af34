"""Every route declares who may read and write it (zona/lib/policies.py), and the site refuses
a route that does not."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path
from ninja import NinjaAPI

from accounts.routes import rotte
from api.api import api
from zona.lib.policies import AUTENTICATO, COORDINAMENTO, PUBBLICO, RouterZona, ZonaAPI, policy, policy_api


def _openapi_path(route):
    """Django route -> OpenAPI path: 'api/ambiti/<codice>' -> '/api/ambiti/{codice}'."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_route_declares_a_policy():
    senza = [
        f"{r.name} ({r.route}{' ' + '/'.join(r.methods) if r.methods else ''})"
        for r in rotte()
        if not r.esente and r.policy is None
    ]
    assert not senza, (
        "Routes without an access policy (decorate the view with zona.lib.policies.policy, or give the "
        "ninja operation auth=policy_api(...)):\n  " + "\n  ".join(senza)
    )


def test_only_the_admin_is_exempt():
    esenti = {r.route.split("/")[0] for r in rotte() if r.esente}
    assert esenti == {"admin"}


def test_every_operation_of_the_openapi_schema_declares_a_policy():
    operazioni = {}
    for r in rotte():
        for method in r.methods or ():
            operazioni[(_openapi_path(r.route), method.lower())] = r
    schema = api.get_openapi_schema()
    mancanti = []
    for percorso, metodi in schema["paths"].items():
        for metodo in metodi:
            rotta = operazioni.get((percorso, metodo))
            assert rotta is not None, f"{metodo.upper()} {percorso} is in the schema but not in the URLs"
            if rotta.policy is None:
                mancanti.append(f"{metodo.upper()} {percorso}")
    assert not mancanti, "API operations without policy_api: " + ", ".join(mancanti)
    assert len(schema["paths"]) >= 9


# --- a route added without a policy is closed, not open --------------------------------------


def _senza_policy(request):
    return HttpResponse("aperta")


@policy(read=PUBBLICO)
def _con_policy(request):
    return HttpResponse("dichiarata")


# A plain NinjaAPI mounted by mistake: its views carry no policy, the middleware closes them.
_api_estranea = NinjaAPI(urls_namespace="prova-estranea")


@_api_estranea.get("/senza")
def _api_senza(request):
    return {"aperta": True}


_api_di_prova = ZonaAPI(urls_namespace="prova-policy", docs_decorator=policy(read=PUBBLICO))


@_api_di_prova.get("/con", auth=policy_api(read=COORDINAMENTO))
def _api_con(request, limite: int = 1):
    return {"limite": limite}


@_api_di_prova.post("/scrivi", auth=policy_api(write=AUTENTICATO))
def _api_scrivi(request):
    return {"scritto": True}


urlpatterns = [
    path("senza/", _senza_policy),
    path("con/", _con_policy),
    path("api-prova/", _api_di_prova.urls),
    path("api-estranea/", _api_estranea.urls),
]


def test_an_api_operation_without_policy_is_refused_when_declared():
    router = RouterZona()
    with pytest.raises(ImproperlyConfigured, match="declares no policy"):

        @router.get("/aperta")
        def aperta(request):
            return {}

    with pytest.raises(ImproperlyConfigured, match="declares no policy"):

        @router.get("/altra", auth=None)
        def altra(request):
            return {}


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_middleware_refuses_routes_without_policy(client):
    response = client.get("/senza/")
    assert response.status_code == 403
    assert "senza regola di accesso" in response.content.decode()
    assert client.get("/con/").content == b"dichiarata"
    assert client.post("/con/").status_code == 405
    assert client.get("/api-estranea/senza").status_code == 403


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_policy_api_answers_401_403_and_passes_parameters(client):
    assert client.get("/api-prova/con").status_code == 401
    user = get_user_model().objects.create_user("qualcuno", password="x" * 20)
    client.force_login(user)
    response = client.get("/api-prova/con")
    assert response.status_code == 403
    assert response.json() == {"detail": "Operazione riservata al coordinamento provinciale."}
    user.is_superuser = True
    user.save()
    assert client.get("/api-prova/con?limite=7").json() == {"limite": 7}
    # The signature ninja sees is the endpoint's, not the wrapper's.
    schema = _api_di_prova.get_openapi_schema()
    parametri = schema["paths"]["/api-prova/con"]["get"]["parameters"]
    assert [p["name"] for p in parametri] == ["limite"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_policy_api_checks_csrf_on_writes_with_a_session():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.create_user("scrittore", password="x" * 20))
    response = client.post("/api-prova/scrivi", content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Controllo CSRF non superato."}
    segreto = "a" * 32  # a valid CSRF secret: cookie and header agree
    client.cookies["csrftoken"] = segreto
    response = client.post("/api-prova/scrivi", content_type="application/json", headers={"X-CSRFToken": segreto})
    assert response.json() == {"scritto": True}
