"""The plan API: same data and permissions as the pages."""

from decimal import Decimal

import pytest

from programmazione.models import Piano
from testsupport.fabbriche import utente

pytestmark = pytest.mark.django_db


def test_plan_objectives_and_budget_through_the_api(client, bozza):
    client.force_login(utente("udp.altosebino"))
    ob = bozza.obiettivi.get()
    client.post(
        f"/obiettivi/{ob.pk}/risorse/", {"risorsa-anno": 2025, "risorsa-fondo": "fnps", "risorsa-importo": "1500.25"}
    )
    client.post(
        f"/obiettivi/{ob.pk}/risorse/", {"risorsa-anno": 2026, "risorsa-fondo": "fnps", "risorsa-importo": "1000"}
    )
    client.post(
        f"/obiettivi/{ob.pk}/indicatori/",
        {
            "indicatore-tipo": "output",
            "indicatore-descrizione": "Persone prese in carico",
            "indicatore-target_2025": "40",
            "indicatore-target_2026": "55",
        },
    )
    dati = client.get(f"/api/piani/{bozza.pk}").json()
    assert dati["stato"] == "bozza" and dati["anni"] == [2024, 2025, 2026]
    assert dati["budget"] == [
        {
            "fondo": "fnps",
            "nome": "FNPS – Fondo nazionale politiche sociali",
            "importi": ["0.00", "1500.25", "1000.00"],
            "totale": "2500.25",
        }
    ]
    obiettivi = client.get(f"/api/piani/{bozza.pk}/obiettivi").json()
    indicatore = obiettivi[0]["indicatori"][0]
    assert indicatore["descrizione"] == "Persone prese in carico"
    assert [(t["anno"], Decimal(t["valore"])) for t in indicatore["target"]] == [(2025, 40), (2026, 55)]


def test_api_riparto_for_two_ambiti(client, demo_db):
    r = client.get("/api/riparto?importo=1000.00&anno=2023&ambiti=alto-sebino&ambiti=dalmine").json()
    assert r["totale"] == "1000.00"
    assert [(q["ambito"], q["popolazione"]) for q in r["quote"]] == [("alto-sebino", 29688), ("dalmine", 145907)]
    errore = client.get("/api/riparto?importo=10&anno=1990")
    assert errore.status_code == 404  # well formed, but there is no population of 1990
    assert "Manca la popolazione al 1° gennaio 1990" in errore.json()["detail"]


def test_api_hides_other_ambiti_drafts(client, bozza):
    client.force_login(utente("udp.dalmine"))
    assert bozza.pk not in [p["id"] for p in client.get("/api/piani").json()]
    assert client.get(f"/api/piani/{bozza.pk}/obiettivi").status_code == 404
    ob = bozza.obiettivi.get()
    assert client.get(f"/api/obiettivi/{ob.pk}").status_code == 404
    approvato = Piano.objects.get(ambito="alto-sebino", anno_inizio=2021)
    assert client.get(f"/api/piani/{approvato.pk}/obiettivi").status_code == 200
