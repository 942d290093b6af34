"""Background jobs: long work (imports of large files, documents, batches, recomputations) runs
outside the web request, on Django's task API (the `django-tasks` backport of Django 6's
`django.tasks`) with its database backend: the queue is a table of the one PostgreSQL, so a job
queued by any app server is run by a worker on any machine (`manage.py db_worker`, README).

A `Lavoro` is what the user sees: queued, running with real progress, done with a link to the
result, failed with the reason in Italian. An app offers a job in two steps:

    from lavori.services import Esito, ErroreLavoro, accoda, eseguibile

    @eseguibile                                   # only registered functions can be run
    def importa_grande(lavoro, avanzamento):      # runs in the worker
        ...; avanzamento(righe_lette, totale)     # progress, any time (cheap: kept in memory)
        return Esito("Caricate 12.000 righe.", url="/dati/caricamenti/")   # or file=File(...)

    lavoro = accoda(request.user, importa_grande, "Caricamento di dati.csv", dati=contenuto)
    return redirect(url_lavoro(lavoro))

A job fails with its reason when it raises ErroreLavoro (the message is shown as it is) or
FileRifiutato (zona.lib.tabular: the rows' errors are shown like those of an upload page); any
other exception fails it with a generic message and is logged. The job's own writes are its
app's business: an import is one transaction (zona.lib.importazione), so a job that fails, or
whose worker is killed (SIGKILL, a crash, a restart), stores nothing.

A killed worker cannot say so: while a job runs, a thread of its process writes a heartbeat
(`battito`) every LAVORI_BATTITO_SECONDI, with the progress; a job "in corso" whose heartbeat is
older than LAVORI_SCADENZA_SECONDI is marked failed by `segna_interrotti` (called when jobs are
listed or shown, and by the worker command's loop through the job pages), never retried on its
own: a retry of an import is the user's choice (the file is kept only until the job ends).
"""

import datetime
import logging
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass

from auditlog.context import set_actor
from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError, close_old_connections, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from zona.lib.tabular import FileRifiutato

from .models import Lavoro

log = logging.getLogger(__name__)

FUNZIONI = {}
INTERROTTO = (
    "Il lavoro si è interrotto: il processo che lo eseguiva è terminato (riavvio o arresto del server). "
    "Non è stato salvato nulla: avviarlo di nuovo."
)
ERRORE_INTERNO = "Il lavoro non è riuscito per un errore interno; è stato registrato nel log del server."


class ErroreLavoro(Exception):
    """A failure whose message (Italian, for the user) is the job's reason."""


@dataclass
class Esito:
    """What a job function returns: a message, and a link (`url`) or a file (any object with
    contenuto, nome and content_type, like documenti.services.File)."""

    messaggio: str
    url: str = ""
    file: object = None


def eseguibile(funzione):
    """Register `funzione(lavoro, avanzamento) -> Esito` as runnable by the worker."""
    FUNZIONI[percorso(funzione)] = funzione
    return funzione


def percorso(funzione):
    return f"{funzione.__module__}.{funzione.__qualname__}"


def url_lavoro(lavoro):
    """The job's page (for an API answer, make it absolute with request.build_absolute_uri)."""
    return reverse("lavori:lavoro", kwargs={"lavoro": lavoro.pk})


