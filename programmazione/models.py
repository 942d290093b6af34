"""The Piano di Zona of an Ambito and the provincial Prologo.

A plan belongs to one Ambito and one triennio. Its objectives carry every field of the regional
*Tabella 3*; actions, indicators (with yearly targets) and resources (per year and fund) hang
off an objective. The provincial Prologo holds the shared objectives that plans link to.
Amounts are Decimals in euro with cents; counts and totals are always computed, never stored.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from offerta.models import Leps  # noqa: F401  (moved to offerta; objectives still name it here)

from . import permessi


class VisibiliQuerySet(models.QuerySet):
    """`visibili_a(user)`: the rows a user may see, by the one rule of programmazione.permessi.
    `CAMPO_PIANO` is the path from the model to its plan ("" for the plan itself)."""

    CAMPO_PIANO = ""

    def visibili_a(self, user):
        filtro = permessi.q_visibili(user, self.CAMPO_PIANO)
        return self if filtro is None else self.filter(filtro)


class PianoQuerySet(VisibiliQuerySet):
    def con_revisioni(self):
        """The plans with their revisions read in one query for the whole list: `proroga()`,
        `fine_vigenza`, `anni_in_vigore` and `revisione_aperta()` then read no more (each asks
        the database once per call otherwise)."""
        return self.prefetch_related("revisioni")


class ObiettivoQuerySet(VisibiliQuerySet):
    CAMPO_PIANO = "piano__"


class AreaPolicy(models.Model):
    """A regional policy area (macro-area A-J of the Lombardy guidelines)."""

    codice = models.CharField(max_length=1, primary_key=True)
    titolo = models.CharField(max_length=200)
    punti_chiave = models.TextField(blank=True, help_text="Un punto chiave per riga.")

    class Meta:
        verbose_name = "area di policy"
        verbose_name_plural = "aree di policy"
        ordering = ["codice"]

    def __str__(self):
        return f"{self.codice}. {self.titolo}"

    def elenco_punti(self):
        return [p for p in self.punti_chiave.splitlines() if p.strip()]


class StatoPiano(models.TextChoices):
    BOZZA = "bozza", "Bozza"
    APPROVATO = "approvato", "Approvato dall'Assemblea dei Sindaci"
    ACCORDO = "accordo", "Accordo di programma sottoscritto"
    VIGENTE = "vigente", "In vigore"
    CHIUSO = "chiuso", "Chiuso"


class Piano(models.Model):
    ambito = models.ForeignKey("territorio.Ambito", on_delete=models.PROTECT, related_name="piani")
    anno_inizio = models.PositiveSmallIntegerField()
    anno_fine = models.PositiveSmallIntegerField()
    titolo = models.CharField(max_length=300, blank=True)
    premessa = models.TextField(blank=True)
    stato = models.CharField(max_length=10, choices=StatoPiano.choices, default=StatoPiano.BOZZA)
    approvato_il = models.DateField("approvato il", null=True, blank=True)
    delibera = models.CharField("delibera di approvazione", max_length=200, blank=True)
    accordo_firmato_il = models.DateField("accordo di programma firmato il", null=True, blank=True)
    in_vigore_dal = models.DateField("in vigore dal", null=True, blank=True)
    chiuso_il = models.DateField("chiuso il", null=True, blank=True)
    fonte = models.CharField(max_length=300, blank=True)
    versione = models.PositiveIntegerField(default=1, editable=False)

    objects = PianoQuerySet.as_manager()

    class Meta:
        verbose_name = "Piano di Zona"
        verbose_name_plural = "Piani di Zona"
        ordering = ["ambito__nome", "-anno_inizio"]
        constraints = [
            models.UniqueConstraint(fields=["ambito", "anno_inizio"], name="piano_unico_per_triennio"),
            models.CheckConstraint(
                condition=Q(anno_fine__gte=F("anno_inizio")),
                name="piano_anni_ordinati",
                violation_error_message="L'anno di fine non può precedere l'anno di inizio.",
            ),
        ]

    def __str__(self):
        return f"Piano di Zona {self.triennio} – {self.ambito}"

    @property
    def triennio(self):
        return f"{self.anno_inizio}-{self.anno_fine}"

    @property
    def anni(self):
        return list(range(self.anno_inizio, self.anno_fine + 1))

    @property
    def pubblico(self):
        return self.stato != StatoPiano.BOZZA

    def _revisioni_lette(self):
        """The revisions, when a list read them with its plans (PianoQuerySet.con_revisioni), or
        None. Services that add or close a revision forget them (dimentica_revisioni)."""
        return getattr(self, "_prefetched_objects_cache", {}).get("revisioni")

    def dimentica_revisioni(self):
        getattr(self, "_prefetched_objects_cache", {}).pop("revisioni", None)

    def revisione_aperta(self):
        lette = self._revisioni_lette()
        if lette is not None:
            return next((r for r in sorted(lette, key=lambda r: r.numero) if r.chiusa_il is None), None)
        return self.revisioni.filter(chiusa_il__isnull=True).first()

    def proroga(self):
        """The last extension recorded (a revision with a new end date), or None."""
        lette = self._revisioni_lette()
        if lette is not None:
            return max((r for r in lette if r.prorogato_al is not None), key=lambda r: r.numero, default=None)
        return self.revisioni.filter(prorogato_al__isnull=False).order_by("-numero").first()

    @property
    def fine_vigenza(self):
        """The day the plan stops being in force: 31 December of its last year, or the end date
        of its last extension."""
        proroga = self.proroga()
        return proroga.prorogato_al if proroga else datetime.date(self.anno_fine, 12, 31)

    @property
    def anni_in_vigore(self):
        """The years of the triennio and of its extensions (monitoring runs over all of them; the
        triennio's own years stay `anni`, the unit of its budget)."""
        return list(range(self.anno_inizio, max(self.anno_fine, self.fine_vigenza.year) + 1))

    def modificabile(self):
        """Its content may change: a draft, or an approved plan with an open revision."""
        return self.stato == StatoPiano.BOZZA or self.revisione_aperta() is not None


class Revisione(models.Model):
    """A recorded change of an approved plan: while open, the plan is editable again.

    An extension (proroga) is a revision too, recorded closed: its new end date, the act that
    decided it (body, number, date) and the objectives carried on into the extra time."""

    piano = models.ForeignKey(Piano, on_delete=models.CASCADE, related_name="revisioni")
    numero = models.PositiveSmallIntegerField()
    motivo = models.TextField()
    aperta_il = models.DateTimeField(auto_now_add=True)
    # Empty for a revision loaded from the command line (the demo's extension from the seeds).
    aperta_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    chiusa_il = models.DateTimeField(null=True, blank=True)
    delibera = models.CharField("delibera che approva la revisione", max_length=200, blank=True)
    prorogato_al = models.DateField("prorogato al", null=True, blank=True)
    atto_ente = models.CharField("ente che ha deciso la proroga", max_length=200, blank=True)
    atto_numero = models.CharField("numero dell'atto", max_length=50, blank=True)
    atto_data = models.DateField("data dell'atto", null=True, blank=True)
    obiettivi_prorogati = models.ManyToManyField(
        "Obiettivo", blank=True, related_name="proroghe", verbose_name="obiettivi che proseguono nella proroga"
    )

    class Meta:
        verbose_name = "revisione"
        verbose_name_plural = "revisioni"
        ordering = ["piano", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["piano", "numero"], name="revisione_numero_unico"),
            models.UniqueConstraint(fields=["piano"], condition=Q(chiusa_il__isnull=True), name="una_revisione_aperta"),
        ]

    def __str__(self):
        return f"Revisione {self.numero} – {self.piano}"


