"""Invitations and minutes of a meeting, by email to the members of its table.

Django's mail framework sends them (settings.EMAIL_BACKEND: SMTP in production, a folder of
.eml files in the demo). The project has no task framework yet, so sending happens after the
request's transaction commits, in a daemon thread: the request only composes the messages and
records an `InvioEmail` («in coda»); the thread talks to the mail server and marks the record
«inviato» or «non inviato» with the error. A slow or unreachable server never delays or breaks
the request; a process that stops before the thread ends leaves the record «in coda», visible
on the table's page, and the sending can be repeated. When a task framework (django-tasks)
arrives, `AVVIA` becomes its enqueue and nothing else changes.

Each member gets a message of their own: the addresses of the others are personal data.
"""

import logging
import threading

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, connection, transaction

from zona.lib import formato

from . import permessi
from .models import Componente, InvioEmail

log = logging.getLogger(__name__)


def _in_thread(funzione, *args):
    t = threading.Thread(target=funzione, args=args, daemon=True, name="zona-posta")
    t.start()
    return t


# How the sending is started after the commit (a test may replace it to join the thread).
AVVIA = _in_thread


def componi(incontro, tipo):
    """The messages for `incontro` (one per member with an email), not sent."""
    tavolo = incontro.tavolo
    piano = tavolo.piano
    quando = formato.data(incontro.data) + (f" alle {incontro.ora:%H:%M}" if incontro.ora else "")
    dove = "a distanza" if incontro.online else (incontro.luogo or "luogo da definire")
    if tipo == InvioEmail.Tipo.INVITO:
        oggetto = f"Invito: {tavolo.titolo} – {quando}"
        corpo = (
            f"Gentile componente del tavolo «{tavolo.titolo}»,\n\n"
            f"l'Ufficio di Piano dell'Ambito {piano.ambito.nome} la invita all'incontro di co-programmazione "
            f"del Piano di Zona {piano.triennio}:\n\n"
            f"Quando: {quando}\nDove: {dove}\n\n"
            f"Ordine del giorno:\n{incontro.ordine_del_giorno or '(da definire)'}\n"
        )
    else:
        oggetto = f"Verbale: {tavolo.titolo} – {formato.data(incontro.data)}"
        corpo = (
            f"Gentile componente del tavolo «{tavolo.titolo}»,\n\n"
            f"le inviamo il verbale dell'incontro del {quando} ({dove}).\n\n"
            f"{incontro.verbale or '(verbale non ancora redatto)'}\n"
        )
        if incontro.decisioni:
            corpo += f"\nDecisioni:\n{incontro.decisioni}\n"
    corpo += f"\n--\nUfficio di Piano – Ambito {piano.ambito.nome}\n"
    indirizzi = sorted(set(Componente.objects.filter(tavolo=tavolo).exclude(email="").values_list("email", flat=True)))
    return [EmailMessage(oggetto, corpo, settings.DEFAULT_FROM_EMAIL, [a]) for a in indirizzi]


def invia(user, incontro, tipo):
    """Queue the invitation or the minutes of `incontro` to its table's members. Returns the
    InvioEmail; the messages leave after the commit, outside the request."""
    piano = incontro.tavolo.piano
    if user is not None and not permessi.puo_scrivere(user, piano):
        raise PermissionDenied("Solo l'Ufficio di Piano dell'Ambito scrive ai componenti dei tavoli.")
    messaggi = componi(incontro, tipo)
    if not messaggi:
        raise ValidationError("Nessun componente del tavolo ha un indirizzo email.")
    invio = InvioEmail.objects.create(
        incontro=incontro, tipo=tipo, destinatari=len(messaggi), creato_da=user if user and user.pk else None
    )
    transaction.on_commit(lambda: AVVIA(spedisci, invio.pk, messaggi))
    return invio


def spedisci(invio_id, messaggi):
    """Send `messaggi` and record how it went. Never raises: it runs where nobody would see it."""
    stato, errore = InvioEmail.Stato.INVIATO, ""
    try:
        get_connection(fail_silently=False).send_messages(messaggi)
    except Exception as e:  # any failure of the mail server or of the network
        log.warning("invio email %s non riuscito: %s", invio_id, e)
        stato, errore = InvioEmail.Stato.ERRORE, str(e)[:300] or type(e).__name__
    try:
        InvioEmail.objects.filter(pk=invio_id).update(stato=stato, errore=errore)
    except DatabaseError as e:
        log.warning("stato dell'invio email %s non registrato: %s", invio_id, e)
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()
    return stato
