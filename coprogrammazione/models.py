"""Co-programming of a Piano di Zona (art. 55 of the Codice del Terzo Settore) and the acts of
the Assemblea dei Sindaci.

- `Organizzazione`: the registry of third-sector organisations (ETS) and other partners (Comuni,
  ATS, ASST, schools, parishes, ...), provincial, with the codice fiscale as key when known.
  It holds no personal data: its public page shows everything in it.
- The procedure of a plan: `Avviso` (the public notice, its `AreaAvviso` macro-areas),
  `Manifestazione` (who answered, when, for which areas, accepted or not and why), `Tavolo`
  (topic, area, coordinator, `Componente` members), `Incontro` (date, place, agenda, minutes,
  `Presenza`), `Esito` (a need or proposal recorded at a table, linked to the objectives of
  the plan that answer it).
- `Consultazione`: an objective submitted to a table for comment, and the members' `Commento`
  (attributed to the user and the organisation; audited). A member of a table (role «tavolo»,
  `Componente.utente`) reads that table and its consultations, even of a draft plan, and nothing
  else of the plan.
- `Coprogettazione` of an objective or action (art. 55-56 CTS): notice, `PartnerCoprogettazione`
  with their budget shares (an agreement is recorded only when they add up to the budget
  exactly), instrument, act and dates, the fund ledger entries (`fondi.Movimento`) that pay it,
  `MonitoraggioCoprogettazione`.
- `Seduta` of the Assemblea dei Sindaci of an Ambito, `PresenzaComune`, `Delibera`.

Personal data: the names and emails of members (`Componente`) and of people present
(`Presenza.persona`) are shown only to the Ufficio di Piano of the plan's Ambito and to the
coordination (coprogrammazione.permessi.vede_dati_personali). Everything that hangs off a plan
is filtered by the plan's visibility (programmazione.models.VisibiliQuerySet): a draft plan's
co-programming is not public.
"""

from django.db import models
from django.db.models import F, Q

from programmazione.models import VisibiliQuerySet
from zona.lib.locking import ConVersione


class TipoOrganizzazione(models.TextChoices):
    ETS = "ets", "Ente del terzo settore"
    COOPERATIVA = "cooperativa", "Cooperativa sociale"
    ASSOCIAZIONE = "associazione", "Associazione non iscritta al RUNTS"
    COMUNE = "comune", "Comune"
    ATS = "ats", "ATS"
    ASST = "asst", "ASST"
    SCUOLA = "scuola", "Istituto scolastico"
    FORZE_ORDINE = "forze_ordine", "Forze dell'ordine"
    PARROCCHIA = "parrocchia", "Parrocchia o ente religioso"
    SINDACATO = "sindacato", "Organizzazione sindacale"
    ALTRO = "altro", "Altro"


class SezioneRunts(models.TextChoices):
    """The sections of the Registro unico nazionale del terzo settore (art. 46 CTS)."""

    ODV = "a", "a) Organizzazioni di volontariato"
    APS = "b", "b) Associazioni di promozione sociale"
    FILANTROPICI = "c", "c) Enti filantropici"
    IMPRESE_SOCIALI = "d", "d) Imprese sociali, incluse le cooperative sociali"
    RETI = "e", "e) Reti associative"
    MUTUO_SOCCORSO = "f", "f) Società di mutuo soccorso"
    ALTRI = "g", "g) Altri enti del terzo settore"


