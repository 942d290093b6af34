import datetime

from territorio.models import Incarico, Organo, Persona, TipoOrgano
from testsupport.fabbriche import utente_con_ruolo


def test_ambiti_list_with_counts(client, registro_minimo):
    data = client.get("/api/ambiti").json()
    assert [a["codice"] for a in data] == ["lago", "pianura"]
    assert data[0] == {"codice": "lago", "nome": "Lago", "distretto": "distretto-prova", "numero_comuni": 3}
    assert data[1]["numero_comuni"] == 2
    # The list goes by Distretto: before 1/1/2021 the Ambiti belonged to none.
    assert client.get("/api/ambiti", {"data": "2020-12-31"}).json() == []


def test_ambito_detail(client, registro_minimo):
    assemblea = Organo.objects.create(
        codice="assemblea-lago",
        tipo=TipoOrgano.ASSEMBLEA_AMBITO,
        nome="Assemblea del Lago",
        ambito=registro_minimo.lago,
    )
    Incarico.objects.create(
        organo=assemblea,
        persona=Persona.objects.create(nome="Anna Rossi"),
        ruolo="presidente",
        comune=registro_minimo.comuni["016902"],
        dal=datetime.date(2024, 12, 2),
        attestato_il=datetime.date(2025, 1, 1),
    )
    data = client.get("/api/ambiti/lago", {"data": "2025-06-01"}).json()
    assert data["asst"] == "ASST di Prova"
    assert data["ente_capofila"] == "Comunità del Lago"
    assert [c["nome"] for c in data["comuni"]] == ["Borgo sul Lago", "Monte Alto", "Sant'Andrea"]
    assert [i["persona"] for i in data["incarichi"] if i["ruolo"] == "Presidente"] == ["Anna Rossi"]
    # Not yet in office on 1/12/2024.
    prima = client.get("/api/ambiti/lago", {"data": "2024-12-01"}).json()
    assert [i["persona"] for i in prima["incarichi"]] == []


def test_comune_search_and_detail(client, registro_minimo):
    assert client.get("/api/comuni", {"q": "Borgo Lago"}).json() == [
        {"codice_istat": "016901", "nome": "Borgo sul Lago", "ambito": "lago"}
    ]
    data = client.get("/api/comuni/016901").json()
    assert data["nomi_alternativi"] == ["Borgo Lago"]
    assert data["storia"][0]["ambito"] == "lago"
    assert client.get("/api/comuni/016906").json()["storia"] == []  # in no Ambito


def test_unknown_codes_and_bad_dates(client, registro_minimo):
    assert client.get("/api/comuni/999999").status_code == 404
    assert client.get("/api/ambiti/nessuno").status_code == 404
    assert client.get("/api/ambiti", {"data": "31/12/2025"}).status_code == 422


def test_audit_api_is_for_the_province_only(client, registro_minimo):
    assert client.get("/api/modifiche").status_code == 401
    client.force_login(utente_con_ruolo("udp.pianura", "ufficio_di_piano", ambito=registro_minimo.pianura))
    assert client.get("/api/modifiche").status_code == 403
    client.force_login(utente_con_ruolo("coordinamento", "coordinamento"))
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


def test_indicator_values(client, registro_minimo):
    data = client.get(
        "/api/indicatori/valori",
        {"livello": "ambito", "anno": 2023, "indicatore": "popolazione", "territorio": "lago"},
    ).json()
    assert data == [
        {
            "livello": "ambito",
            "codice_territorio": "lago",
            "territorio": "Lago",
            "anno": 2023,
            "indicatore": "popolazione",
            "valore": 1800.0,  # 1,000 + 500 + 300 residents of its three Comuni
        }
    ]
    assert client.get("/api/indicatori/valori", {"livello": "regione"}).status_code == 422
    assert client.get("/api/indicatori/valori", {"livello": "ambito", "indicatore": "felicita"}).status_code == 404


def test_catalogue(client, riferimenti):
    indicatori = {i["codice"]: i for i in client.get("/api/indicatori").json()}
    assert indicatori["indice_vecchiaia"]["formula"] == [
        "Numeratore: +1 × popolazione_residente età 65-…",
        "Denominatore: +1 × popolazione_residente età 0-14",
    ]
    assert "popolazione_residente" in {m["codice"] for m in client.get("/api/misure").json()}


def test_plans_drafts_only_for_their_ambito(client, registro_minimo):
    approvato, bozza = registro_minimo.approvato, registro_minimo.bozza
    assert client.get("/api/piani").json() == [
        {
            "id": approvato.pk,
            "ambito": "lago",
            "triennio": "2021-2023",
            "stato": "approvato",
            "approvato_il": "2021-03-15",
        }
    ]
    client.force_login(utente_con_ruolo("udp.pianura", "ufficio_di_piano", ambito=registro_minimo.pianura))
    assert [p["id"] for p in client.get("/api/piani").json()] == [approvato.pk]
    assert client.get(f"/api/piani/{bozza.pk}").status_code == 404  # hidden: as if it did not exist
    client.force_login(utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago))
    assert [p["id"] for p in client.get("/api/piani").json()] == [approvato.pk, bozza.pk]
    assert client.get(f"/api/piani/{bozza.pk}").json()["numero_obiettivi"] == 1


def test_objectives_of_a_plan_in_order(client, registro_minimo):
    obiettivi = client.get(f"/api/piani/{registro_minimo.approvato.pk}/obiettivi").json()
    assert [(o["codice"], o["titolo"], o["area_policy"]) for o in obiettivi] == [
        ("OB01", "Domiciliarità degli anziani", "D"),
        ("OB02", "Sportello per la disabilità", "J"),
    ]
    assert client.get(f"/api/piani/{registro_minimo.approvato.pk}").json()["numero_obiettivi"] == 2