def accoda(utente, funzione, titolo, *, parametri=None, dati=None, nome_file="", unita="righe lette", riusa=False):
    """Create the job and queue it; returns the Lavoro. `parametri` must be JSON (ids, codes,
    not objects); `dati` the bytes of an uploaded file. `riusa`: if the user already has the
    same job (function and parameters) queued or running, that one (a document asked for twice
    is composed once)."""
    if percorso(funzione) not in FUNZIONI:
        raise ValueError(f"{percorso(funzione)} non è registrata con @eseguibile")
    if riusa and utente is not None and utente.is_authenticated:
        for gemello in Lavoro.objects.filter(
            utente=utente, funzione=percorso(funzione), stato__in=[Lavoro.IN_CODA, Lavoro.IN_CORSO]
        ).defer("dati", "risultato"):
            if gemello.parametri == (parametri or {}):
                return gemello
    from .tasks import esegui

    lavoro = Lavoro.objects.create(
        utente=utente if utente is not None and utente.is_authenticated else None,
        titolo=titolo[:200],
        funzione=percorso(funzione),
        parametri=parametri or {},
        dati=dati,
        nome_file=nome_file[:255],
        unita=unita,
    )
    # LAVORI_CODA: another backend of settings.TASKS (a test queues on the database from a
    # process whose default runs jobs at once).
    risultato = esegui.using(backend=getattr(settings, "LAVORI_CODA", "default")).enqueue(lavoro.pk)
    # The immediate backend (tests) has already run the job: do not overwrite what it wrote.
    Lavoro.objects.filter(pk=lavoro.pk).update(id_task=str(risultato.id))
    lavoro.refresh_from_db()
    return lavoro


class _Battito(threading.Thread):
    """Writes the progress and the heartbeat of a running job from its own database connection
    (the job's transaction is not visible to the pages until it commits, this is)."""

    def __init__(self, lavoro_id):
        super().__init__(daemon=True, name=f"battito-lavoro-{lavoro_id}")
        self.lavoro_id = lavoro_id
        self.fatti = self.totale = 0
        self.fermo = threading.Event()

    def run(self):
        try:
            while not self.fermo.wait(settings.LAVORI_BATTITO_SECONDI):
                self.scrivi()
        finally:
            connection.close()

    def scrivi(self):
        try:
            Lavoro.objects.filter(pk=self.lavoro_id, stato=Lavoro.IN_CORSO).update(
                fatti=self.fatti, totale=self.totale, battito=timezone.now()
            )
        except OperationalError:  # SQLite while the job holds the write lock: next beat
            log.debug("battito del lavoro %s non scritto", self.lavoro_id)


def esegui_lavoro(lavoro_id):
    """Run the job `lavoro_id` (called by the task in the worker). Never raises: every outcome is
    written on the job."""
    with transaction.atomic():
        lavoro = Lavoro.objects.select_for_update().filter(pk=lavoro_id).first()
        if lavoro is None or lavoro.stato != Lavoro.IN_CODA:
            return  # gone, or already run (a task delivered twice)
        lavoro.stato, lavoro.iniziato_il, lavoro.battito = Lavoro.IN_CORSO, timezone.now(), timezone.now()
        lavoro.tentativi += 1
        lavoro.save(update_fields=["stato", "iniziato_il", "battito", "tentativi"])
    # A heartbeat only when this row is visible to other connections: not in a test's transaction.
    battito = None if connection.in_atomic_block else _Battito(lavoro.pk)
    stato = {"fatti": 0, "totale": 0}

    def avanzamento(fatti, totale=None):
        stato["fatti"] = int(fatti)
        if totale is not None:
            stato["totale"] = max(int(totale), stato["fatti"])
        if battito is not None:
            battito.fatti, battito.totale = stato["fatti"], stato["totale"]

    if battito is not None:
        battito.start()
    esito, errori = None, []
    try:
        funzione = FUNZIONI.get(lavoro.funzione)
        if funzione is None:
            import_string(lavoro.funzione)  # registers it, if it is a job function at all
            funzione = FUNZIONI.get(lavoro.funzione)
        if funzione is None:
            raise ErroreLavoro("Tipo di lavoro sconosciuto.")
        # Audited as the user's own work, as if done on a page.
        with set_actor(lavoro.utente) if lavoro.utente is not None else nullcontext():
            esito = funzione(lavoro, avanzamento)
        messaggio, stato_finale = esito.messaggio, Lavoro.COMPLETATO
    except ErroreLavoro as e:
        messaggio, stato_finale = str(e), Lavoro.FALLITO
    except FileRifiutato as e:
        errori = [str(x) for x in e.errori]
        messaggio, stato_finale = "File rifiutato: non è stato salvato nulla.", Lavoro.FALLITO
    except Exception:
        log.exception("lavoro %s (%s) non riuscito", lavoro.pk, lavoro.funzione)
        messaggio, stato_finale = ERRORE_INTERNO, Lavoro.FALLITO
    finally:
        if battito is not None:
            battito.fermo.set()
            battito.join()
    _concludi(lavoro, stato_finale, messaggio, errori, esito, stato)