class MacroArea(models.Model):
    """An Ambito's own macro-area, mapped onto the regional policy areas."""

    piano = models.ForeignKey(Piano, on_delete=models.CASCADE, related_name="macroaree")
    codice = models.SlugField()
    titolo = models.CharField(max_length=300)
    aree_policy = models.ManyToManyField(AreaPolicy, related_name="macroaree")
    ordine = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "macroarea"
        verbose_name_plural = "macroaree"
        ordering = ["piano", "ordine", "codice"]
        constraints = [models.UniqueConstraint(fields=["piano", "codice"], name="macroarea_codice_unico")]

    def __str__(self):
        return self.titolo


class Prologo(models.Model):
    """The provincial Prologo to the plans of a triennio (ATS and Ambiti together)."""

    ats = models.ForeignKey("territorio.ATS", on_delete=models.PROTECT, related_name="prologhi")
    anno_inizio = models.PositiveSmallIntegerField()
    anno_fine = models.PositiveSmallIntegerField()
    titolo = models.CharField(max_length=300)
    fonte = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "Prologo provinciale"
        verbose_name_plural = "Prologhi provinciali"
        ordering = ["-anno_inizio"]
        constraints = [models.UniqueConstraint(fields=["ats", "anno_inizio"], name="prologo_unico")]

    def __str__(self):
        return self.titolo

    @property
    def triennio(self):
        return f"{self.anno_inizio}-{self.anno_fine}"


