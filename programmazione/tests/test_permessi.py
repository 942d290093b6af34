"""Who sees and who writes a plan: drafts stay in their Ambito, approved plans are frozen."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programmazione import services
from programmazione.models import Obiettivo, Piano, Risorsa
from testsupport.fabbriche import utente

pytestmark = pytest.mark.django_db


def _login(client, username):
    client.force_login(utente(username))


def test_public_sees_approved_plans_and_not_drafts(client, bozza, approvato):
    elenco = client.get("/piani/").content.decode()
    assert "2021-2023" in elenco and "2024-2026" not in elenco
    assert client.get(f"/piani/{approvato.pk}/").status_code == 200
    # A draft does not exist for who may not see it: 404 like a missing id, not a login page
    # (which would tell that the id exists).
    assert client.get(f"/piani/{bozza.pk}/").status_code == 404
    assert client.get(f"/piani/{bozza.pk}/sinottica/").status_code == 404
    ob = bozza.obiettivi.get()
    assert client.get(f"/obiettivi/{ob.pk}/").status_code == 404
    assert [p["triennio"] for p in client.get("/api/piani?ambito=alto-sebino").json()] == ["2018-2020", "2021-2023"]
    assert client.get(f"/api/piani/{bozza.pk}").status_code == 404
    assert client.get(f"/api/obiettivi/{ob.pk}").status_code == 404


@pytest.mark.parametrize(
    "username,vede",
    [("udp.altosebino", True), ("comune.lovere", True), ("coordinamento", True), ("udp.dalmine", False)],
)
def test_draft_is_seen_by_its_ambito_and_the_coordination_only(client, bozza, username, vede):
    _login(client, username)
    assert client.get(f"/piani/{bozza.pk}/").status_code == (200 if vede else 404)
    assert client.get(f"/api/piani/{bozza.pk}").status_code == (200 if vede else 404)
    assert ("2024-2026" in client.get("/piani/").content.decode()) is vede


@pytest.mark.parametrize("username,stato", [("udp.dalmine", 404), ("comune.lovere", 403), ("coordinamento", 403)])
def test_only_the_ufficio_di_piano_of_the_ambito_edits_its_draft(client, bozza, username, stato):
    """Who sees the draft but may not write it gets 403; another Ambito does not see it: 404."""
    _login(client, username)
    ob = bozza.obiettivi.get()
    assert client.get(f"/piani/{bozza.pk}/obiettivi/nuovo/").status_code == stato
    risposta = client.post(
        f"/obiettivi/{ob.pk}/risorse/", {"risorsa-anno": 2024, "risorsa-fondo": "fnps", "risorsa-importo": "1000"}
    )
    assert risposta.status_code == stato
    assert not Risorsa.objects.filter(obiettivo=ob).exists()
    with pytest.raises(PermissionDenied):
        services.salva_obiettivo(utente(username), Obiettivo(piano=bozza, titolo="x", area_policy_id="A"))


def test_the_ufficio_di_piano_adds_a_resource_to_its_draft(client, bozza):
    _login(client, "udp.altosebino")
    ob = bozza.obiettivi.get()
    risposta = client.post(
        f"/obiettivi/{ob.pk}/risorse/",
        {"risorsa-anno": 2025, "risorsa-fondo": "fna", "risorsa-importo": "12500.50"},
        follow=True,
    )
    assert "Risorsa aggiunta." in risposta.content.decode()
    assert Risorsa.objects.get(obiettivo=ob).importo == pytest.approx(12500.50)


def test_negative_resource_is_refused_with_a_message_and_not_saved(client, bozza):
    _login(client, "udp.altosebino")
    ob = bozza.obiettivi.get()
    risposta = client.post(
        f"/obiettivi/{ob.pk}/risorse/",
        {"risorsa-anno": 2025, "risorsa-fondo": "fna", "risorsa-importo": "-3"},
        follow=True,
    )
    assert "L&#x27;importo non può essere negativo." in risposta.content.decode()
    assert not Risorsa.objects.filter(obiettivo=ob).exists()


def test_an_approved_plan_is_frozen_until_a_revision_is_opened(client, approvato):
    udp = utente("udp.altosebino")
    ob = approvato.obiettivi.first()
    ob.titolo = "Cambiato di nascosto"
    with pytest.raises(ValidationError, match="per modificarlo aprire una revisione"):
        services.salva_obiettivo(udp, ob)
    _login(client, "udp.altosebino")
    risposta = client.post(
        f"/obiettivi/{ob.pk}/risorse/",
        {"risorsa-anno": 2022, "risorsa-fondo": "fnps", "risorsa-importo": "10"},
        follow=True,
    )
    assert "per modificarlo aprire una revisione" in risposta.content.decode()
    assert not Risorsa.objects.filter(obiettivo=ob).exists()

    services.apri_revisione(udp, approvato, "Nuove risorse FNA")
    ob.refresh_from_db()
    ob.titolo = "Titolo rivisto"
    services.salva_obiettivo(udp, ob, ob.versione)
    services.chiudi_revisione(udp, approvato, "Delibera n. 3/2022")
    ob.refresh_from_db()
    ob.titolo = "Di nuovo"
    with pytest.raises(ValidationError):
        services.salva_obiettivo(udp, ob)
    assert approvato.revisioni.get().delibera == "Delibera n. 3/2022"


def test_another_ambito_cannot_create_a_plan_for_alto_sebino(client, demo_db):
    _login(client, "udp.dalmine")
    risposta = client.post("/piani/nuovo/", {"ambito": "alto-sebino", "anno_inizio": 2027})
    assert risposta.status_code == 200  # the form offers only Dalmine
    assert "Scegli un&#x27;opzione valida" in risposta.content.decode()
    assert not Piano.objects.filter(anno_inizio=2027).exists()
    _login(client, "comune.lovere")
    assert client.get("/piani/nuovo/").status_code == 403
