"""Secrets at rest, the account side (issue 17, point 8): sessions end after a few idle hours,
password rules refuse keyboard walks and speak Italian."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.middleware import CHIAVE_RINNOVO, RINNOVO


def _errori(password):
    try:
        validate_password(password)
    except ValidationError as e:
        return e.messages
    return []


def test_the_idle_timeout_is_hours_not_weeks():
    assert 60 * 60 <= settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert "accounts.middleware.RinnovoSessioneMiddleware" in settings.MIDDLEWARE


def _ultimo_rinnovo_un_minuto_fa(chiave):
    dati = Session.objects.get(pk=chiave).get_decoded()
    dati[CHIAVE_RINNOVO] -= RINNOVO
    Session.objects.filter(pk=chiave).update(session_data=Session.objects.encode(dati))


@pytest.mark.django_db
def test_an_idle_session_ends_and_an_active_one_is_extended(client):
    utente = get_user_model().objects.create_user("prova.sessione", password="Lovere2021sociale")
    client.force_login(utente)
    chiave = client.session.session_key

    # Used a while ago: any request moves the expiry a full idle period ahead.
    _ultimo_rinnovo_un_minuto_fa(chiave)
    Session.objects.filter(pk=chiave).update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    client.get("/")
    scadenza = Session.objects.get(pk=chiave).expire_date
    attesa = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((scadenza - attesa).total_seconds()) < 60

    # Idle past the timeout: the session is gone and the user is anonymous again.
    Session.objects.filter(pk=chiave).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    risposta = client.get("/registro-modifiche/")
    assert risposta.status_code == 302 and risposta["Location"].startswith("/account/accedi/")


@pytest.mark.django_db
def test_a_page_view_writes_the_session_at_most_once_a_minute(client):
    utente = get_user_model().objects.create_user("prova.rinnovo", password="Lovere2021sociale")
    client.force_login(utente)
    chiave = client.session.session_key
    dopo_il_login = Session.objects.get(pk=chiave).expire_date  # the login extended it

    vicina = timezone.now() + datetime.timedelta(minutes=30)
    Session.objects.filter(pk=chiave).update(expire_date=vicina)
    risposta = client.get("/")
    assert Session.objects.get(pk=chiave).expire_date == vicina  # not written again
    assert settings.SESSION_COOKIE_NAME not in risposta.cookies
    assert dopo_il_login > vicina

    # A minute later the same request extends it again, with a new cookie.
    _ultimo_rinnovo_un_minuto_fa(chiave)
    risposta = client.get("/")
    attesa = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((Session.objects.get(pk=chiave).expire_date - attesa).total_seconds()) < 60
    assert settings.SESSION_COOKIE_NAME in risposta.cookies


@pytest.mark.django_db
def test_an_anonymous_visit_creates_no_session(client):
    risposta = client.get("/")
    assert risposta.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in risposta.cookies
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_a_deactivated_user_is_logged_out_at_the_next_request(client):
    utente = get_user_model().objects.create_user("prova.disattivato", password="Lovere2021sociale")
    client.force_login(utente)
    assert client.get("/registro-modifiche/").status_code != 302
    get_user_model().objects.filter(pk=utente.pk).update(is_active=False)
    risposta = client.get("/registro-modifiche/")
    assert risposta.status_code == 302 and risposta["Location"].startswith("/account/accedi/")


@pytest.mark.parametrize(
    "password",
    ["qwertyuiopasdfgh", "asdfghjkl12345", "poiuytrewq0987", "abcdefgh12345678", "1qaz2wsx3edc4rfv", "aaaaaaaaaaaaaa"],
)
def test_keyboard_walks_and_sequences_are_refused(password):
    assert any("sequenza di tasti" in m for m in _errori(password))


@pytest.mark.parametrize("password", ["Lovere2021sociale", "Bergamo-Sebino-2025!", "correct horse battery staple"])
def test_ordinary_long_passwords_pass(password):
    assert _errori(password) == []


def test_password_messages_are_italian():
    assert _errori("Ab3$") == ["Password troppo corta: servono almeno 12 caratteri."]
    assert "Questa password è troppo comune." in _errori("password1234")
    assert "Questa password è interamente numerica." in _errori("73920518462915")


@pytest.mark.django_db
def test_the_user_of_a_request_is_the_orms_with_profile_and_places_in_one_query(
    registro_minimo, django_assert_num_queries
):
    """accounts.backends.utente_attivo (the ORM's statement written once per process) gives the
    objects of the ORM's own query: every field of the user, the profile and each place, a user
    without a profile, a deactivated or unknown one (None)."""
    from accounts.backends import PROFILO, utente_attivo
    from testsupport.fabbriche import utente_con_ruolo

    utenti = [
        utente_con_ruolo("coordinamento.u", "coordinamento"),
        utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago),
        utente_con_ruolo("comune.borgo", "comune", comune=registro_minimo.comuni["016901"]),
        utente_con_ruolo("ats.u", "ats", ats=registro_minimo.ats),
        utente_con_ruolo("asst.u", "asst", asst=registro_minimo.asst),
        get_user_model().objects.create(username="senza.profilo"),
    ]
    luoghi = ("ambito", "comune", "ats", "asst")

    def nomi(u):
        p = getattr(u, "profilo", None)
        return p and [p.ruolo] + [getattr(getattr(p, luogo), "nome", None) for luogo in luoghi]

    for u in utenti:
        atteso = get_user_model().objects.select_related(*PROFILO).get(pk=u.pk)
        with django_assert_num_queries(1):  # the profile and the places come with the user
            letto = utente_attivo(str(u.pk))  # as the session keeps it
            assert nomi(letto) == nomi(atteso)
        assert letto == atteso and letto._state.db == "default" and not letto._state.adding
        for campo in get_user_model()._meta.concrete_fields:
            assert getattr(letto, campo.attname) == getattr(atteso, campo.attname), campo.name
        if hasattr(atteso, "profilo"):
            for campo in type(atteso.profilo)._meta.concrete_fields:
                assert getattr(letto.profilo, campo.attname) == getattr(atteso.profilo, campo.attname)
    assert nomi(letto) is None and nomi(letti := utente_attivo(utenti[1].pk))[1] == "Lago"
    assert letti.profilo.ambito.pk == "lago"
    get_user_model().objects.filter(pk=utenti[1].pk).update(is_active=False)
    assert utente_attivo(utenti[1].pk) is None
    assert utente_attivo(10**9) is None
