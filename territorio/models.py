"""The territorial registry: who is who in the territory, and since when.

Comune -> Ambito and Ambito -> Distretto are memberships with a validity period (`dal`,
`al` inclusive, `al` empty while in force), because Comuni merge, move between provinces and
change Ambito. Distretto -> ASST -> ATS -> Regione are plain foreign keys: a Distretto is by
law a subdivision of its ASST, and an ASST of its ATS.
"""

from django.db import models
from django.db.models import F, Q

from zona.lib.locking import ConVersione
from zona.lib.text import normalizza


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(Q(al__isnull=True) | Q(al__gte=day), dal__lte=day)


class Periodo(models.Model):
    """A link that holds from `dal` to `al` (both inclusive; `al` empty while in force)."""

    dal = models.DateField()
    al = models.DateField(null=True, blank=True)
    fonte = models.CharField(max_length=300, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(al__isnull=True) | Q(al__gte=F("dal")),
                name="%(class)s_al_dopo_dal",
                violation_error_message="La data di fine non può precedere la data di inizio.",
            ),
        ]


class Regione(models.Model):
    codice = models.CharField("codice ISTAT", max_length=2, primary_key=True)
    nome = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name = "Regione"
        verbose_name_plural = "Regioni"
        ordering = ["nome"]

    def __str__(self):
        return self.nome


class ATS(models.Model):
    codice = models.SlugField(primary_key=True)
    nome = models.CharField(max_length=200, unique=True)
    regione = models.ForeignKey(Regione, on_delete=models.PROTECT, related_name="ats")

    class Meta:
        verbose_name = "ATS"
        verbose_name_plural = "ATS"
        ordering = ["nome"]

    def __str__(self):
        return self.nome


class ASST(models.Model):
    codice = models.SlugField(primary_key=True)
    nome = models.CharField(max_length=200, unique=True)
    ats = models.ForeignKey(ATS, on_delete=models.PROTECT, related_name="asst")

    class Meta:
        verbose_name = "ASST"
        verbose_name_plural = "ASST"
        ordering = ["nome"]

    def __str__(self):
        return self.nome


class Distretto(models.Model):
    codice = models.SlugField(primary_key=True)
    nome = models.CharField(max_length=200)
    asst = models.ForeignKey(ASST, on_delete=models.PROTECT, related_name="distretti")

    class Meta:
        verbose_name = "Distretto"
        verbose_name_plural = "Distretti"
        ordering = ["asst__nome", "nome"]

    def __str__(self):
        return self.nome


class Ambito(models.Model):
    codice = models.SlugField(primary_key=True)
    nome = models.CharField(max_length=200, unique=True)

    class Meta:
        verbose_name = "Ambito territoriale sociale"
        verbose_name_plural = "Ambiti territoriali sociali"
        ordering = ["nome"]

    def __str__(self):
        return self.nome


class AmbitoDistretto(Periodo):
    ambito = models.ForeignKey(Ambito, on_delete=models.CASCADE, related_name="appartenenze")
    distretto = models.ForeignKey(Distretto, on_delete=models.PROTECT, related_name="appartenenze")

    class Meta:
        verbose_name = "appartenenza di un Ambito a un Distretto"
        verbose_name_plural = "appartenenze degli Ambiti ai Distretti"
        ordering = ["ambito", "dal"]
        constraints = Periodo.Meta.constraints + [
            models.UniqueConstraint(fields=["ambito", "dal"], name="ambitodistretto_unico_dal"),
        ]

    def __str__(self):
        return f"{self.ambito} → {self.distretto} ({self.dal} – {self.al or '…'})"


class ComuneQuerySet(models.QuerySet):
    def esistenti_il(self, day):
        """The Comuni that existed on `day` (ISTAT history: born by a merger, suppressed...)."""
        return self.filter(
            Q(istituito_il__isnull=True) | Q(istituito_il__lte=day),
            Q(soppresso_il__isnull=True) | Q(soppresso_il__gt=day),
        )


