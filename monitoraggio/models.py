"""Follow-up of a plan: measurements of indicators, resources committed, end-of-plan evaluation.

The status of objectives and actions lives on them (programmazione.Obiettivo.stato): it is one
field that monitoring updates. What a source prints as a summary (e.g. "65 projects: 46 carried
out") is kept apart as a declared count, never mixed with the counts Zona computes.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from programmazione.models import Fondo, StatoAttuazione


class Misurazione(models.Model):
    """The value of an objective's indicator for a semester (1, 2) or a whole year (empty)."""

    indicatore = models.ForeignKey(
        "programmazione.IndicatoreObiettivo", on_delete=models.CASCADE, related_name="misurazioni"
    )
    anno = models.PositiveSmallIntegerField()
    semestre = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=[(1, "1° semestre"), (2, "2° semestre")], help_text="Vuoto: l'intero anno."
    )
    data = models.DateField("data della rilevazione")
    valore = models.DecimalField(max_digits=14, decimal_places=4)
    nota = models.TextField(blank=True)
    # Filled when the value is computed from the knowledge base instead of typed.
    fonte = models.CharField(max_length=300, blank=True)
    calcolata = models.BooleanField(default=False)
    inserita_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    inserita_il = models.DateTimeField(auto_now=True)
    versione = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "misurazione"
        verbose_name_plural = "misurazioni"
        ordering = ["indicatore", "anno", "semestre"]
        constraints = [
            # Two partial constraints: SQLite cannot treat NULL semesters as equal in one.
            models.UniqueConstraint(
                fields=["indicatore", "anno", "semestre"],
                condition=Q(semestre__isnull=False),
                name="misurazione_unica_per_semestre",
            ),
            models.UniqueConstraint(
                fields=["indicatore", "anno"],
                condition=Q(semestre__isnull=True),
                name="misurazione_unica_per_anno",
            ),
        ]

    def __str__(self):
        return f"{self.indicatore}: {self.valore} ({self.periodo})"

    @property
    def periodo(self):
        return f"{self.anno}" if self.semestre is None else f"{self.semestre}° semestre {self.anno}"


class Impegno(models.Model):
    """Resources committed and paid for an objective, per year and fund (Tabella 2)."""

    obiettivo = models.ForeignKey("programmazione.Obiettivo", on_delete=models.CASCADE, related_name="impegni")
    anno = models.PositiveSmallIntegerField()
    fondo = models.CharField(max_length=10, choices=Fondo.choices)
    impegnato = models.DecimalField("impegnato (€)", max_digits=12, decimal_places=2)
    liquidato = models.DecimalField("liquidato (€)", max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = "impegno"
        verbose_name_plural = "impegni"
        ordering = ["obiettivo", "anno", "fondo"]
        constraints = [
            models.UniqueConstraint(fields=["obiettivo", "anno", "fondo"], name="impegno_unico"),
            models.CheckConstraint(
                condition=Q(impegnato__gte=0) & Q(liquidato__gte=0),
                name="impegno_non_negativo",
                violation_error_message="Gli importi non possono essere negativi.",
            ),
        ]

    def __str__(self):
        return f"{self.obiettivo.codice} {self.anno} {self.fondo}"


class Valutazione(models.Model):
    """The end-of-plan evaluation of an objective, with every field of the regional Tabella 2."""

    obiettivo = models.OneToOneField("programmazione.Obiettivo", on_delete=models.CASCADE, related_name="valutazione")
    grado_raggiungimento = models.PositiveSmallIntegerField(
        "grado di raggiungimento (%)", null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    grado_testo = models.CharField("grado di raggiungimento come scritto nella fonte", max_length=500, blank=True)
    valutazione_utenti = models.TextField("valutazione da parte degli utenti", blank=True)
    coincidenza_risorse = models.PositiveSmallIntegerField(
        "coincidenza tra risorse stanziate e impegnate/liquidate (%)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Vuoto: Zona la calcola dalle risorse e dagli impegni dell'obiettivo.",
    )
    coincidenza_testo = models.CharField("coincidenza come scritta nella fonte", max_length=500, blank=True)
    criticita = models.TextField("criticità rilevate", blank=True)
    piano_miglioramento = models.TextField("piano di miglioramento", blank=True)
    risposto_bisogno = models.BooleanField("ha risposto adeguatamente a un bisogno", null=True, blank=True)
    risposto_bisogno_motivo = models.TextField("motivazione", blank=True)
    continuita_precedente = models.BooleanField("in continuità con la programmazione precedente", null=True, blank=True)
    riproposto = models.BooleanField("verrà riproposto nella prossima programmazione", null=True, blank=True)
    riproposto_motivo = models.TextField("motivazione della scelta", blank=True)
    fonte = models.CharField(max_length=300, blank=True)
    versione = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "valutazione"
        verbose_name_plural = "valutazioni"
        ordering = ["obiettivo"]

    def __str__(self):
        return f"Valutazione di {self.obiettivo}"


class ConteggioDichiarato(models.Model):
    """A count printed by a source ("46 projects carried out"), per area and status: kept to be
    compared with what Zona counts, used only where the objectives' own statuses are missing."""

    piano = models.ForeignKey("programmazione.Piano", on_delete=models.CASCADE, related_name="conteggi_dichiarati")
    area = models.CharField(max_length=200, help_text="«TOTALE» per il totale del piano.")
    stato = models.CharField(
        max_length=25, choices=StatoAttuazione.choices, blank=True, help_text="Vuoto: tutti gli stati."
    )
    numero = models.PositiveIntegerField()
    percentuale_stampata = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    macroarea = models.ForeignKey(
        "programmazione.MacroArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="La macroarea del piano i cui obiettivi questo conteggio riassume.",
    )
    testo = models.CharField("testo della fonte", max_length=300, blank=True)
    fonte = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "conteggio dichiarato"
        verbose_name_plural = "conteggi dichiarati"
        ordering = ["piano", "area", "stato"]
        constraints = [models.UniqueConstraint(fields=["piano", "area", "stato"], name="conteggio_unico")]

    def __str__(self):
        return f"{self.area} {self.stato or 'tutti'}: {self.numero}"
