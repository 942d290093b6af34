"""The knowledge base: base measures observed on a territory and year, and indicators
computed from them.

Only base measures are stored as observations. Indicators are formulas (numerator and
denominator as sums of filtered measures, times a factor, in the spirit of DHIS2) computed by
the database when asked. Values that a source prints for an indicator are kept apart, as
published values, to be compared with the computed ones, never used in a computation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Livello(models.TextChoices):
    COMUNE = "comune", "Comune"
    AMBITO = "ambito", "Ambito"
    DISTRETTO = "distretto", "Distretto"
    ASST = "asst", "ASST"
    ATS = "ats", "ATS"
    PROVINCIA = "provincia", "Provincia"
    REGIONE = "regione", "Regione"
    ITALIA = "italia", "Italia"


class Misura(models.Model):
    codice = models.SlugField(primary_key=True, max_length=60)
    nome = models.CharField(max_length=200)
    unita = models.CharField("unità di misura", max_length=40)
    descrizione = models.TextField(help_text="Che cosa si conta, a quale data, da quale fonte.")
    per_eta = models.BooleanField("disaggregata per età", default=False)
    per_sesso = models.BooleanField("disaggregata per sesso", default=False)
    puo_essere_negativa = models.BooleanField("può essere negativa", default=False)
    categorie = models.CharField(
        max_length=200, blank=True, help_text="Che cosa indica la colonna categoria (es. area di spesa)."
    )

    class Meta:
        verbose_name = "misura"
        verbose_name_plural = "misure"
        ordering = ["codice"]

    def __str__(self):
        return self.nome


class Indicatore(models.Model):
    codice = models.SlugField(primary_key=True, max_length=60)
    nome = models.CharField(max_length=200)
    unita = models.CharField("unità di misura", max_length=40)
    descrizione = models.TextField(help_text="Definizione, come la usa l'ISTAT.")
    fattore = models.DecimalField(max_digits=12, decimal_places=2, default=1)
    decimali = models.PositiveSmallIntegerField(default=1)
    ordine = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "indicatore"
        verbose_name_plural = "indicatori"
        ordering = ["ordine", "codice"]

    def __str__(self):
        return self.nome


class Termine(models.Model):
    """One addend of an indicator's numerator or denominator: a measure, optionally filtered
    by age band, sex and category."""

    class Parte(models.TextChoices):
        NUMERATORE = "num", "Numeratore"
        DENOMINATORE = "den", "Denominatore"

    indicatore = models.ForeignKey(Indicatore, on_delete=models.CASCADE, related_name="termini")
    parte = models.CharField(max_length=3, choices=Parte.choices)
    peso = models.DecimalField(
        max_digits=6, decimal_places=3, default=1, help_text="−1 per sottrarre, 0,5 per una media"
    )
    sfasamento = models.SmallIntegerField(
        default=0, help_text="Anni dopo l'anno dell'indicatore (1: la popolazione al 1° gennaio dell'anno dopo)"
    )
    misura = models.ForeignKey(Misura, on_delete=models.PROTECT, related_name="termini")
    eta_da = models.PositiveSmallIntegerField(null=True, blank=True)
    eta_a = models.PositiveSmallIntegerField(null=True, blank=True)
    sesso = models.CharField(max_length=1, blank=True, choices=[("M", "Maschi"), ("F", "Femmine")])
    categoria = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = "termine di un indicatore"
        verbose_name_plural = "termini degli indicatori"
        ordering = ["indicatore", "-parte", "id"]

    def __str__(self):
        parts = [self.misura_id]
        if self.eta_da is not None or self.eta_a is not None:
            parts.append(f"età {self.eta_da or 0}-{self.eta_a if self.eta_a is not None else '…'}")
        if self.sesso:
            parts.append(self.sesso)
        if self.categoria:
            parts.append(self.categoria)
        if self.sfasamento:
            parts.append(f"anno+{self.sfasamento}")
        return f"{self.peso.normalize():+g} × " + " ".join(parts)


class Caricamento(models.Model):
    """One accepted file. A later file for the same measures, territories and years supersedes
    it: its observations stay, for the history, but no longer count."""

    nome_file = models.CharField(max_length=300)
    formato = models.CharField(max_length=20)
    fonte = models.CharField(max_length=300)
    utente = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    creato_il = models.DateTimeField(auto_now_add=True)
    righe = models.PositiveIntegerField(default=0)
    sostituito_da = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="sostituisce"
    )

    class Meta:
        verbose_name = "caricamento"
        verbose_name_plural = "caricamenti"
        ordering = ["-creato_il", "-id"]

    @property
    def attivo(self):
        return self.sostituito_da_id is None

    def __str__(self):
        return f"{self.nome_file} ({self.creato_il:%d/%m/%Y %H:%M})"


class OsservazioneQuerySet(models.QuerySet):
    def attive(self):
        """The values that count: not deactivated one by one (a later file replaced part of
        their load) and of a load that no later file superseded as a whole. A superseded load
        is marked once, on the load, not on each of its (up to millions of) values."""
        return self.filter(attiva=True).exclude(caricamento__in=Caricamento.objects.filter(sostituito_da__isnull=False))


class Osservazione(models.Model):
    # Millions of rows per load: the foreign keys are checked by the importer (every code is
    # resolved before a row is written) and PROTECT/CASCADE by Django, not by the database, and
    # only the indexes that queries use exist. This keeps COPY close to its raw speed
    # (bench/README.md).
    caricamento = models.ForeignKey(
        Caricamento, on_delete=models.CASCADE, related_name="osservazioni", db_constraint=False
    )
    attiva = models.BooleanField(default=True)
    misura = models.ForeignKey(
        Misura, on_delete=models.PROTECT, related_name="osservazioni", db_constraint=False, db_index=False
    )
    livello = models.CharField(max_length=10, choices=Livello.choices)
    codice_territorio = models.CharField(max_length=60)
    # Set for Comune rows, so that rollups join the memberships in SQL.
    comune = models.ForeignKey(
        "territorio.Comune",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="osservazioni",
        db_constraint=False,
        db_index=False,
    )
    anno = models.PositiveSmallIntegerField()
    data_riferimento = models.DateField()
    eta_da = models.PositiveSmallIntegerField(null=True, blank=True)
    eta_a = models.PositiveSmallIntegerField(null=True, blank=True)
    sesso = models.CharField(max_length=1, blank=True)
    categoria = models.CharField(max_length=120, blank=True)
    valore = models.DecimalField(max_digits=20, decimal_places=4)

    objects = OsservazioneQuerySet.as_manager()

    class Meta:
        verbose_name = "osservazione"
        verbose_name_plural = "osservazioni"
        indexes = [
            models.Index(fields=["misura", "livello", "anno", "attiva"]),
            models.Index(fields=["comune"], name="osservazione_comune_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(livello="comune", comune__isnull=False) | (~Q(livello="comune") & Q(comune__isnull=True)),
                name="osservazione_comune_se_livello_comune",
            ),
            models.CheckConstraint(
                condition=Q(eta_a__isnull=True) | Q(eta_da__isnull=True) | Q(eta_a__gte=models.F("eta_da")),
                name="osservazione_eta_a_dopo_eta_da",
            ),
        ]


# The measures whose Comune values are also kept summed over ages and sexes (TotaleComune):
# the resident population by single year of age and sex is 1,6 M values a year for Italy, and
# its whole total is what the splits of funds, the densities and the rates divide by.
MISURE_CON_TOTALI = ("popolazione_residente",)


class TotaleComuneQuerySet(models.QuerySet):
    def attivi(self):
        """Those of the loads in use (as OsservazioneQuerySet.attive: the values deactivated
        one by one are out of the totals already)."""
        return self.exclude(caricamento__in=Caricamento.objects.filter(sostituito_da__isnull=False))


class TotaleComune(models.Model):
    """The sum of a load's active values of a measure for a Comune, year, reference date and
    category, over every age and sex (MISURE_CON_TOTALI): what a term with no age or sex filter
    reads (conoscenza.selectors), 8.000 rows a year for Italy instead of 1,6 M. Written with the
    values and whenever some of them are deactivated (services.aggiorna_totali), deleted with
    their load."""

    caricamento = models.ForeignKey(Caricamento, on_delete=models.CASCADE, related_name="totali_comuni")
    misura = models.ForeignKey(Misura, on_delete=models.PROTECT, related_name="+", db_index=False)
    comune = models.ForeignKey("territorio.Comune", on_delete=models.PROTECT, related_name="+", db_index=False)
    anno = models.PositiveSmallIntegerField()
    data_riferimento = models.DateField()
    categoria = models.CharField(max_length=120, blank=True)
    valore = models.DecimalField(max_digits=20, decimal_places=4)

    objects = TotaleComuneQuerySet.as_manager()

    class Meta:
        verbose_name = "totale di un Comune"
        verbose_name_plural = "totali dei Comuni"
        indexes = [models.Index(fields=["misura", "anno"], name="totalecomune_misura_anno_idx")]


class ValorePubblicato(models.Model):
    """An indicator's value as a source prints it, kept to compare with the computed one."""

    caricamento = models.ForeignKey(Caricamento, on_delete=models.CASCADE, related_name="valori_pubblicati")
    attiva = models.BooleanField(default=True)
    indicatore = models.ForeignKey(Indicatore, on_delete=models.PROTECT, related_name="valori_pubblicati")
    livello = models.CharField(max_length=10, choices=Livello.choices)
    codice_territorio = models.CharField(max_length=60)
    anno = models.PositiveSmallIntegerField()
    categoria = models.CharField(max_length=120, blank=True)
    valore = models.DecimalField(max_digits=20, decimal_places=4)
    nota = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "valore pubblicato"
        verbose_name_plural = "valori pubblicati"