class Comune(ConVersione):
    codice_istat = models.CharField("codice ISTAT", max_length=6, primary_key=True)
    nome = models.CharField(max_length=200)
    nome_normalizzato = models.CharField(max_length=200, db_index=True, editable=False)
    sigla_provincia = models.CharField(max_length=2, db_index=True)
    provincia = models.CharField(max_length=100)
    regione = models.ForeignKey(Regione, on_delete=models.PROTECT, related_name="comuni")
    # Not unique: a Comune that changes province gets a new ISTAT code and keeps its cadastral
    # code (Torre de' Busi, L257, under Lecco and then under Bergamo).
    codice_catastale = models.CharField(max_length=4, db_index=True)
    # The Comune exists from `istituito_il` (empty: before the history Zona records, 2000) to
    # the day before `soppresso_il` (empty: still in existence). See VariazioneComune.
    istituito_il = models.DateField(null=True, blank=True)
    soppresso_il = models.DateField(null=True, blank=True)
    # Contacts that the Comune itself keeps up to date.
    pec = models.EmailField("PEC", blank=True)
    sito_web = models.URLField("sito web", blank=True)
    telefono = models.CharField(max_length=40, blank=True)

    objects = ComuneQuerySet.as_manager()

    class Meta:
        verbose_name = "Comune"
        verbose_name_plural = "Comuni"
        ordering = ["nome"]
        constraints = [
            models.CheckConstraint(
                condition=Q(codice_istat__regex=r"^[0-9]{6}$"),
                name="comune_codice_istat_sei_cifre",
                violation_error_message="Il codice ISTAT di un Comune ha sei cifre.",
            )
        ]

    def save(self, *args, **kwargs):
        self.nome_normalizzato = normalizza(self.nome)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.nome


class TipoVariazione(models.TextChoices):
    FUSIONE = "fusione", "Fusione (nasce un nuovo Comune)"
    INCORPORAZIONE = "incorporazione", "Incorporazione in un Comune esistente"
    DENOMINAZIONE = "denominazione", "Cambio di denominazione"
    PROVINCIA = "provincia", "Cambio di provincia (nuovo codice ISTAT)"


class VariazioneComune(models.Model):
    """One step of the ISTAT history: on `data` the territory of `precedente` passes to
    `successivo` (the same Comune for a change of name). Reference data with their act."""

    data = models.DateField("data di decorrenza")
    tipo = models.CharField(max_length=20, choices=TipoVariazione.choices)
    precedente = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="variazioni_successive")
    successivo = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="variazioni_precedenti")
    nome_precedente = models.CharField(max_length=200)
    atto = models.CharField("atto", max_length=300)
    fonte = models.CharField(max_length=500)

    class Meta:
        verbose_name = "variazione amministrativa di un Comune"
        verbose_name_plural = "variazioni amministrative dei Comuni"
        ordering = ["data", "precedente"]
        constraints = [
            models.UniqueConstraint(fields=["precedente", "successivo", "data"], name="variazione_unica"),
        ]

    def __str__(self):
        return f"{self.data}: {self.nome_precedente} → {self.successivo} ({self.get_tipo_display()})"


class AppartenenzaComune(Periodo):
    comune = models.ForeignKey(Comune, on_delete=models.CASCADE, related_name="appartenenze")
    ambito = models.ForeignKey(Ambito, on_delete=models.PROTECT, related_name="appartenenze_comuni")

    class Meta:
        verbose_name = "appartenenza di un Comune a un Ambito"
        verbose_name_plural = "appartenenze dei Comuni agli Ambiti"
        ordering = ["comune", "dal"]
        constraints = Periodo.Meta.constraints + [
            models.UniqueConstraint(fields=["comune", "dal"], name="appartenenzacomune_unico_dal"),
        ]

    def __str__(self):
        return f"{self.comune} → {self.ambito} ({self.dal} – {self.al or '…'})"


class AliasComune(models.Model):
    """A name by which sources call a Comune (misspelt, abbreviated, old)."""

    nome = models.CharField(max_length=200)
    nome_normalizzato = models.CharField(max_length=200, unique=True, editable=False)
    comune = models.ForeignKey(Comune, on_delete=models.CASCADE, related_name="alias")
    nota = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "nome alternativo di un Comune"
        verbose_name_plural = "nomi alternativi dei Comuni"
        ordering = ["nome"]

    def save(self, *args, **kwargs):
        self.nome_normalizzato = normalizza(self.nome)
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.nome} → {self.comune}"


class FormaGiuridica(models.TextChoices):
    COMUNE = "comune", "Comune capofila"
    AZIENDA_SPECIALE = "azienda_speciale_consortile", "Azienda speciale consortile"
    COMUNITA_MONTANA = "comunita_montana", "Comunità montana"
    CONSORZIO = "consorzio", "Consorzio"
    SOCIETA = "societa", "Società"


class Ente(models.Model):
    nome = models.CharField(max_length=200, unique=True)
    forma_giuridica = models.CharField(max_length=40, choices=FormaGiuridica.choices)

    class Meta:
        verbose_name = "ente"
        verbose_name_plural = "enti"
        ordering = ["nome"]

    def __str__(self):
        return self.nome


class Capofila(Periodo):
    """The body that manages an Ambito on its behalf, over a period."""

    ambito = models.ForeignKey(Ambito, on_delete=models.CASCADE, related_name="capofila")
    ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="ambiti_gestiti")

    class Meta:
        verbose_name = "ente capofila"
        verbose_name_plural = "enti capofila"
        ordering = ["ambito", "dal"]
        constraints = Periodo.Meta.constraints + [
            models.UniqueConstraint(fields=["ambito", "dal"], name="capofila_unico_dal"),
        ]

    def __str__(self):
        return f"{self.ente} per {self.ambito}"


