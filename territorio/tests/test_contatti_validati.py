"""The Ufficio di Piano's email and website are validated (issue 17, point 8): any text used to
be accepted; now the form refuses it in Italian and saves nothing, and the model refuses it too."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from territorio.models import Organo, TipoOrgano

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]

URL = "/ambiti/alto-sebino/ufficio-di-piano/modifica/"


def _ufficio():
    return Organo.objects.get(ambito="alto-sebino", tipo=TipoOrgano.UFFICIO_DI_PIANO)


def _invia(client, **campi):
    ufficio = _ufficio()
    dati = {
        "indirizzo": ufficio.indirizzo,
        "telefono": ufficio.telefono,
        "email": ufficio.email,
        "sito_web": ufficio.sito_web,
        "versione": ufficio.versione,
    }
    dati.update(campi)
    return client.post(URL, dati)


@pytest.fixture
def ufficio_di_piano(client):
    client.force_login(get_user_model().objects.get(username="udp.altosebino"))
    return client


@pytest.mark.parametrize(
    ("campo", "valore", "messaggio"),
    [
        ("email", "scrivetemi pure", "Indirizzo email non valido"),
        ("email", "ufficio@", "Indirizzo email non valido"),
        ("sito_web", "non è un sito", "Indirizzo del sito non valido"),
        ("sito_web", "javascript:alert(1)", "Indirizzo del sito non valido"),
    ],
)
def test_bad_email_or_website_is_refused_and_nothing_saved(ufficio_di_piano, campo, valore, messaggio):
    prima = _ufficio()
    risposta = _invia(ufficio_di_piano, telefono="035 000000", **{campo: valore})
    assert risposta.status_code == 200
    assert messaggio in risposta.content.decode()
    dopo = _ufficio()
    assert (dopo.telefono, dopo.email, dopo.sito_web) == (prima.telefono, prima.email, prima.sito_web)


def test_good_values_are_saved_and_a_bare_host_gets_https(ufficio_di_piano):
    risposta = _invia(ufficio_di_piano, email="udp@altosebino.example.org", sito_web="www.altosebino.example.org")
    assert risposta.status_code == 302
    ufficio = _ufficio()
    assert ufficio.email == "udp@altosebino.example.org"
    assert ufficio.sito_web == "https://www.altosebino.example.org"


def test_the_model_refuses_them_too_and_the_demo_websites_are_urls():
    ufficio = _ufficio()
    ufficio.email, ufficio.sito_web = "non una email", "non un sito"
    with pytest.raises(ValidationError) as e:
        ufficio.full_clean()
    assert {"email", "sito_web"} <= set(e.value.message_dict)
    siti = Organo.objects.exclude(sito_web="").values_list("sito_web", flat=True)
    assert siti and all(s.startswith("https://") for s in siti)