def _concludi(lavoro, stato_finale, messaggio, errori, esito, avanzamento):
    campi = {
        "stato": stato_finale,
        "messaggio": messaggio,
        "errori": errori,
        "concluso_il": timezone.now(),
        "dati": None,
        "fatti": avanzamento["fatti"],
        "totale": max(avanzamento["totale"], avanzamento["fatti"]),
    }
    if esito is not None:
        campi["risultato_url"] = esito.url[:300]
        if esito.file is not None:
            campi.update(
                risultato=esito.file.contenuto,
                risultato_nome=esito.file.nome[:255],
                risultato_tipo=esito.file.content_type[:120],
            )
    # Only a job still "in corso": one already marked interrupted stays so.
    Lavoro.objects.filter(pk=lavoro.pk, stato=Lavoro.IN_CORSO).update(**campi)
    lavoro.refresh_from_db()
    _avvisa(lavoro)


def _avvisa(lavoro):
    """An email to the owner when a long job ends (LAVORI_EMAIL_SECONDI)."""
    if lavoro.utente is None or not lavoro.utente.email or lavoro.iniziato_il is None:
        return
    durata = (lavoro.concluso_il - lavoro.iniziato_il).total_seconds()
    if durata < settings.LAVORI_EMAIL_SECONDI:
        return
    esito = "completato" if lavoro.stato == Lavoro.COMPLETATO else "non riuscito"
    dettagli = f"{settings.ZONA_URL_BASE}{url_lavoro(lavoro)}"
    corpo = f"{lavoro.titolo}: {esito}.\n\n{lavoro.messaggio}\n\nDettagli: {dettagli}\n"
    try:
        send_mail(f"Zona: lavoro {esito} – {lavoro.titolo}"[:150], corpo, None, [lavoro.utente.email])
    except Exception:  # the job is done: a mail server down must not change its outcome
        log.exception("email di fine lavoro %s non inviata", lavoro.pk)


def segna_interrotti(adesso=None):
    """Mark failed the jobs whose worker died (heartbeat older than LAVORI_SCADENZA_SECONDI),
    and their task results. Returns how many."""
    adesso = adesso or timezone.now()
    limite = adesso - datetime.timedelta(seconds=settings.LAVORI_SCADENZA_SECONDI)
    morti = list(Lavoro.objects.filter(stato=Lavoro.IN_CORSO, battito__lt=limite).values_list("pk", "id_task"))
    if not morti:
        return 0
    n = Lavoro.objects.filter(pk__in=[pk for pk, _ in morti], stato=Lavoro.IN_CORSO, battito__lt=limite).update(
        stato=Lavoro.FALLITO, messaggio=INTERROTTO, concluso_il=adesso, dati=None
    )
    _chiudi_task([t for _, t in morti if t])
    return n


def _chiudi_task(ids):
    """The task results of killed jobs stay RUNNING in django-tasks' table: mark them failed."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id__in=ids, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="lavori.services.Interrotto",
        traceback=INTERROTTO,
    )


def attendi(lavoro, secondi=30.0):
    """Wait until `lavoro` ends (commands, benches, tests with a real worker); the Lavoro."""
    fine = time.monotonic() + secondi
    while True:
        lavoro.refresh_from_db()
        if lavoro.finito or time.monotonic() > fine:
            return lavoro
        close_old_connections()
        time.sleep(0.1)
