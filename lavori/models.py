"""A background job as its user sees it (lavori/services.py runs it).

Not audited on purpose: a job's record is bookkeeping of the platform, not data of the Ambiti,
and its heartbeat is written every few seconds. An audit entry would move the data version
(zona/lib/cache.py) and empty the cache of every page while a job runs. What a job changes
(a data load, a plan) is audited by the app that owns it, as if the user had done it on a page.
"""

from django.conf import settings
from django.db import models


class Lavoro(models.Model):
    IN_CODA, IN_CORSO, COMPLETATO, FALLITO = "in_coda", "in_corso", "completato", "fallito"
    STATI = [(IN_CODA, "In coda"), (IN_CORSO, "In corso"), (COMPLETATO, "Completato"), (FALLITO, "Non riuscito")]
    FINITI = (COMPLETATO, FALLITO)

    utente = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    titolo = models.CharField(max_length=200)
    # Dotted path of a function registered with @lavori.services.eseguibile: the worker refuses
    # any other, whatever the row says.
    funzione = models.CharField(max_length=200)
    parametri = models.JSONField(default=dict, blank=True)
    # The uploaded file, kept in the database (every app server and worker reads it; nothing on a
    # local disk) until the job ends, then emptied.
    dati = models.BinaryField(null=True, blank=True)
    nome_file = models.CharField(max_length=255, blank=True)
    stato = models.CharField(max_length=12, choices=STATI, default=IN_CODA)
    # Real progress: `fatti` of `totale` `unita` (righe lette, pagine composte); totale 0 = unknown.
    fatti = models.PositiveIntegerField(default=0)
    totale = models.PositiveIntegerField(default=0)
    unita = models.CharField(max_length=30, default="righe lette")
    messaggio = models.TextField(blank=True)  # the outcome, or the reason of a failure, in Italian
    errori = models.JSONField(default=list, blank=True)  # a refused file's errors, one text each
    risultato_url = models.CharField(max_length=300, blank=True)
    risultato = models.BinaryField(null=True, blank=True)  # a generated file, kept in the database
    risultato_nome = models.CharField(max_length=255, blank=True)
    risultato_tipo = models.CharField(max_length=120, blank=True)
    id_task = models.CharField(max_length=64, blank=True)  # the django-tasks result id
    tentativi = models.PositiveSmallIntegerField(default=0)
    creato_il = models.DateTimeField(auto_now_add=True)
    iniziato_il = models.DateTimeField(null=True, blank=True)
    concluso_il = models.DateTimeField(null=True, blank=True)
    # Written every few seconds by the process running the job: a job "in corso" whose heartbeat
    # stopped was killed with its worker (services.segna_interrotti).
    battito = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lavoro"
        verbose_name_plural = "lavori"
        ordering = ["-creato_il", "-id"]
        indexes = [models.Index(fields=["utente", "-creato_il"]), models.Index(fields=["stato", "battito"])]

    def __str__(self):
        return self.titolo

    @property
    def finito(self):
        return self.stato in self.FINITI

    @property
    def percentuale(self):
        if not self.totale:
            return None
        return min(100, round(100 * self.fatti / self.totale))
