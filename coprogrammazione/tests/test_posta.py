"""Invitations and minutes by email: a real SMTP server (aiosmtpd) started by the test receives
them; the request only queues, the sending runs after the commit in another thread."""

import datetime
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import ValidationError

from coprogrammazione import posta, services
from coprogrammazione.models import InvioEmail, Organizzazione
from testsupport.fabbriche import utente_con_ruolo


class Raccoglitore:
    def __init__(self):
        self.messaggi = []

    async def handle_DATA(self, server, session, envelope):
        # As a mail client reads it: headers decoded, the body in text.
        m = email.message_from_bytes(envelope.content, policy=email.policy.default)
        testo = f"Subject: {m['subject']}\nTo: {m['to']}\n\n{m.get_content()}"
        self.messaggi.append((envelope.rcpt_tos, testo))
        return "250 OK"


def _porta_libera():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    raccoglitore = Raccoglitore()
    controller = Controller(raccoglitore, hostname="127.0.0.1", port=_porta_libera())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield raccoglitore
    controller.stop()


@pytest.fixture
def tavolo(registro_minimo):
    r = registro_minimo
    coop = Organizzazione.objects.create(nome="Cooperativa del Lago", tipo="cooperativa")
    t = services.crea_tavolo(None, r.approvato, "Tavolo anziani")
    services.aggiungi_componente(None, t, coop, nome="Maria Rossi", email="maria@example.org")
    services.aggiungi_componente(None, t, nome="Anna Verdi", email="anna@example.org")
    services.aggiungi_componente(None, t, nome="Senza email")
    i = services.registra_incontro(
        None, t, datetime.date(2021, 10, 4), luogo="Sala consiliare", ordine_del_giorno="Lettura del contesto"
    )
    i.verbale = "Si è discusso di domiciliarità."
    i.save()
    return t, i, utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=r.lago)


@pytest.fixture
def thread_avviati(monkeypatch):
    avviati = []

    def avvia(funzione, *args):
        avviati.append(posta._in_thread(funzione, *args))

    monkeypatch.setattr(posta, "AVVIA", avvia)
    return avviati


@pytest.mark.django_db
def test_invito_arriva_a_ogni_componente_separatamente(
    client, smtp, tavolo, thread_avviati, django_capture_on_commit_callbacks
):
    t, incontro, udp = tavolo
    client.force_login(udp)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = client.post(f"/tavoli/{t.pk}/", {"azione": "invio", "invio-incontro": incontro.pk, "invio-tipo": "invito"})
    assert r.status_code == 302
    assert smtp.messaggi == []  # nothing leaves during the request
    invio = InvioEmail.objects.get()
    assert (invio.tipo, invio.destinatari, invio.stato) == ("invito", 2, "in_coda")
    for cb in callbacks:
        cb()
    for th in thread_avviati:
        th.join(timeout=20)
    assert sorted(rcpt for rcpt, _ in smtp.messaggi) == [["anna@example.org"], ["maria@example.org"]]
    for _, testo in smtp.messaggi:
        assert "Subject: Invito: Tavolo anziani – 04/10/2021" in testo
        assert "Sala consiliare" in testo and "Lettura del contesto" in testo
        assert "04/10/2021" in testo
        # Each message names one recipient: no member sees another's address.
        assert not ("anna@example.org" in testo and "maria@example.org" in testo)


@pytest.mark.django_db
def test_verbale_e_esito_registrato(smtp, tavolo):
    t, incontro, udp = tavolo
    messaggi = posta.componi(incontro, "verbale")
    invio = InvioEmail.objects.create(incontro=incontro, tipo="verbale", destinatari=len(messaggi))
    assert posta.spedisci(invio.pk, messaggi) == "inviato"
    invio.refresh_from_db()
    assert invio.stato == "inviato"
    assert len(smtp.messaggi) == 2
    for _, testo in smtp.messaggi:
        # Decoded as a mail client shows it: the accented text of the minutes, whole.
        assert "Subject: Verbale: Tavolo anziani – 04/10/2021" in testo
        assert "Si è discusso di domiciliarità." in testo


@pytest.mark.django_db
def test_server_irraggiungibile_non_rompe_nulla(settings, tavolo):
    t, incontro, udp = tavolo
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _porta_libera(), 2
    messaggi = posta.componi(incontro, "invito")
    invio = InvioEmail.objects.create(incontro=incontro, tipo="invito", destinatari=len(messaggi))
    assert posta.spedisci(invio.pk, messaggi) == "errore"
    invio.refresh_from_db()
    assert invio.stato == "errore" and invio.errore


@pytest.mark.django_db
def test_nessun_indirizzo(tavolo):
    t, incontro, udp = tavolo
    t.componenti.update(email="")
    with pytest.raises(ValidationError, match="indirizzo email"):
        posta.invia(udp, incontro, "invito")
    assert not InvioEmail.objects.exists()