class TipoObiettivoProvinciale(models.TextChoices):
    SOCIOSANITARIO = "sociosanitario", "Sociosanitario"
    SOCIALE = "sociale", "Sociale"


class ObiettivoProvinciale(models.Model):
    prologo = models.ForeignKey(Prologo, on_delete=models.CASCADE, related_name="obiettivi")
    codice = models.CharField(max_length=10)
    tipo = models.CharField(max_length=15, choices=TipoObiettivoProvinciale.choices)
    numero = models.PositiveSmallIntegerField()
    titolo = models.CharField(max_length=400)
    descrizione = models.TextField(blank=True)
    finalita = models.TextField("finalità", blank=True)
    strumenti = models.TextField(blank=True)
    monitoraggio = models.TextField(blank=True)
    verifica = models.TextField(blank=True)
    governance = models.TextField(blank=True)
    coordinamento_tecnico = models.TextField("coordinamento tecnico", blank=True)
    altri_campi = models.JSONField(default=dict, blank=True)
    fonte = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "obiettivo provinciale"
        verbose_name_plural = "obiettivi provinciali"
        ordering = ["prologo", "tipo", "numero"]
        constraints = [models.UniqueConstraint(fields=["prologo", "codice"], name="obiettivo_prov_unico")]

    def __str__(self):
        return f"{self.codice}. {self.titolo}"


class AzioneProvinciale(models.Model):
    obiettivo = models.ForeignKey(ObiettivoProvinciale, on_delete=models.CASCADE, related_name="azioni")
    anno = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Vuoto: tutto il triennio.")
    testo = models.TextField()
    ordine = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "azione provinciale"
        verbose_name_plural = "azioni provinciali"
        ordering = ["obiettivo", "anno", "ordine"]

    def __str__(self):
        return f"{self.obiettivo.codice} {self.anno or 'triennio'}"


class StatoAttuazione(models.TextChoices):
    NON_AVVIATO = "non_avviato", "Non avviato"
    IN_CORSO = "in_corso", "In corso"
    ATTUATO = "attuato", "Attuato"
    PARZIALMENTE_ATTUATO = "parzialmente_attuato", "Parzialmente attuato"
    NON_ATTUATO = "non_attuato", "Non attuato"


class MotivoAttuazione(models.TextChoices):
    """Why an objective was not fully carried out: the categories of the regional practice."""

    OBBLIGO_NORMATIVO = "obbligo_normativo", "Obbligo normativo"
    NUOVA_ATTUAZIONE = "nuova_attuazione", "Nuova attuazione"
    CARICO_DI_LAVORO = "carico_di_lavoro", "Carico di lavoro"
    ULTERIORE_INVESTIMENTO = "ulteriore_investimento", "Necessità di ulteriore investimento"
    RILANCIO = "rilancio", "Rilancio"
    PROGETTO_PIU_AMPIO = "progetto_piu_ampio", "Progetto più ampio"
    VALUTAZIONE = "valutazione", "Valutazione necessaria per una decisione futura"