class Organizzazione(ConVersione):
    nome = models.CharField(max_length=300)
    codice_fiscale = models.CharField("codice fiscale", max_length=16, blank=True)
    tipo = models.CharField(max_length=15, choices=TipoOrganizzazione.choices)
    forma_giuridica = models.CharField("forma giuridica", max_length=100, blank=True)
    runts_numero = models.CharField("numero di iscrizione al RUNTS", max_length=30, blank=True)
    runts_sezione = models.CharField("sezione del RUNTS", max_length=1, choices=SezioneRunts.choices, blank=True)
    sede_comune = models.ForeignKey(
        "territorio.Comune", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="sede"
    )
    indirizzo = models.CharField("indirizzo della sede", max_length=300, blank=True)
    comuni = models.ManyToManyField(
        "territorio.Comune", blank=True, related_name="+", verbose_name="Comuni di attività"
    )
    aree = models.ManyToManyField(
        "programmazione.AreaPolicy", blank=True, related_name="+", verbose_name="aree di intervento"
    )
    fonte = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "organizzazione"
        verbose_name_plural = "organizzazioni"
        ordering = ["nome"]
        constraints = [
            models.UniqueConstraint(
                fields=["codice_fiscale"], condition=~Q(codice_fiscale=""), name="organizzazione_cf_unico"
            ),
            models.UniqueConstraint(fields=["nome"], condition=Q(codice_fiscale=""), name="organizzazione_senza_cf"),
            models.CheckConstraint(
                condition=Q(runts_numero="") | ~Q(runts_sezione=""),
                name="organizzazione_runts_con_sezione",
                violation_error_message="Con il numero di iscrizione al RUNTS va indicata la sezione.",
            ),
        ]

    def __str__(self):
        return self.nome


# --- the procedure of a plan -----------------------------------------------------------------


class DiPianoQuerySet(VisibiliQuerySet):
    CAMPO_PIANO = "piano__"


class DiAvvisoQuerySet(VisibiliQuerySet):
    CAMPO_PIANO = "avviso__piano__"


class DiTavoloQuerySet(VisibiliQuerySet):
    CAMPO_PIANO = "tavolo__piano__"


class DiIncontroQuerySet(VisibiliQuerySet):
    CAMPO_PIANO = "incontro__tavolo__piano__"


class DiConsultazioneQuerySet(VisibiliQuerySet):
    CAMPO_PIANO = "consultazione__tavolo__piano__"


class Avviso(ConVersione):
    """The public notice of manifestation of interest for the co-programming of a plan."""

    piano = models.ForeignKey("programmazione.Piano", on_delete=models.CASCADE, related_name="avvisi")
    titolo = models.CharField(max_length=300)
    atto = models.CharField("atto di approvazione", max_length=300, blank=True)
    approvato_il = models.DateField("approvato il", null=True, blank=True)
    pubblicato_il = models.DateField("pubblicato il", null=True, blank=True)
    scadenza = models.DateField("scadenza delle manifestazioni", null=True, blank=True)
    testo = models.TextField(blank=True)
    fonte = models.CharField(max_length=300, blank=True)

    objects = DiPianoQuerySet.as_manager()

    class Meta:
        verbose_name = "avviso"
        verbose_name_plural = "avvisi"
        ordering = ["piano", "pubblicato_il", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scadenza__isnull=True)
                | Q(pubblicato_il__isnull=True)
                | Q(scadenza__gte=F("pubblicato_il")),
                name="avviso_scadenza_dopo_pubblicazione",
                violation_error_message="La scadenza non può precedere la pubblicazione.",
            ),
        ]

    def __str__(self):
        return self.titolo


