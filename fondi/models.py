"""The money of the plan: the fund catalogue and the ledger of each Ambito.

The ledger is kept per Ambito, fund and year of competence (an `Esercizio`); every change of
money is a `Movimento`, an act with number, date, amount and who recorded it. Nothing is edited
in place: a correction is a new movement that `corregge` the old one and replaces it in every
sum (the audit trail shows both). Derived figures (available, committed not paid, ...) are
never stored: selectors compute them in SQL from the movements that no later one corrects.

The chain every Esercizio keeps (services refuse a movement that would break it):

    0 <= rendicontato <= liquidato <= impegnato <= programmato <= assegnato + riportato - riportato_fuori

where programmato and impegnato are net of economie (a saving frees a commitment and the
programming behind it, so that it can be carried over to the next year as a residuo).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q


class FonteFondo(models.TextChoices):
    STATO = "stato", "Stato"
    REGIONE = "regione", "Regione"
    UE = "ue", "Unione europea (PNRR)"
    COMUNI = "comuni", "Comuni"
    SANITA = "ats_asst", "ATS / ASST"
    UTENTI = "utenti", "Utenti"
    ALTRI_ENTI = "altri_enti", "Altri enti pubblici"
    ALTRO = "altro", "Altre entrate"


class Fondo(models.Model):
    """A fund of the catalogue (reference data, loaded from fondi/data/fondi.csv)."""

    codice = models.SlugField(primary_key=True, max_length=20)
    nome = models.CharField(max_length=200)
    fonte = models.CharField(max_length=12, choices=FonteFondo.choices)
    riferimento = models.CharField("riferimento normativo", max_length=300, blank=True)
    # Empty: the fund may finance every area.
    aree = models.ManyToManyField(
        "programmazione.AreaPolicy", blank=True, related_name="fondi", verbose_name="aree di policy finanziabili"
    )
    anni_utilizzo = models.PositiveSmallIntegerField(
        "anni per l'utilizzo", null=True, blank=True, help_text="Da usare entro il 31/12 dell'anno di competenza + N."
    )
    mesi_rendicontazione = models.PositiveSmallIntegerField(
        "mesi per la rendicontazione", null=True, blank=True, help_text="Da rendicontare entro N mesi dall'utilizzo."
    )
    ordine = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = "fondo"
        verbose_name_plural = "fondi"
        ordering = ["ordine", "codice"]

    def __str__(self):
        return self.nome


class Esercizio(models.Model):
    """The ledger key: one Ambito, one fund, one year of competence. Services lock this row
    (select_for_update) before checking and adding a movement, so two concurrent writes to the
    same ledger are serialised; a closed year takes no movement."""

    ambito = models.ForeignKey("territorio.Ambito", on_delete=models.PROTECT, related_name="esercizi_fondi")
    fondo = models.ForeignKey(Fondo, on_delete=models.PROTECT, related_name="esercizi")
    anno = models.PositiveSmallIntegerField("anno di competenza")
    chiuso_il = models.DateField("chiuso il", null=True, blank=True)

    class Meta:
        verbose_name = "esercizio di un fondo"
        verbose_name_plural = "esercizi dei fondi"
        ordering = ["ambito", "anno", "fondo"]
        # The province's pages read a year of every Ambito; the unique key starts with the Ambito.
        indexes = [models.Index(fields=["anno"], name="esercizio_anno")]
        constraints = [
            models.UniqueConstraint(fields=["ambito", "fondo", "anno"], name="esercizio_unico"),
            models.CheckConstraint(condition=Q(anno__gte=1990) & Q(anno__lte=2100), name="esercizio_anno_plausibile"),
        ]

    def __str__(self):
        return f"{self.fondo} {self.anno} – {self.ambito}"

    @property
    def chiuso(self):
        return self.chiuso_il is not None


class TipoMovimento(models.TextChoices):
    ASSEGNAZIONE = "assegnazione", "Assegnazione"
    RIPORTO = "riporto", "Residuo riportato dall'anno prima"
    PROGRAMMAZIONE = "programmazione", "Programmazione"
    IMPEGNO = "impegno", "Impegno"
    LIQUIDAZIONE = "liquidazione", "Liquidazione"
    RENDICONTAZIONE = "rendicontazione", "Rendicontazione"
    ECONOMIA = "economia", "Economia"
    RIPORTO_FUORI = "riporto_fuori", "Residuo riportato all'anno dopo"


class Movimento(models.Model):
    # Indexed by movimento_somme below (its first column): no index of its own.
    esercizio = models.ForeignKey(Esercizio, on_delete=models.PROTECT, related_name="movimenti", db_index=False)
    tipo = models.CharField(max_length=16, choices=TipoMovimento.choices)
    numero = models.CharField("numero dell'atto", max_length=100)
    data = models.DateField("data dell'atto")
    importo = models.DecimalField("importo (€)", max_digits=14, decimal_places=2)
    descrizione = models.CharField(max_length=300, blank=True)
    # What the money goes to (programmazione, impegno, rendicontazione).
    obiettivo = models.ForeignKey(
        "programmazione.Obiettivo", on_delete=models.PROTECT, null=True, blank=True, related_name="movimenti"
    )
    servizio = models.CharField("servizio o intervento", max_length=200, blank=True)
    area = models.ForeignKey(
        "programmazione.AreaPolicy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movimenti",
        verbose_name="area di policy",
    )
    beneficiario = models.CharField(max_length=200, blank=True)
    # Rendicontazione: the period reported and the users served.
    periodo_dal = models.DateField("periodo dal", null=True, blank=True)
    periodo_al = models.DateField("periodo al", null=True, blank=True)
    utenti = models.PositiveIntegerField("utenti", null=True, blank=True)
    corregge = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corretto_da",
        verbose_name="corregge il movimento",
    )
    # A carried-over residuo points to the movement that took it out of the previous year.
    origine = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="destinazione")
    fonte = models.CharField(max_length=300, blank=True)
    registrato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registrato_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "movimento"
        verbose_name_plural = "movimenti"
        ordering = ["esercizio", "data", "pk"]
        # Every balance is a SUM of importo by Esercizio and tipo: on PostgreSQL the index covers
        # it (importo, and id for the anti-join with the corrected movements), so a year of the
        # province (366.600 movements at national scale) is read from the index alone, not from
        # rows spread over the whole table. Other databases ignore INCLUDE.
        indexes = [models.Index(fields=["esercizio", "tipo"], include=["importo", "id"], name="movimento_somme")]
        constraints = [
            models.CheckConstraint(
                condition=Q(importo__gte=0),
                name="movimento_importo_non_negativo",
                violation_error_message="L'importo non può essere negativo.",
            ),
            models.CheckConstraint(
                condition=Q(periodo_dal__isnull=True)
                | Q(periodo_al__isnull=True)
                | Q(periodo_al__gte=F("periodo_dal")),
                name="movimento_periodo_ordinato",
                violation_error_message="Il periodo finisce prima di cominciare.",
            ),
        ]

    def __str__(self):
        return f"{self.get_tipo_display()} {self.numero} del {self.data:%d/%m/%Y}: {self.importo} €"


class Scenario(models.Model):
    """A what-if split, saved with a name: an amount shared among the Ambiti by their residents on
    1 January of `anno`, then within each Ambito among its Comuni by `criterio_comuni`. Only the
    parameters are stored: the figures are recomputed from them (and from the population then
    loaded) whenever the scenario is shown."""

    nome = models.CharField(max_length=200, unique=True)
    importo = models.DecimalField("importo da ripartire (€)", max_digits=14, decimal_places=2)
    anno = models.PositiveSmallIntegerField("anno della popolazione")
    criterio_comuni = models.CharField("criterio tra i Comuni", max_length=20, default="popolazione")
    eta_da = models.PositiveSmallIntegerField(null=True, blank=True)
    eta_a = models.PositiveSmallIntegerField(null=True, blank=True)
    quota_uguale = models.PositiveSmallIntegerField("parte in quote uguali (%)", null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    creato_da = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    creato_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "scenario di riparto"
        verbose_name_plural = "scenari di riparto"
        ordering = ["-creato_il"]
        constraints = [
            models.CheckConstraint(condition=Q(importo__gte=0), name="scenario_importo_non_negativo"),
        ]

    def __str__(self):
        return self.nome


class LineaPnrr(models.TextChoices):
    L111 = "1.1.1", "M5C2 1.1.1 Sostegno alle capacità genitoriali e prevenzione della vulnerabilità delle famiglie"
    L112 = "1.1.2", "M5C2 1.1.2 Autonomia degli anziani non autosufficienti"
    L113 = "1.1.3", "M5C2 1.1.3 Servizi sociali domiciliari per la dimissione anticipata assistita"
    L114 = "1.1.4", "M5C2 1.1.4 Rafforzamento dei servizi sociali e prevenzione del burn out degli operatori"
    L12 = "1.2", "M5C2 1.2 Percorsi di autonomia per persone con disabilità"
    L131 = "1.3.1", "M5C2 1.3.1 Povertà estrema: Housing First"
    L132 = "1.3.2", "M5C2 1.3.2 Povertà estrema: stazioni di posta"


class StatoProgetto(models.TextChoices):
    AMMESSO = "ammesso", "Ammesso a finanziamento"
    AVVIATO = "avviato", "Avviato"
    CONCLUSO = "concluso", "Concluso"
    RENDICONTATO = "rendicontato", "Rendicontato"
    REVOCATO = "revocato", "Revocato"


# The Codice Unico di Progetto: 15 characters, a letter, two digits, a letter, eleven digits.
CUP = r"^[A-Z][0-9]{2}[A-Z][0-9]{11}$"


class ProgettoPnrr(models.Model):
    ambito = models.ForeignKey("territorio.Ambito", on_delete=models.PROTECT, related_name="progetti_pnrr")
    linea = models.CharField("linea di investimento", max_length=6, choices=LineaPnrr.choices)
    titolo = models.CharField(max_length=300)
    cup = models.CharField(
        "CUP",
        max_length=15,
        unique=True,
        validators=[RegexValidator(CUP, "Il CUP ha 15 caratteri: una lettera, due cifre, una lettera, undici cifre.")],
    )
    importo = models.DecimalField("importo finanziato (€)", max_digits=14, decimal_places=2)
    stato = models.CharField(max_length=12, choices=StatoProgetto.choices, default=StatoProgetto.AMMESSO)
    fonte = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "progetto PNRR"
        verbose_name_plural = "progetti PNRR"
        ordering = ["ambito", "linea", "cup"]
        constraints = [
            models.CheckConstraint(condition=Q(importo__gte=0), name="progetto_pnrr_importo_non_negativo"),
            models.CheckConstraint(condition=Q(cup__regex=CUP), name="progetto_pnrr_cup_valido"),
        ]

    def __str__(self):
        return f"{self.cup} – {self.titolo}"


class Traguardo(models.Model):
    """A milestone (qualitative) or target (quantitative) of a PNRR project, with its due date."""

    progetto = models.ForeignKey(ProgettoPnrr, on_delete=models.CASCADE, related_name="traguardi")
    tipo = models.CharField(max_length=10, choices=[("milestone", "Milestone"), ("target", "Target")])
    descrizione = models.CharField(max_length=300)
    scadenza = models.DateField()
    raggiunto_il = models.DateField("raggiunto il", null=True, blank=True)

    class Meta:
        verbose_name = "traguardo PNRR"
        verbose_name_plural = "traguardi PNRR"
        ordering = ["progetto", "scadenza"]

    def __str__(self):
        return f"{self.get_tipo_display()} {self.scadenza:%d/%m/%Y}: {self.descrizione}"