class PeriodoImporto(models.TextChoices):
    """What span an amount covers: totals convert every amount to the triennio before adding."""

    ANNUALE = "annuale", "all'anno"
    TRIENNIO = "triennio", "per il triennio"
    UNA_TANTUM = "una_tantum", "una tantum"


def importo_nel_triennio(importo, periodo, anni):
    """`importo` of `periodo` in terms of a plan of `anni` years: an annual amount counts once a
    year, an amount for the triennio or a one-off amount counts once."""
    if importo is None:
        return None
    if periodo == PeriodoImporto.ANNUALE:
        return importo * anni
    if periodo in (PeriodoImporto.TRIENNIO, PeriodoImporto.UNA_TANTUM):
        return importo
    raise ValueError(f"periodo dell'importo sconosciuto: {periodo!r}")


class Obiettivo(models.Model):
    """An objective of a plan, with the fields of the regional *Tabella 3*."""

    piano = models.ForeignKey(Piano, on_delete=models.CASCADE, related_name="obiettivi")
    codice = models.CharField(max_length=20)
    ordine = models.PositiveSmallIntegerField(default=0)
    macroarea = models.ForeignKey(MacroArea, on_delete=models.SET_NULL, null=True, blank=True, related_name="obiettivi")
    # Empty for system actions (governance, the writing of the plan itself) outside areas A-J.
    area_policy = models.ForeignKey(
        AreaPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obiettivi",
        verbose_name="area di policy",
        help_text="Vuota per le azioni di sistema (governance, redazione del piano).",
    )
    titolo = models.CharField("titolo obiettivo", max_length=400)
    descrizione = models.TextField("descrizione obiettivo", blank=True)
    target = models.TextField("target (destinatari)", blank=True)
    risorse_economiche = models.TextField("risorse economiche preventivate", blank=True)
    budget_stimato = models.DecimalField(
        "importo preventivato (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    # The sheets print annual costs beside amounts for the whole triennio: an amount without
    # its period cannot be added to anything.
    periodo_budget = models.CharField(
        "periodo dell'importo preventivato", max_length=10, choices=PeriodoImporto.choices, blank=True
    )
    risorse_personale = models.TextField("risorse di personale dedicate", blank=True)
    aree_trasversali = models.ManyToManyField(
        AreaPolicy, blank=True, related_name="obiettivi_trasversali", verbose_name="altre aree di policy"
    )
    integrazione_sociosanitaria = models.BooleanField("presenta aspetti di integrazione sociosanitaria", default=False)
    continuita = models.BooleanField("in continuità con la programmazione precedente", default=False)
    continua = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continuato_da",
        verbose_name="obiettivo della programmazione precedente",
    )
    coprogettato = models.BooleanField("co-progettato con altri attori della rete", default=False)
    partner = models.TextField("attori della co-progettazione", blank=True)
    bisogni = models.TextField("bisogni a cui risponde", blank=True)
    processo = models.TextField("modalità organizzative (indicatori di processo)", blank=True)
    output = models.TextField("risultati attesi (indicatori di output)", blank=True)
    outcome = models.TextField("impatto (indicatori di outcome)", blank=True)
    leps = models.ManyToManyField(Leps, blank=True, related_name="obiettivi", verbose_name="LEPS attuati")
    obiettivi_provinciali = models.ManyToManyField(
        ObiettivoProvinciale, blank=True, related_name="obiettivi_di_piano", verbose_name="obiettivi del Prologo"
    )
    # Empty when nobody recorded it (e.g. a past plan known only from its printed summary).
    stato = models.CharField(
        "stato di attuazione",
        max_length=25,
        choices=StatoAttuazione.choices,
        blank=True,
        default=StatoAttuazione.NON_AVVIATO,
    )
    motivo = models.CharField(
        "motivo (se non attuato pienamente)", max_length=25, choices=MotivoAttuazione.choices, blank=True
    )
    motivo_testo = models.CharField("motivo come scritto nella fonte", max_length=300, blank=True)
    fonte = models.CharField(max_length=300, blank=True)
    versione = models.PositiveIntegerField(default=1, editable=False)

    objects = ObiettivoQuerySet.as_manager()

    class Meta:
        verbose_name = "obiettivo"
        verbose_name_plural = "obiettivi"
        ordering = ["piano", "ordine", "codice"]
        constraints = [
            models.UniqueConstraint(fields=["piano", "codice"], name="obiettivo_codice_unico"),
            models.CheckConstraint(
                condition=Q(budget_stimato__isnull=True) | Q(budget_stimato__gte=0),
                name="obiettivo_budget_non_negativo",
                violation_error_message="L'importo preventivato non può essere negativo.",
            ),
            models.CheckConstraint(
                condition=Q(budget_stimato__isnull=True) | ~Q(periodo_budget=""),
                name="obiettivo_budget_con_periodo",
                violation_error_message="Indicare il periodo dell'importo preventivato (all'anno, per il triennio, "
                "una tantum).",
            ),
        ]

    def __str__(self):
        return f"{self.codice} – {self.titolo}"

    def budget_nel_triennio(self):
        return importo_nel_triennio(self.budget_stimato, self.periodo_budget, len(self.piano.anni))

    @property
    def trasversale(self):
        return self.aree_trasversali.exists()