class AreaAvviso(models.Model):
    """A macro-area of work named by the notice (mapped, when it is, to a macro-area of the plan)."""

    avviso = models.ForeignKey(Avviso, on_delete=models.CASCADE, related_name="aree")
    numero = models.PositiveSmallIntegerField()
    titolo = models.CharField(max_length=300)
    temi = models.TextField(blank=True)
    macroarea = models.ForeignKey(
        "programmazione.MacroArea", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = DiAvvisoQuerySet.as_manager()

    class Meta:
        verbose_name = "macroarea dell'avviso"
        verbose_name_plural = "macroaree dell'avviso"
        ordering = ["avviso", "numero"]
        constraints = [models.UniqueConstraint(fields=["avviso", "numero"], name="area_avviso_unica")]

    def __str__(self):
        return f"{self.numero}. {self.titolo}"


class Manifestazione(models.Model):
    """A manifestation of interest received for a notice."""

    avviso = models.ForeignKey(Avviso, on_delete=models.CASCADE, related_name="manifestazioni")
    organizzazione = models.ForeignKey(Organizzazione, on_delete=models.PROTECT, related_name="manifestazioni")
    ricevuta_il = models.DateField("ricevuta il", null=True, blank=True)
    aree = models.ManyToManyField(AreaAvviso, blank=True, related_name="manifestazioni")
    # None: not decided yet.
    accolta = models.BooleanField(null=True, blank=True)
    motivo = models.TextField("motivazione", blank=True)

    objects = DiAvvisoQuerySet.as_manager()

    class Meta:
        verbose_name = "manifestazione di interesse"
        verbose_name_plural = "manifestazioni di interesse"
        ordering = ["avviso", "organizzazione__nome"]
        constraints = [
            models.UniqueConstraint(fields=["avviso", "organizzazione"], name="manifestazione_unica"),
            models.CheckConstraint(
                condition=~Q(accolta=False) | ~Q(motivo=""),
                name="manifestazione_respinta_motivata",
                violation_error_message="Una manifestazione non accolta va motivata.",
            ),
        ]

    def __str__(self):
        return f"{self.organizzazione} – {self.avviso}"


class Tavolo(models.Model):
    """A working table of the co-programming (or a focus group, a laboratory)."""

    piano = models.ForeignKey("programmazione.Piano", on_delete=models.CASCADE, related_name="tavoli")
    titolo = models.CharField("tema", max_length=300)
    area = models.ForeignKey(AreaAvviso, on_delete=models.SET_NULL, null=True, blank=True, related_name="tavoli")
    coordinatore = models.ForeignKey(
        Organizzazione,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tavoli_coordinati",
        verbose_name="coordinato da",
    )
    descrizione = models.TextField(blank=True)
    ordine = models.PositiveSmallIntegerField(default=0)
    fonte = models.CharField(max_length=300, blank=True)

    objects = DiPianoQuerySet.as_manager()

    class Meta:
        verbose_name = "tavolo"
        verbose_name_plural = "tavoli"
        ordering = ["piano", "ordine", "titolo"]
        constraints = [models.UniqueConstraint(fields=["piano", "titolo"], name="tavolo_unico")]

    def __str__(self):
        return self.titolo


class Componente(models.Model):
    """A member of a table: an organisation, and (personal data) the person who represents it."""

    tavolo = models.ForeignKey(Tavolo, on_delete=models.CASCADE, related_name="componenti")
    organizzazione = models.ForeignKey(
        Organizzazione, on_delete=models.PROTECT, null=True, blank=True, related_name="partecipazioni"
    )
    nome = models.CharField("nome e cognome", max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    coordinatore = models.BooleanField("coordina il tavolo", default=False)
    # The member's login (role «tavolo»): it reads this table's documents and comments on the
    # objectives submitted to it (coprogrammazione.permessi), nothing else.
    utente = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="componenze", verbose_name="utente"
    )

    objects = DiTavoloQuerySet.as_manager()

    class Meta:
        verbose_name = "componente"
        verbose_name_plural = "componenti"
        ordering = ["tavolo", "organizzazione__nome", "nome"]
        constraints = [
            models.UniqueConstraint(
                fields=["tavolo", "utente"], condition=Q(utente__isnull=False), name="componente_utente_unico"
            ),
            models.CheckConstraint(
                condition=Q(organizzazione__isnull=False) | ~Q(nome=""),
                name="componente_qualcuno",
                violation_error_message="Indicare l'organizzazione o la persona.",
            ),
        ]

    def __str__(self):
        return str(self.organizzazione or self.nome)


class Incontro(models.Model):
    tavolo = models.ForeignKey(Tavolo, on_delete=models.CASCADE, related_name="incontri")
    data = models.DateField()
    ora = models.TimeField(null=True, blank=True)
    luogo = models.CharField(max_length=300, blank=True)
    online = models.BooleanField("a distanza", default=False)
    ordine_del_giorno = models.TextField("ordine del giorno", blank=True)
    verbale = models.TextField(blank=True)
    decisioni = models.TextField(blank=True)
    fonte = models.CharField(max_length=300, blank=True)

    objects = DiTavoloQuerySet.as_manager()

    class Meta:
        verbose_name = "incontro"
        verbose_name_plural = "incontri"
        ordering = ["data", "ora", "pk"]

    def __str__(self):
        return f"{self.tavolo} – {self.data:%d/%m/%Y}"


class Presenza(models.Model):
    """Attendance at a meeting: an organisation, a person (personal data), or both."""

    incontro = models.ForeignKey(Incontro, on_delete=models.CASCADE, related_name="presenze")
    organizzazione = models.ForeignKey(
        Organizzazione, on_delete=models.PROTECT, null=True, blank=True, related_name="presenze"
    )
    persona = models.CharField("nome e cognome", max_length=200, blank=True)

    objects = DiIncontroQuerySet.as_manager()

    class Meta:
        verbose_name = "presenza"
        verbose_name_plural = "presenze"
        ordering = ["incontro", "organizzazione__nome", "persona"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organizzazione__isnull=False) | ~Q(persona=""),
                name="presenza_qualcuno",
                violation_error_message="Indicare l'organizzazione o la persona presente.",
            ),
        ]


