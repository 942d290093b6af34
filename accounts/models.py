"""Who may do what, and where: one role per user, scoped to a territory."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from zona.lib.codice_fiscale import codice_fiscale
from zona.lib.valori import ValoreNonValido


def valida_codice_fiscale(valore):
    """A person's codice fiscale (16 characters, check character right); the message never
    repeats the code."""
    try:
        pulito = codice_fiscale(valore)
    except ValoreNonValido as e:
        raise ValidationError(str(e)) from None
    if len(pulito) != 16:
        raise ValidationError("il codice fiscale di una persona ha 16 caratteri.")


def _normalizza_cf(valore):
    return "".join((valore or "").split()).upper() or None


class TipoRuolo(models.TextChoices):
    COORDINAMENTO = "coordinamento", "Coordinamento provinciale"
    UFFICIO_DI_PIANO = "ufficio_di_piano", "Ufficio di Piano"
    COMUNE = "comune", "Comune"
    # Health agencies: they read the plans of their territory and write the socio-health
    # objectives they share (programmazione.permessi, monitoraggio.permessi).
    ATS = "ats", "ATS"
    ASST = "asst", "ASST"
    # A member of a co-programming table: its tables are the Componente rows that name the user
    # (coprogrammazione.permessi); no territory.
    TAVOLO = "tavolo", "Componente di un tavolo di co-programmazione"


# The roles of people who work for the Ambiti (machine clients, data loads take only these).
RUOLI_DEGLI_AMBITI = (TipoRuolo.COORDINAMENTO, TipoRuolo.UFFICIO_DI_PIANO, TipoRuolo.COMUNE)


class Profilo(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profilo")
    ruolo = models.CharField(max_length=20, choices=TipoRuolo.choices)
    ambito = models.ForeignKey(
        "territorio.Ambito", null=True, blank=True, on_delete=models.PROTECT, related_name="profili"
    )
    comune = models.ForeignKey(
        "territorio.Comune", null=True, blank=True, on_delete=models.PROTECT, related_name="profili"
    )
    ats = models.ForeignKey("territorio.ATS", null=True, blank=True, on_delete=models.PROTECT, related_name="profili")
    asst = models.ForeignKey("territorio.ASST", null=True, blank=True, on_delete=models.PROTECT, related_name="profili")
    # The SPID/CIE login finds the user by it (accounts/spid.py); empty for password-only users.
    codice_fiscale = models.CharField(
        "codice fiscale",
        max_length=16,
        null=True,
        blank=True,
        unique=True,
        validators=[valida_codice_fiscale],
        help_text="Per l'accesso con SPID o CIE: 16 caratteri, maiuscoli.",
    )

    class Meta:
        verbose_name = "profilo"
        verbose_name_plural = "profili"
        constraints = [
            # The scope must match the role: an Ufficio di Piano works for one Ambito, a Comune
            # user for one Comune, an ATS or ASST user for that agency, the provincial
            # coordination for all, a member of a table for the tables that name them.
            models.CheckConstraint(
                condition=(
                    Q(
                        ruolo="coordinamento",
                        ambito__isnull=True,
                        comune__isnull=True,
                        ats__isnull=True,
                        asst__isnull=True,
                    )
                    | Q(
                        ruolo="ufficio_di_piano",
                        ambito__isnull=False,
                        comune__isnull=True,
                        ats__isnull=True,
                        asst__isnull=True,
                    )
                    | Q(ruolo="comune", ambito__isnull=True, comune__isnull=False, ats__isnull=True, asst__isnull=True)
                    | Q(ruolo="ats", ambito__isnull=True, comune__isnull=True, ats__isnull=False, asst__isnull=True)
                    | Q(ruolo="asst", ambito__isnull=True, comune__isnull=True, ats__isnull=True, asst__isnull=False)
                    | Q(ruolo="tavolo", ambito__isnull=True, comune__isnull=True, ats__isnull=True, asst__isnull=True)
                ),
                name="profilo_ambito_coerente_con_ruolo",
                violation_error_message="L'ambito territoriale non corrisponde al ruolo.",
            )
        ]

    def clean(self):
        super().clean()
        self.codice_fiscale = _normalizza_cf(self.codice_fiscale)

    def save(self, *args, **kwargs):
        # "" from a form would collide with every other empty code on the unique index.
        self.codice_fiscale = _normalizza_cf(self.codice_fiscale)
        super().save(*args, **kwargs)

    def __str__(self):
        scope = self.ambito or self.comune or self.ats or self.asst or "provincia"
        return f"{self.user} – {self.get_ruolo_display()} ({scope})"


class ClientMacchina(models.Model):
    """A machine client (a Comune's or capofila's system) that calls the API with a token.

    Its scope is that of a user: each client has its own technical user (no password, so no
    login through the pages) with a Profilo, so every permission rule and every "loaded by" of
    the imports applies to it unchanged. The token is shown once; only its SHA-256 is stored
    (the secret is 256 random bits: a slow hash would add nothing but CPU on every request)."""

    nome = models.CharField("nome", max_length=100)
    utente = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_macchina", editable=False
    )
    prefisso = models.CharField(max_length=16, unique=True, editable=False)
    impronta = models.CharField(max_length=64, editable=False)
    creato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    creato_il = models.DateTimeField("creato il", auto_now_add=True)
    scadenza = models.DateTimeField("scadenza")
    ultimo_uso = models.DateTimeField("ultimo uso", null=True, blank=True)
    revocato_il = models.DateTimeField("revocato il", null=True, blank=True)

    class Meta:
        verbose_name = "client di sistema"
        verbose_name_plural = "client di sistema"
        ordering = ["-creato_il", "-pk"]

    def __str__(self):
        return self.nome