class Azione(models.Model):
    """An action of an objective with owner, partners and schedule (Dalmine project sheet)."""

    obiettivo = models.ForeignKey(Obiettivo, on_delete=models.CASCADE, related_name="azioni")
    ordine = models.PositiveSmallIntegerField(default=0)
    titolo = models.CharField(max_length=400)
    responsabile = models.CharField(max_length=200, blank=True)
    partner = models.CharField(max_length=400, blank=True)
    inizio = models.DateField(null=True, blank=True)
    scadenza = models.DateField(null=True, blank=True)
    completata_il = models.DateField("completata il", null=True, blank=True)
    stato = models.CharField(max_length=25, choices=StatoAttuazione.choices, default=StatoAttuazione.NON_AVVIATO)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = "azione"
        verbose_name_plural = "azioni"
        ordering = ["obiettivo", "ordine", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inizio__isnull=True) | Q(scadenza__isnull=True) | Q(scadenza__gte=F("inizio")),
                name="azione_scadenza_dopo_inizio",
                violation_error_message="La scadenza non può precedere l'inizio.",
            ),
        ]

    def __str__(self):
        return self.titolo


class Progetto(models.Model):
    """A project sheet of the plan in force (e.g. Dalmine's 2/2024, written in the year the
    2021-2023 plan was extended to): one year's work on one of the plan's objectives. It is not
    a plan: it adds no objective to any total."""

    piano = models.ForeignKey(Piano, on_delete=models.CASCADE, related_name="progetti")
    numero = models.CharField(max_length=20)
    anno = models.PositiveSmallIntegerField()
    titolo = models.CharField(max_length=400)
    ente = models.CharField("ente che lo attua", max_length=300, blank=True)
    obiettivo = models.ForeignKey(
        Obiettivo,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progetti",
        verbose_name="obiettivo del piano che attua",
    )
    termine = models.DateField("termine", null=True, blank=True)
    fonte = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "scheda progetto"
        verbose_name_plural = "schede progetto"
        ordering = ["piano", "anno", "numero"]
        constraints = [models.UniqueConstraint(fields=["piano", "numero"], name="progetto_numero_unico")]

    def __str__(self):
        return f"Scheda progetto {self.numero} – {self.titolo}"


class TipoIndicatore(models.TextChoices):
    INPUT = "input", "Input"
    PROCESSO = "processo", "Processo"
    OUTPUT = "output", "Output"
    OUTCOME = "outcome", "Outcome"