class TipoEsito(models.TextChoices):
    BISOGNO = "bisogno", "Bisogno"
    PROPOSTA = "proposta", "Proposta"
    PRIORITA = "priorita", "Priorità"


class Esito(models.Model):
    """A need, proposal or priority recorded at a table, and the objectives that answer it."""

    tavolo = models.ForeignKey(Tavolo, on_delete=models.CASCADE, related_name="esiti")
    incontro = models.ForeignKey(Incontro, on_delete=models.SET_NULL, null=True, blank=True, related_name="esiti")
    tipo = models.CharField(max_length=10, choices=TipoEsito.choices)
    testo = models.TextField()
    obiettivi = models.ManyToManyField("programmazione.Obiettivo", blank=True, related_name="esiti_coprogrammazione")
    ordine = models.PositiveSmallIntegerField(default=0)
    fonte = models.CharField(max_length=300, blank=True)

    objects = DiTavoloQuerySet.as_manager()

    class Meta:
        verbose_name = "esito"
        verbose_name_plural = "esiti"
        ordering = ["tavolo", "ordine", "pk"]

    def __str__(self):
        return self.testo[:80]


class Consultazione(models.Model):
    """An objective of the plan (often still a draft) submitted to a table for comment: the
    members of that table read it and comment on it while it is open."""

    tavolo = models.ForeignKey(Tavolo, on_delete=models.CASCADE, related_name="consultazioni")
    obiettivo = models.ForeignKey("programmazione.Obiettivo", on_delete=models.CASCADE, related_name="consultazioni")
    aperta_il = models.DateField("aperta il")
    chiusa_il = models.DateField("chiusa il", null=True, blank=True)
    domanda = models.TextField("che cosa si chiede al tavolo", blank=True)
    aperta_da = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = DiTavoloQuerySet.as_manager()

    class Meta:
        verbose_name = "consultazione"
        verbose_name_plural = "consultazioni"
        ordering = ["tavolo", "-aperta_il", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tavolo", "obiettivo"], name="consultazione_unica"),
            models.CheckConstraint(
                condition=Q(chiusa_il__isnull=True) | Q(chiusa_il__gte=F("aperta_il")),
                name="consultazione_chiusa_dopo_apertura",
                violation_error_message="La chiusura non può precedere l'apertura.",
            ),
        ]

    def __str__(self):
        return f"{self.obiettivo} – {self.tavolo}"

    @property
    def aperta(self):
        return self.chiusa_il is None


class Commento(models.Model):
    """A member's comment on an objective under consultation, attributed to the user and to the
    organisation the member represents at that table."""

    consultazione = models.ForeignKey(Consultazione, on_delete=models.CASCADE, related_name="commenti")
    autore = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    organizzazione = models.ForeignKey(
        Organizzazione, on_delete=models.PROTECT, null=True, blank=True, related_name="commenti"
    )
    testo = models.TextField()
    creato_il = models.DateTimeField("scritto il", auto_now_add=True)

    objects = DiConsultazioneQuerySet.as_manager()

    class Meta:
        verbose_name = "commento"
        verbose_name_plural = "commenti"
        ordering = ["consultazione", "creato_il", "pk"]


class InvioEmail(models.Model):
    """An invitation or minutes sent to the members of a table: what was sent, to how many, how
    it went (sending happens after the request, coprogrammazione.posta)."""

    class Tipo(models.TextChoices):
        INVITO = "invito", "Invito"
        VERBALE = "verbale", "Verbale"

    class Stato(models.TextChoices):
        IN_CODA = "in_coda", "In coda"
        INVIATO = "inviato", "Inviato"
        ERRORE = "errore", "Non inviato"

    incontro = models.ForeignKey(Incontro, on_delete=models.CASCADE, related_name="invii")
    tipo = models.CharField(max_length=10, choices=Tipo.choices)
    destinatari = models.PositiveIntegerField(default=0)
    stato = models.CharField(max_length=10, choices=Stato.choices, default=Stato.IN_CODA)
    errore = models.CharField(max_length=300, blank=True)
    creato_il = models.DateTimeField(auto_now_add=True)
    creato_da = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = DiIncontroQuerySet.as_manager()

    class Meta:
        verbose_name = "invio email"
        verbose_name_plural = "invii email"
        ordering = ["-creato_il", "-pk"]