class TipoOrgano(models.TextChoices):
    COLLEGIO = "collegio_sindaci", "Collegio dei Sindaci"
    CONFERENZA = "conferenza_sindaci", "Conferenza dei Sindaci"
    ASSEMBLEA_DISTRETTO = "assemblea_distretto", "Assemblea dei Sindaci di Distretto"
    ASSEMBLEA_AMBITO = "assemblea_ambito", "Assemblea dei Sindaci del Piano di Zona"
    UFFICIO_DI_PIANO = "ufficio_di_piano", "Ufficio di Piano"


class Organo(ConVersione):
    """A governance body or office: its holders are Incarichi with dates of office."""

    codice = models.SlugField(primary_key=True)
    tipo = models.CharField(max_length=30, choices=TipoOrgano.choices)
    nome = models.CharField(max_length=300)
    ats = models.ForeignKey(ATS, null=True, blank=True, on_delete=models.PROTECT, related_name="organi")
    asst = models.ForeignKey(ASST, null=True, blank=True, on_delete=models.PROTECT, related_name="organi")
    distretti = models.ManyToManyField(Distretto, blank=True, related_name="organi")
    ambito = models.ForeignKey(Ambito, null=True, blank=True, on_delete=models.PROTECT, related_name="organi")
    indirizzo = models.CharField(max_length=300, blank=True)
    telefono = models.CharField(max_length=100, blank=True)
    email = models.EmailField(max_length=200, blank=True)
    sito_web = models.URLField("sito web", max_length=200, blank=True)

    class Meta:
        verbose_name = "organo"
        verbose_name_plural = "organi"
        ordering = ["tipo", "nome"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(tipo__in=["assemblea_ambito", "ufficio_di_piano"]) | Q(ambito__isnull=False),
                name="organo_di_ambito_ha_ambito",
                violation_error_message="Un organo di Ambito deve indicare il suo Ambito.",
            ),
            models.UniqueConstraint(
                fields=["ambito", "tipo"],
                condition=Q(ambito__isnull=False),
                name="organo_unico_per_tipo_e_ambito",
            ),
        ]

    def __str__(self):
        return self.nome


class Persona(models.Model):
    nome = models.CharField("nome e cognome", max_length=200, unique=True)

    class Meta:
        verbose_name = "persona"
        verbose_name_plural = "persone"
        ordering = ["nome"]

    def __str__(self):
        return self.nome


class Ruolo(models.TextChoices):
    PRESIDENTE = "presidente", "Presidente"
    VICEPRESIDENTE = "vicepresidente", "Vice Presidente"
    COMPONENTE = "componente", "Componente"
    RESPONSABILE = "responsabile", "Responsabile"


class IncaricoQuerySet(models.QuerySet):
    def in_carica_il(self, day):
        """Offices held on `day`. When the source gives no start of office, the office is
        known to be held from the date the source attests it (`attestato_il`)."""
        started = Q(dal__lte=day) | Q(dal__isnull=True, attestato_il__lte=day)
        not_ended = Q(al__isnull=True) | Q(al__gte=day)
        return self.filter(started & not_ended)


class Incarico(models.Model):
    organo = models.ForeignKey(Organo, on_delete=models.CASCADE, related_name="incarichi")
    persona = models.ForeignKey(Persona, on_delete=models.PROTECT, related_name="incarichi")
    ruolo = models.CharField(max_length=20, choices=Ruolo.choices)
    qualifica = models.CharField(max_length=300, blank=True)
    comune = models.ForeignKey(Comune, null=True, blank=True, on_delete=models.PROTECT, related_name="incarichi")
    dal = models.DateField(null=True, blank=True)
    al = models.DateField(null=True, blank=True)
    attestato_il = models.DateField(help_text="Data del documento che attesta l'incarico.")
    fonte = models.CharField(max_length=300, blank=True)

    objects = IncaricoQuerySet.as_manager()

    class Meta:
        verbose_name = "incarico"
        verbose_name_plural = "incarichi"
        ordering = ["organo", "ruolo", "persona__nome"]
        constraints = [
            models.CheckConstraint(
                condition=Q(al__isnull=True) | Q(dal__isnull=True) | Q(al__gte=F("dal")),
                name="incarico_al_dopo_dal",
                violation_error_message="La data di fine non può precedere la data di inizio.",
            ),
        ]

    def __str__(self):
        return f"{self.get_ruolo_display()} di {self.organo}: {self.persona}"
