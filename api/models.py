"""What the API remembers between requests: the answers given to an Idempotency-Key."""

from django.conf import settings
from django.db import models


class RichiestaIdempotente(models.Model):
    """The first answer to a write sent with an Idempotency-Key: a retry with the same key and
    the same body gets it again instead of loading the file twice. `stato` 0 = still running."""

    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    chiave = models.CharField(max_length=100)
    operazione = models.CharField(max_length=50)
    impronta = models.CharField(max_length=64)
    stato = models.PositiveSmallIntegerField(default=0)
    risposta = models.JSONField(null=True)
    creata = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "richiesta idempotente"
        verbose_name_plural = "richieste idempotenti"
        constraints = [models.UniqueConstraint(fields=["utente", "chiave"], name="idempotenza_chiave_unica")]
