"""Optimistic locking (zona/lib/locking.py): the second of two concurrent edits is refused with a
message saying what changed, and nothing is overwritten."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from territorio.models import Comune
from zona.lib import locking
from zona.lib.locking import ModificaConcorrente, salva_con_versione

URL = "/comuni/016128/modifica/"


def _client(username):
    c = Client()
    c.force_login(get_user_model().objects.get(username=username))
    return c


def _versione_nel_form(html):
    return int(re.search(r'name="versione" value="(\d+)"', html).group(1))


@pytest.mark.django_db
def test_second_save_from_a_stale_page_is_refused_and_shows_what_changed(demo_db):
    comune, coordinamento = _client("comune.lovere"), _client("coordinamento")
    # Both open the page: same version in the hidden field.
    letta = _versione_nel_form(comune.get(URL).content.decode())
    assert letta == _versione_nel_form(coordinamento.get(URL).content.decode()) == 1

    r = comune.post(URL, {"pec": "", "sito_web": "", "telefono": "035 983611", "versione": letta})
    assert r.status_code == 302

    r = coordinamento.post(
        URL, {"pec": "protocollo@pec.comune.lovere.bg.it", "sito_web": "", "telefono": "", "versione": letta}
    )
    assert r.status_code == 200
    pagina = r.content.decode()
    assert "Qualcuno ha salvato questa scheda dopo che l&#x27;avete aperta" in pagina
    assert "Ultima modifica di comune.lovere il " in pagina
    assert "telefono: «» → «035 983611»." in pagina
    lovere = Comune.objects.get(pk="016128")
    assert (lovere.pec, lovere.telefono, lovere.versione) == ("", "035 983611", 2)

    # The form now carries the current version: a second submit, after reading, is deliberate.
    assert _versione_nel_form(pagina) == 2
    r = coordinamento.post(
        URL, {"pec": "protocollo@pec.comune.lovere.bg.it", "sito_web": "", "telefono": "035 983611", "versione": 2}
    )
    assert r.status_code == 302
    lovere.refresh_from_db()
    assert (lovere.pec, lovere.versione) == ("protocollo@pec.comune.lovere.bg.it", 3)


@pytest.mark.django_db
def test_form_without_version_is_refused_with_a_message(demo_db):
    r = _client("comune.lovere").post(URL, {"pec": "", "sito_web": "", "telefono": "1"})
    assert r.status_code == 200
    assert "Manca la versione dei dati letti" in r.content.decode()
    assert Comune.objects.get(pk="016128").telefono == ""


@pytest.mark.django_db
def test_service_saves_increments_and_refuses_stale_versions(demo_db):
    lovere = Comune.objects.get(pk="016128")
    salvato = salva_con_versione(lovere, 1, telefono="035 1")
    assert salvato.versione == lovere.versione == 2
    with pytest.raises(ModificaConcorrente) as e:
        salva_con_versione(Comune.objects.get(pk="016128"), 1, telefono="035 2")
    assert isinstance(e.value, ValidationError)
    assert e.value.modifiche[0]["dopo"] == "035 1"
    assert Comune.objects.get(pk="016128").telefono == "035 1"


@pytest.mark.django_db
def test_invalid_values_change_nothing(demo_db):
    lovere = Comune.objects.get(pk="016128")
    with pytest.raises(ValidationError) as e:
        salva_con_versione(lovere, 1, pec="non-una-pec")
    assert "pec" in e.value.message_dict
    lovere = Comune.objects.get(pk="016128")
    assert (lovere.pec, lovere.versione) == ("", 1)


@pytest.mark.django_db
def test_without_audit_trail_the_message_shows_current_values(demo_db, monkeypatch):
    monkeypatch.setattr(locking, "_modifiche_dal_registro", lambda attuale, versione: None)
    salva_con_versione(Comune.objects.get(pk="016128"), 1, telefono="035 1")
    with pytest.raises(ModificaConcorrente) as e:
        salva_con_versione(Comune.objects.get(pk="016128"), 1, telefono="035 2")
    assert "Valori attuali: telefono ora «035 1»." in e.value.message
