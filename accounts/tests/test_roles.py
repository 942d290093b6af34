"""Who can see and change what, role by role, including refusals."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model

from territorio.models import Comune, Organo

PUBLIC_PAGES = ["/", "/ambiti/alto-sebino/", "/comuni/016128/", "/cerca/?q=lovere", "/export/", "/api/ambiti"]

# route -> users allowed (others logged in get 403, anonymous are sent to the login page)
EDIT_ROUTES = {
    "/ambiti/alto-sebino/ufficio-di-piano/modifica/": {"coordinamento", "udp.altosebino", "admin"},
    "/ambiti/alto-sebino/incarichi/nuovo/": {"coordinamento", "udp.altosebino", "admin"},
    "/comuni/016128/modifica/": {"coordinamento", "comune.lovere", "admin"},
    "/comuni/016086/modifica/": {"coordinamento", "admin"},  # Costa Volpino: not Lovere's
    "/importa/": {"coordinamento", "admin"},
    "/registro-modifiche/": {"coordinamento", "admin"},
}
USERS = ["coordinamento", "udp.altosebino", "udp.dalmine", "comune.lovere", "admin"]


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_reads_without_login(client, demo_db, url):
    assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(EDIT_ROUTES))
def test_anonymous_is_sent_to_login(client, demo_db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/accedi/")


@pytest.mark.django_db
@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("url", list(EDIT_ROUTES))
def test_role_matrix(client, demo_db, url, username):
    login(client, username)
    expected = 200 if username in EDIT_ROUTES[url] else 403
    assert client.get(url).status_code == expected


@pytest.mark.django_db
def test_ufficio_di_piano_edits_its_own_ambito_and_the_change_is_audited(client, demo_db):
    login(client, "udp.altosebino")
    response = client.post(
        "/ambiti/alto-sebino/ufficio-di-piano/modifica/",
        {
            "indirizzo": "Via Del Cantiere 4, Lovere",
            "telefono": "035/000000",
            "email": "udp@example.org",
            "sito_web": "",
            "versione": 1,
        },
    )
    assert response.status_code == 302
    ufficio = Organo.objects.get(pk="udp-alto-sebino")
    assert ufficio.telefono == "035/000000"
    entry = LogEntry.objects.get_for_object(ufficio).latest("timestamp")
    assert entry.actor.username == "udp.altosebino"
    assert entry.changes_dict["telefono"] == ["035/983896", "035/000000"]


@pytest.mark.django_db
def test_ufficio_di_piano_cannot_post_to_another_ambito(client, demo_db):
    login(client, "udp.dalmine")
    response = client.post("/ambiti/alto-sebino/ufficio-di-piano/modifica/", {"telefono": "1"})
    assert response.status_code == 403
    assert Organo.objects.get(pk="udp-alto-sebino").telefono == "035/983896"


@pytest.mark.django_db
def test_comune_edits_its_own_contacts_with_validation(client, demo_db):
    login(client, "comune.lovere")
    response = client.post(
        "/comuni/016128/modifica/", {"pec": "non-una-pec", "sito_web": "", "telefono": "", "versione": 1}
    )
    assert response.status_code == 200
    assert "Indirizzo PEC non valido." in response.content.decode()
    assert Comune.objects.get(pk="016128").pec == ""
    response = client.post(
        "/comuni/016128/modifica/",
        {"pec": "protocollo@pec.comune.lovere.bg.it", "sito_web": "", "telefono": "", "versione": 1},
    )
    assert response.status_code == 302
    assert Comune.objects.get(pk="016128").pec == "protocollo@pec.comune.lovere.bg.it"


@pytest.mark.django_db
def test_comune_cannot_edit_another_comune(client, demo_db):
    login(client, "comune.lovere")
    response = client.post("/comuni/016086/modifica/", {"pec": "x@pec.it"})
    assert response.status_code == 403
    assert Comune.objects.get(pk="016086").pec == ""


@pytest.mark.django_db
def test_ufficio_di_piano_registers_an_office_holder(client, demo_db):
    login(client, "udp.altosebino")
    assemblea = Organo.objects.get(pk="assemblea-alto-sebino")
    response = client.post(
        "/ambiti/alto-sebino/incarichi/nuovo/",
        {
            "organo": assemblea.pk,
            "persona_nome": "Mario Rossi",
            "ruolo": "vicepresidente",
            "qualifica": "Sindaco",
            "comune": "016128",
            "dal": "2025-03-01",
            "al": "",
        },
    )
    assert response.status_code == 302
    page = client.get("/ambiti/alto-sebino/").content.decode()
    assert "Mario Rossi" in page
    # Before the start of office, the page for that day does not show him.
    assert "Mario Rossi" not in client.get("/ambiti/alto-sebino/", {"data": "2025-02-28"}).content.decode()


@pytest.mark.django_db
def test_office_holder_form_refuses_end_before_start_and_foreign_organs(client, demo_db):
    login(client, "udp.altosebino")
    data = {
        "organo": "assemblea-alto-sebino",
        "persona_nome": "Mario Rossi",
        "ruolo": "vicepresidente",
        "dal": "2025-03-01",
        "al": "2025-01-01",
    }
    response = client.post("/ambiti/alto-sebino/incarichi/nuovo/", data)
    assert "La data di fine non può precedere la data di inizio." in response.content.decode()
    response = client.post("/ambiti/alto-sebino/incarichi/nuovo/", {**data, "organo": "assemblea-dalmine", "al": ""})
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida" in response.content.decode()


@pytest.mark.django_db
def test_audit_trail_visible_to_the_province_only(client, demo_db):
    login(client, "comune.lovere")
    client.post(
        "/comuni/016128/modifica/",
        {"pec": "protocollo@pec.comune.lovere.bg.it", "sito_web": "", "telefono": "", "versione": 1},
    )
    login(client, "coordinamento")
    page = client.get("/registro-modifiche/").content.decode()
    assert "comune.lovere" in page
    assert "protocollo@pec.comune.lovere.bg.it" in page
    login(client, "udp.altosebino")
    assert client.get("/registro-modifiche/").status_code == 403


@pytest.mark.django_db
def test_admin_is_for_superusers_only(client, demo_db):
    login(client, "coordinamento")
    assert client.get("/admin/").status_code == 302
    login(client, "admin")
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_login_is_locked_after_repeated_failures(client, demo_db):
    for _ in range(5):
        response = client.post("/account/accedi/", {"username": "coordinamento", "password": "sbagliata"})
    response = client.post("/account/accedi/", {"username": "coordinamento", "password": "zona-demo-2025"})
    assert response.status_code == 429
    assert "Accesso temporaneamente bloccato" in response.content.decode()


@pytest.mark.django_db
def test_login_with_the_demo_password(client, demo_db):
    response = client.post("/account/accedi/", {"username": "udp.altosebino", "password": "zona-demo-2025"})
    assert response.status_code == 302
    assert "udp.altosebino" in client.get("/").content.decode()
