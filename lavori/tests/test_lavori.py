"""Background jobs (lavori/services.py): outcome, progress, who sees a job, the email at the
end, and jobs whose worker died. The tests run jobs inside the request (ImmediateBackend,
conftest); the real worker is in test_lavoro_interrotto.py."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lavori import services
from lavori.models import Lavoro
from lavori.tests import funzioni
from testsupport.fabbriche import utente_con_ruolo


@pytest.fixture
def utenti(riferimenti):
    from django.contrib.auth import get_user_model

    proprietario = get_user_model().objects.create(username="proprietario", email="p@example.org")
    return {
        "proprietario": proprietario,
        "altro": get_user_model().objects.create(username="altro"),
        "coordinamento": utente_con_ruolo("coord", "coordinamento"),
    }


def test_un_lavoro_completato_mostra_avanzamento_e_link(utenti, client):
    lavoro = services.accoda(utenti["proprietario"], funzioni.conta, "Conteggio", parametri={"n": 7})
    assert (lavoro.stato, lavoro.fatti, lavoro.totale) == (Lavoro.COMPLETATO, 7, 7)
    assert lavoro.messaggio == "Contate 7 righe." and lavoro.risultato_url == "/dati/caricamenti/"
    assert lavoro.id_task and lavoro.tentativi == 1 and lavoro.dati is None
    client.force_login(utenti["proprietario"])
    pagina = client.get(services.url_lavoro(lavoro)).content.decode()
    assert "Completato" in pagina and 'href="/dati/caricamenti/"' in pagina
    assert "Conteggio" in client.get(reverse("lavori:elenco")).content.decode()


def test_il_file_prodotto_si_scarica(utenti, client):
    lavoro = services.accoda(utenti["proprietario"], funzioni.file_pronto, "Documento")
    client.force_login(utenti["proprietario"])
    risposta = client.get(reverse("lavori:risultato", args=[lavoro.pk]))
    assert risposta.content == b"%PDF-finto" and risposta["Content-Type"] == "application/pdf"
    assert 'filename="piano.pdf"' in risposta["Content-Disposition"]
    senza_file = services.accoda(utenti["proprietario"], funzioni.conta, "Conteggio", parametri={"n": 1})
    assert client.get(reverse("lavori:risultato", args=[senza_file.pk])).status_code == 404


@pytest.mark.parametrize(
    "funzione, motivo",
    [
        (funzioni.rifiutato, "Il piano non esiste più."),
        (funzioni.righe_errate, "File rifiutato: non è stato salvato nulla."),
        (funzioni.guasto, services.ERRORE_INTERNO),
    ],
)
def test_un_lavoro_non_riuscito_dice_perche_in_italiano(utenti, client, funzione, motivo):
    lavoro = services.accoda(utenti["proprietario"], funzione, "Prova")
    assert lavoro.stato == Lavoro.FALLITO and lavoro.messaggio == motivo
    client.force_login(utenti["proprietario"])
    pagina = client.get(services.url_lavoro(lavoro)).content.decode()
    assert "Non riuscito" in pagina and motivo in pagina and "segreto interno" not in pagina
    if funzione is funzioni.righe_errate:
        (errore,) = lavoro.errori
        assert "4" in errore and "«abc» non è un numero." in errore
        assert "«abc» non è un numero." in pagina


def test_solo_il_proprietario_e_il_coordinamento_vedono_un_lavoro(utenti, client):
    lavoro = services.accoda(utenti["proprietario"], funzioni.conta, "Conteggio riservato", parametri={"n": 1})
    url = services.url_lavoro(lavoro)
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(utenti["altro"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("lavori:risultato", args=[lavoro.pk])).status_code == 404
    assert "Conteggio riservato" not in client.get(reverse("lavori:elenco")).content.decode()
    client.force_login(utenti["coordinamento"])
    assert client.get(url).status_code == 200
    assert "Conteggio riservato" in client.get(reverse("lavori:elenco")).content.decode()


def test_una_funzione_non_registrata_non_si_esegue(utenti):
    lavoro = Lavoro.objects.create(utente=utenti["proprietario"], titolo="x", funzione="os.system", parametri={})
    services.esegui_lavoro(lavoro.pk)
    lavoro.refresh_from_db()
    assert lavoro.stato == Lavoro.FALLITO and lavoro.messaggio == "Tipo di lavoro sconosciuto."
    services.esegui_lavoro(lavoro.pk)  # delivered twice: nothing happens the second time
    lavoro.refresh_from_db()
    assert lavoro.tentativi == 1


def test_email_alla_fine_di_un_lavoro_lungo(utenti, settings):
    settings.LAVORI_EMAIL_SECONDI = 0
    lavoro = services.accoda(utenti["proprietario"], funzioni.rifiutato, "Caricamento grande")
    (messaggio,) = mail.outbox
    assert messaggio.to == ["p@example.org"] and "non riuscito" in messaggio.subject
    assert "Il piano non esiste più." in messaggio.body and services.url_lavoro(lavoro) in messaggio.body
    settings.LAVORI_EMAIL_SECONDI = 3600
    services.accoda(utenti["proprietario"], funzioni.conta, "Breve", parametri={"n": 1})
    assert len(mail.outbox) == 1  # a short job sends nothing


def test_un_lavoro_senza_battito_e_segnato_interrotto(utenti, settings, client):
    settings.LAVORI_SCADENZA_SECONDI = 60
    adesso = timezone.now()
    vecchio = Lavoro.objects.create(
        utente=utenti["proprietario"],
        titolo="ucciso",
        funzione="x",
        stato=Lavoro.IN_CORSO,
        battito=adesso - datetime.timedelta(seconds=61),
        dati=b"file",
    )
    vivo = Lavoro.objects.create(
        utente=utenti["proprietario"],
        titolo="vivo",
        funzione="x",
        stato=Lavoro.IN_CORSO,
        battito=adesso - datetime.timedelta(seconds=30),
    )
    client.force_login(utenti["proprietario"])
    pagina = client.get(services.url_lavoro(vecchio)).content.decode()
    vecchio.refresh_from_db()
    vivo.refresh_from_db()
    assert vecchio.stato == Lavoro.FALLITO and vecchio.messaggio == services.INTERROTTO and vecchio.dati is None
    assert "Non è stato salvato nulla" in pagina
    assert vivo.stato == Lavoro.IN_CORSO


def test_lo_stesso_lavoro_chiesto_due_volte_si_riusa_finche_e_in_coda(utenti):
    proprietario = utenti["proprietario"]
    in_coda = Lavoro.objects.create(
        utente=proprietario, titolo="Conteggio", funzione=services.percorso(funzioni.conta), parametri={"n": 3}
    )
    assert services.accoda(proprietario, funzioni.conta, "Conteggio", parametri={"n": 3}, riusa=True) == in_coda
    # Other parameters, another user, or without riusa: a new job.
    altro = services.accoda(proprietario, funzioni.conta, "Conteggio", parametri={"n": 4}, riusa=True)
    assert altro != in_coda and altro.stato == Lavoro.COMPLETATO
    assert services.accoda(utenti["altro"], funzioni.conta, "Conteggio", parametri={"n": 3}, riusa=True) != in_coda
    assert services.accoda(proprietario, funzioni.conta, "Conteggio", parametri={"n": 3}) != in_coda
    # Once it ended, it is not reused.
    Lavoro.objects.filter(pk=in_coda.pk).update(stato=Lavoro.COMPLETATO)
    assert services.accoda(proprietario, funzioni.conta, "Conteggio", parametri={"n": 3}, riusa=True) != in_coda