class IndicatoreObiettivo(models.Model):
    """How an objective is measured; linked to the knowledge base when the data exist there."""

    obiettivo = models.ForeignKey(Obiettivo, on_delete=models.CASCADE, related_name="indicatori")
    ordine = models.PositiveSmallIntegerField(default=0)
    tipo = models.CharField(max_length=10, choices=TipoIndicatore.choices)
    descrizione = models.CharField(max_length=500)
    unita = models.CharField("unità di misura", max_length=50, blank=True)
    baseline = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    anno_baseline = models.PositiveSmallIntegerField("anno della baseline", null=True, blank=True)
    indicatore = models.ForeignKey(
        "conoscenza.Indicatore",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="indicatore della base di conoscenza",
    )

    class Meta:
        verbose_name = "indicatore dell'obiettivo"
        verbose_name_plural = "indicatori dell'obiettivo"
        ordering = ["obiettivo", "ordine", "pk"]

    def __str__(self):
        return self.descrizione


class Target(models.Model):
    indicatore = models.ForeignKey(IndicatoreObiettivo, on_delete=models.CASCADE, related_name="target")
    anno = models.PositiveSmallIntegerField()
    valore = models.DecimalField(max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = "valore atteso"
        verbose_name_plural = "valori attesi"
        ordering = ["indicatore", "anno"]
        constraints = [models.UniqueConstraint(fields=["indicatore", "anno"], name="target_unico_per_anno")]

    def __str__(self):
        return f"{self.anno}: {self.valore}"


class Fondo(models.TextChoices):
    FNPS = "fnps", "FNPS – Fondo nazionale politiche sociali"
    FNA = "fna", "FNA – Fondo non autosufficienza"
    POVERTA = "poverta", "Fondo Povertà"
    FSR = "fsr", "FSR – Fondo sociale regionale"
    COMUNI = "comuni", "Risorse dei Comuni"
    ATS_ASST = "ats_asst", "ATS / ASST"
    UTENTI = "utenti", "Compartecipazione degli utenti"
    ALTRO = "altro", "Altre risorse"


class Risorsa(models.Model):
    """The budget of an objective for one year from one fund."""

    obiettivo = models.ForeignKey(Obiettivo, on_delete=models.CASCADE, related_name="risorse")
    anno = models.PositiveSmallIntegerField()
    fondo = models.CharField(max_length=10, choices=Fondo.choices)
    importo = models.DecimalField("importo (€)", max_digits=12, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "risorsa"
        verbose_name_plural = "risorse"
        ordering = ["obiettivo", "anno", "fondo"]
        constraints = [
            models.UniqueConstraint(fields=["obiettivo", "anno", "fondo"], name="risorsa_unica"),
            models.CheckConstraint(
                condition=Q(importo__gte=0),
                name="risorsa_importo_non_negativo",
                violation_error_message="L'importo non può essere negativo.",
            ),
        ]

    def __str__(self):
        return f"{self.get_fondo_display()} {self.anno}: {self.importo}"


class Corresponsabilita(models.Model):
    """A health agency (an ATS or an ASST) sharing the responsibility of a socio-health
    objective with the Ambito: what it answers for. Its users write that objective and measure
    its indicators (programmazione.permessi.corresponsabile)."""

    obiettivo = models.ForeignKey(Obiettivo, on_delete=models.CASCADE, related_name="corresponsabili")
    ats = models.ForeignKey("territorio.ATS", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    asst = models.ForeignKey(
        "territorio.ASST", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="ASST"
    )
    compiti = models.TextField("di che cosa risponde", blank=True)

    class Meta:
        verbose_name = "corresponsabilità sociosanitaria"
        verbose_name_plural = "corresponsabilità sociosanitarie"
        ordering = ["obiettivo", "ats", "asst"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ats__isnull=False, asst__isnull=True) | Q(ats__isnull=True, asst__isnull=False),
                name="corresponsabilita_un_ente",
                violation_error_message="Indicare l'ATS oppure l'ASST.",
            ),
            models.UniqueConstraint(fields=["obiettivo", "ats"], name="corresponsabilita_ats_unica"),
            models.UniqueConstraint(fields=["obiettivo", "asst"], name="corresponsabilita_asst_unica"),
        ]

    def __str__(self):
        return f"{self.ats or self.asst} – {self.obiettivo}"


class AccordoDiProgramma(models.Model):
    piano = models.OneToOneField(Piano, on_delete=models.CASCADE, related_name="accordo")
    firmato_il = models.DateField("sottoscritto il", null=True, blank=True)
    scadenza = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = "accordo di programma"
        verbose_name_plural = "accordi di programma"

    def __str__(self):
        return f"Accordo di programma – {self.piano}"


class TipoSottoscrittore(models.TextChoices):
    COMUNE = "comune", "Comune"
    ATS = "ats", "ATS"
    ASST = "asst", "ASST"
    TERZO_SETTORE = "terzo_settore", "Ente del terzo settore"
    ALTRO = "altro", "Altro ente"


class ModalitaAdesione(models.TextChoices):
    """How a party joins the accordo: it signs it (Comuni, ATS, ASST) or adheres later (typically
    a third-sector organisation)."""

    FIRMA = "firma", "Sottoscrittore"
    ADESIONE = "adesione", "Aderente"


class Sottoscrittore(models.Model):
    """A party of the accordo di programma: a signatory or an adherent, with the date it signed
    or joined and, if it left, the date of its withdrawal."""

    accordo = models.ForeignKey(AccordoDiProgramma, on_delete=models.CASCADE, related_name="sottoscrittori")
    tipo = models.CharField(max_length=15, choices=TipoSottoscrittore.choices)
    comune = models.ForeignKey("territorio.Comune", on_delete=models.PROTECT, null=True, blank=True)
    nome = models.CharField(max_length=300)
    modalita = models.CharField(
        "modalità", max_length=10, choices=ModalitaAdesione.choices, default=ModalitaAdesione.FIRMA
    )
    aderito_il = models.DateField("sottoscrive o aderisce il", null=True, blank=True)
    ritirato_il = models.DateField("recede il", null=True, blank=True)

    class Meta:
        verbose_name = "sottoscrittore"
        verbose_name_plural = "sottoscrittori"
        ordering = ["accordo", "tipo", "nome"]
        constraints = [
            models.UniqueConstraint(fields=["accordo", "nome"], name="sottoscrittore_unico"),
            models.CheckConstraint(
                condition=Q(tipo="comune", comune__isnull=False) | (~Q(tipo="comune") & Q(comune__isnull=True)),
                name="sottoscrittore_comune_coerente",
                violation_error_message="Un Comune sottoscrittore deve essere scelto dall'anagrafe.",
            ),
            models.CheckConstraint(
                condition=Q(ritirato_il__isnull=True)
                | Q(aderito_il__isnull=True)
                | Q(ritirato_il__gte=F("aderito_il")),
                name="sottoscrittore_recesso_dopo_adesione",
                violation_error_message="Il recesso non può precedere la sottoscrizione o l'adesione.",
            ),
        ]

    def __str__(self):
        return self.nome


class ObiettivoSovrazonale(models.Model):
    """An objective programmed jointly by several Ambiti (regional reward scheme)."""

    titolo = models.CharField(max_length=400)
    anno_inizio = models.PositiveSmallIntegerField()
    anno_fine = models.PositiveSmallIntegerField()
    area_policy = models.ForeignKey(AreaPolicy, on_delete=models.PROTECT, related_name="+")
    ambiti = models.ManyToManyField("territorio.Ambito", related_name="obiettivi_sovrazonali")
    asst_coinvolta = models.BooleanField("ASST di riferimento coinvolta", default=False)
    coordinamento_ats = models.BooleanField("coordinamento dell'ATS", default=False)
    obiettivi = models.ManyToManyField(Obiettivo, blank=True, related_name="sovrazonali")
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = "obiettivo sovrazonale"
        verbose_name_plural = "obiettivi sovrazonali"
        ordering = ["-anno_inizio", "titolo"]

    def __str__(self):
        return self.titolo