# --- co-progettazione (art. 55-56 CTS) --------------------------------------------------------


class DiObiettivoQuerySet(VisibiliQuerySet):
    CAMPO_PIANO = "obiettivo__piano__"


class DiCoprogettazioneQuerySet(VisibiliQuerySet):
    CAMPO_PIANO = "coprogettazione__obiettivo__piano__"


class StrumentoAccordo(models.TextChoices):
    ACCORDO = "accordo", "Accordo di collaborazione (art. 55 CTS)"
    CONVENZIONE = "convenzione", "Convenzione (art. 56 CTS)"
    ALTRO = "altro", "Altro atto"


class Coprogettazione(models.Model):
    """The co-design of an objective (or of one of its actions) with third-sector partners: the
    notice, the partners selected with their share of the budget, the agreement that binds them
    (its instrument, act and dates), the fund ledger entries that pay it, its monitoring.

    The shares of the partners never exceed the budget, and an agreement is recorded only when
    they add up to it exactly (coprogrammazione.services)."""

    obiettivo = models.ForeignKey("programmazione.Obiettivo", on_delete=models.CASCADE, related_name="coprogettazioni")
    azione = models.ForeignKey(
        "programmazione.Azione", on_delete=models.SET_NULL, null=True, blank=True, related_name="coprogettazioni"
    )
    titolo = models.CharField(max_length=300)
    avviso = models.CharField("avviso di co-progettazione (atto)", max_length=300, blank=True)
    avviso_pubblicato_il = models.DateField("avviso pubblicato il", null=True, blank=True)
    budget = models.DecimalField("budget (€)", max_digits=12, decimal_places=2)
    strumento = models.CharField("strumento", max_length=12, choices=StrumentoAccordo.choices, blank=True)
    atto = models.CharField("estremi dell'accordo o della convenzione", max_length=300, blank=True)
    firmato_il = models.DateField("sottoscritto il", null=True, blank=True)
    dal = models.DateField("in vigore dal", null=True, blank=True)
    al = models.DateField("in vigore fino al", null=True, blank=True)
    movimenti = models.ManyToManyField(
        "fondi.Movimento", blank=True, related_name="coprogettazioni", verbose_name="movimenti del registro dei fondi"
    )
    note = models.TextField(blank=True)
    creata_il = models.DateTimeField(auto_now_add=True)

    objects = DiObiettivoQuerySet.as_manager()

    class Meta:
        verbose_name = "co-progettazione"
        verbose_name_plural = "co-progettazioni"
        ordering = ["obiettivo", "creata_il", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="coprogettazione_budget_non_negativo",
                violation_error_message="Il budget non può essere negativo.",
            ),
            models.CheckConstraint(
                condition=Q(al__isnull=True) | Q(dal__isnull=True) | Q(al__gte=F("dal")),
                name="coprogettazione_periodo_ordinato",
                violation_error_message="La fine dell'accordo non può precedere il suo inizio.",
            ),
            models.CheckConstraint(
                condition=Q(firmato_il__isnull=True) | ~Q(strumento=""),
                name="coprogettazione_firmata_con_strumento",
                violation_error_message="Indicare lo strumento dell'accordo sottoscritto.",
            ),
        ]

    def __str__(self):
        return self.titolo


