import pytest
from django.contrib.auth import get_user_model


@pytest.mark.django_db
def test_ambiti_list_with_counts(client, demo_db):
    data = client.get("/api/ambiti").json()
    assert len(data) == 14
    alto = next(a for a in data if a["codice"] == "alto-sebino")
    assert alto == {
        "codice": "alto-sebino",
        "nome": "Alto Sebino",
        "distretto": "est-cavallina-sebino",
        "numero_comuni": 10,
    }


@pytest.mark.django_db
def test_ambito_detail(client, demo_db):
    data = client.get("/api/ambiti/alto-sebino", {"data": "2025-06-01"}).json()
    assert data["asst"] == "ASST Bergamo Est"
    assert data["ente_capofila"] == "Comunità Montana dei Laghi Bergamaschi"
    assert [c["nome"] for c in data["comuni"]][:3] == ["Bossico", "Castro", "Costa Volpino"]
    presidenti = [i["persona"] for i in data["incarichi"] if i["ruolo"] == "Presidente"]
    assert presidenti == ["Simona Figaroli"]


@pytest.mark.django_db
def test_comune_search_and_detail(client, demo_db):
    assert client.get("/api/comuni", {"q": "Urganò"}).json() == [
        {"codice_istat": "016222", "nome": "Urgnano", "ambito": "dalmine"}
    ]
    data = client.get("/api/comuni/016222").json()
    assert data["nomi_alternativi"] == ["Urganò"]
    assert data["storia"][0]["ambito"] == "dalmine"


@pytest.mark.django_db
def test_unknown_codes_and_bad_dates(client, demo_db):
    assert client.get("/api/comuni/999999").status_code == 404
    assert client.get("/api/ambiti/nessuno").status_code == 404
    assert client.get("/api/ambiti", {"data": "31/12/2025"}).status_code == 422


@pytest.mark.django_db
def test_audit_api_is_for_the_province_only(client, demo_db):
    assert client.get("/api/modifiche").status_code == 401
    client.force_login(get_user_model().objects.get(username="udp.dalmine"))
    assert client.get("/api/modifiche").status_code == 403
    client.force_login(get_user_model().objects.get(username="coordinamento"))
    assert client.get("/api/modifiche").status_code == 200


def test_openapi_schema_lists_the_registry_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/ambiti",
        "/api/ambiti/{codice}",
        "/api/comuni",
        "/api/comuni/{codice_istat}",
        "/api/distretti",
    } <= set(paths)


@pytest.mark.django_db
def test_indicator_values(client, demo_db):
    data = client.get(
        "/api/indicatori/valori",
        {"livello": "ambito", "anno": 2023, "indicatore": "popolazione", "territorio": "alto-sebino"},
    ).json()
    assert data == [
        {
            "livello": "ambito",
            "codice_territorio": "alto-sebino",
            "territorio": "Alto Sebino",
            "anno": 2023,
            "indicatore": "popolazione",
            "valore": 29688.0,
        }
    ]
    assert client.get("/api/indicatori/valori", {"livello": "regione"}).status_code == 422
    assert client.get("/api/indicatori/valori", {"livello": "ambito", "indicatore": "felicita"}).status_code == 404


@pytest.mark.django_db
def test_catalogue(client, demo_db):
    indicatori = {i["codice"]: i for i in client.get("/api/indicatori").json()}
    assert indicatori["indice_vecchiaia"]["formula"] == [
        "Numeratore: +1 × popolazione_residente età 65-…",
        "Denominatore: +1 × popolazione_residente età 0-14",
    ]
    assert "popolazione_residente" in {m["codice"] for m in client.get("/api/misure").json()}
