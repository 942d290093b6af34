"""Who may do what, and where: one role per user, scoped to a territory."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class TipoRuolo(models.TextChoices):
    COORDINAMENTO = "coordinamento", "Coordinamento provinciale"
    UFFICIO_DI_PIANO = "ufficio_di_piano", "Ufficio di Piano"
    COMUNE = "comune", "Comune"


class Profilo(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profilo")
    ruolo = models.CharField(max_length=20, choices=TipoRuolo.choices)
    ambito = models.ForeignKey(
        "territorio.Ambito", null=True, blank=True, on_delete=models.PROTECT, related_name="profili"
    )
    comune = models.ForeignKey(
        "territorio.Comune", null=True, blank=True, on_delete=models.PROTECT, related_name="profili"
    )

    class Meta:
        verbose_name = "profilo"
        verbose_name_plural = "profili"
        constraints = [
            # The scope must match the role: an Ufficio di Piano works for one Ambito, a Comune
            # user for one Comune, the provincial coordination for all.
            models.CheckConstraint(
                condition=(
                    Q(ruolo="coordinamento", ambito__isnull=True, comune__isnull=True)
                    | Q(ruolo="ufficio_di_piano", ambito__isnull=False, comune__isnull=True)
                    | Q(ruolo="comune", ambito__isnull=True, comune__isnull=False)
                ),
                name="profilo_ambito_coerente_con_ruolo",
                violation_error_message="L'ambito territoriale non corrisponde al ruolo.",
            )
        ]

    def __str__(self):
        scope = self.ambito or self.comune or "provincia"
        return f"{self.user} – {self.get_ruolo_display()} ({scope})"