class PartnerCoprogettazione(models.Model):
    coprogettazione = models.ForeignKey(Coprogettazione, on_delete=models.CASCADE, related_name="partner")
    organizzazione = models.ForeignKey(Organizzazione, on_delete=models.PROTECT, related_name="coprogettazioni")
    selezionato_il = models.DateField("selezionato il", null=True, blank=True)
    capofila = models.BooleanField(default=False)
    quota = models.DecimalField("quota del budget (€)", max_digits=12, decimal_places=2)

    objects = DiCoprogettazioneQuerySet.as_manager()

    class Meta:
        verbose_name = "partner della co-progettazione"
        verbose_name_plural = "partner della co-progettazione"
        ordering = ["coprogettazione", "-capofila", "organizzazione__nome"]
        constraints = [
            models.UniqueConstraint(fields=["coprogettazione", "organizzazione"], name="partner_unico"),
            models.CheckConstraint(
                condition=Q(quota__gte=0),
                name="partner_quota_non_negativa",
                violation_error_message="La quota non può essere negativa.",
            ),
        ]

    def __str__(self):
        return f"{self.organizzazione} – {self.coprogettazione}"


class StatoCoprogettazione(models.TextChoices):
    AVVIATA = "avviata", "Avviata"
    IN_CORSO = "in_corso", "In corso"
    SOSPESA = "sospesa", "Sospesa"
    CONCLUSA = "conclusa", "Conclusa"


class MonitoraggioCoprogettazione(models.Model):
    """A check of a co-design's progress: its state at a date, the money spent so far, notes."""

    coprogettazione = models.ForeignKey(Coprogettazione, on_delete=models.CASCADE, related_name="monitoraggi")
    data = models.DateField()
    stato = models.CharField(max_length=10, choices=StatoCoprogettazione.choices)
    speso = models.DecimalField(
        "spesa sostenuta a quella data (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    testo = models.TextField("note di monitoraggio", blank=True)
    registrato_da = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = DiCoprogettazioneQuerySet.as_manager()

    class Meta:
        verbose_name = "monitoraggio della co-progettazione"
        verbose_name_plural = "monitoraggi della co-progettazione"
        ordering = ["coprogettazione", "data", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(speso__isnull=True) | Q(speso__gte=0),
                name="monitoraggio_coprogettazione_speso_non_negativo",
                violation_error_message="La spesa non può essere negativa.",
            ),
        ]


# --- Assemblea dei Sindaci -------------------------------------------------------------------


class Seduta(ConVersione):
    """A sitting of the Assemblea dei Sindaci of an Ambito. Its acts are public."""

    ambito = models.ForeignKey("territorio.Ambito", on_delete=models.PROTECT, related_name="sedute")
    data = models.DateField()
    luogo = models.CharField(max_length=300, blank=True)
    ordine_del_giorno = models.TextField("ordine del giorno", blank=True)
    fonte = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "seduta dell'Assemblea dei Sindaci"
        verbose_name_plural = "sedute dell'Assemblea dei Sindaci"
        ordering = ["ambito", "-data"]
        constraints = [models.UniqueConstraint(fields=["ambito", "data"], name="seduta_unica_per_giorno")]

    def __str__(self):
        return f"Assemblea dei Sindaci {self.ambito} del {self.data:%d/%m/%Y}"


class PresenzaComune(models.Model):
    seduta = models.ForeignKey(Seduta, on_delete=models.CASCADE, related_name="presenze")
    comune = models.ForeignKey("territorio.Comune", on_delete=models.PROTECT, related_name="+")
    presente = models.BooleanField(default=True)
    # Where the statute weighs votes (e.g. by population): the weight of this Comune's vote.
    peso = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)

    class Meta:
        verbose_name = "presenza di un Comune"
        verbose_name_plural = "presenze dei Comuni"
        ordering = ["seduta", "comune__nome"]
        constraints = [models.UniqueConstraint(fields=["seduta", "comune"], name="presenza_comune_unica")]


class Delibera(models.Model):
    seduta = models.ForeignKey(Seduta, on_delete=models.CASCADE, related_name="delibere")
    numero = models.CharField(max_length=30, blank=True)
    data = models.DateField()
    oggetto = models.CharField(max_length=500)
    piano = models.ForeignKey(
        "programmazione.Piano",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delibere",
        verbose_name="piano a cui si riferisce",
    )
    testo = models.TextField(blank=True)

    class Meta:
        verbose_name = "delibera"
        verbose_name_plural = "delibere"
        ordering = ["seduta", "data", "numero"]

    def __str__(self):
        return f"Delibera {self.numero or 's.n.'} del {self.data:%d/%m/%Y}: {self.oggetto}"
