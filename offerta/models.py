"""The service offer of a territory and the essential levels it is measured on.

- `TipoUnita`: the Lombardy types of social and socio-health units (asilo nido, CDD, RSA, ...)
  with the area of users each serves (the ISTAT areas of domanda.AreaUtenza, the one list of
  areas): reference data (offerta/data/tipi_unita.csv).
- `UnitaOfferta`: one unit of the register (the regional AFAM register's row): who runs it,
  where, authorised and accredited when and for how many places, its contract with the Ambito.
- `Leps`: the catalogue of the livelli essenziali delle prestazioni sociali with the legal
  source, the measurable indicator and its threshold (offerta/data/leps.csv). Plans' objectives
  name the LEPS they implement (programmazione.Obiettivo.leps). The table keeps its historical
  name: the model moved here from programmazione, where it was only a tag.
- `RilevazioneLeps`: the figure of a LEPS indicator for an Ambito and a year, where the figure
  is recorded rather than computed (a service active in how many Comuni); the social workers'
  ratio is computed from the knowledge base instead (measure `assistenti_sociali_fte`).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from zona.lib import valori
from zona.lib.codice_fiscale import codice_fiscale
from zona.lib.locking import ConVersione


class Rete(models.TextChoices):
    SOCIALE = "sociale", "Sociale"
    SOCIOSANITARIA = "sociosanitaria", "Sociosanitaria"


class TipoUnita(models.Model):
    codice = models.SlugField(primary_key=True, max_length=40)
    nome = models.CharField(max_length=200, unique=True)
    sigla = models.CharField(max_length=20, blank=True)
    area = models.ForeignKey(
        "domanda.AreaUtenza", on_delete=models.PROTECT, related_name="tipi_unita", verbose_name="area di utenza"
    )
    gruppo = models.SlugField(
        "gruppo di utenza",
        max_length=30,
        blank=True,
        help_text="La categoria dei posti nella base di conoscenza («gruppo|tipo»): prima_infanzia per i nidi, "
        "altrimenti l'area. Gli indicatori di copertura sommano i posti di un gruppo.",
    )
    rete = models.CharField(max_length=20, choices=Rete.choices)
    descrizione = models.CharField(max_length=400, blank=True)
    parole_chiave = models.CharField(
        max_length=400, blank=True, help_text="Parole con cui un cittadino cerca il servizio, separate da virgole."
    )
    ordine = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "tipo di unità d'offerta"
        verbose_name_plural = "tipi di unità d'offerta"
        ordering = ["ordine", "nome"]

    def __str__(self):
        return self.nome

    @property
    def categoria_posti(self):
        """The category of this type's places and units in the knowledge base (measures `posti`
        and `strutture`): «gruppo|sigla or name», so that a coverage indicator sums a whole
        group with «gruppo|*» (conoscenza.selectors)."""
        return f"{self.gruppo or self.area_id}|{self.sigla or self.nome}"


class NaturaEnte(models.TextChoices):
    PUBBLICO = "pubblico", "Ente pubblico"
    PRIVATO = "privato", "Privato"
    TERZO_SETTORE = "terzo_settore", "Terzo settore"


class UnitaOfferta(ConVersione):
    tipo = models.ForeignKey(TipoUnita, on_delete=models.PROTECT, related_name="unita")
    nome = models.CharField(max_length=200)
    ente_gestore = models.CharField("ente gestore", max_length=200)
    natura_ente = models.CharField("natura dell'ente gestore", max_length=20, choices=NaturaEnte.choices)
    codice_fiscale_ente = models.CharField("codice fiscale dell'ente gestore", max_length=16)
    indirizzo = models.CharField(max_length=300, blank=True)
    comune = models.ForeignKey("territorio.Comune", on_delete=models.PROTECT, related_name="unita_offerta")
    telefono = models.CharField(max_length=40, blank=True)
    email = models.EmailField(max_length=200, blank=True)
    autorizzata_il = models.DateField("autorizzata il", null=True, blank=True)
    accreditata_il = models.DateField("accreditata il", null=True, blank=True)
    posti_autorizzati = models.PositiveIntegerField(null=True, blank=True)
    posti_accreditati = models.PositiveIntegerField(null=True, blank=True)
    contratto_ambito = models.BooleanField("contratto con l'Ambito", default=False)
    importo_contratto = models.DecimalField(
        "importo annuo del contratto (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    apertura = models.CharField(
        "periodo di apertura", max_length=200, blank=True, help_text="Per esempio: tutto l'anno; settembre-luglio."
    )
    fonte = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "unità d'offerta"
        verbose_name_plural = "unità d'offerta"
        ordering = ["tipo__ordine", "nome"]
        constraints = [
            models.UniqueConstraint(fields=["tipo", "nome", "comune"], name="unita_offerta_unica"),
            models.CheckConstraint(
                condition=Q(accreditata_il__isnull=True)
                | Q(autorizzata_il__isnull=True)
                | Q(accreditata_il__gte=F("autorizzata_il")),
                name="unita_accreditata_dopo_autorizzata",
                violation_error_message="L'accreditamento non può precedere l'autorizzazione.",
            ),
            models.CheckConstraint(
                condition=Q(importo_contratto__isnull=True) | Q(importo_contratto__gte=0),
                name="unita_importo_non_negativo",
            ),
        ]

    def __str__(self):
        return self.nome

    def clean(self):
        if self.codice_fiscale_ente:
            try:
                self.codice_fiscale_ente = codice_fiscale(self.codice_fiscale_ente, obbligatorio=True)
            except valori.ValoreNonValido as e:
                raise ValidationError({"codice_fiscale_ente": e.motivo}) from None


class Verso(models.TextChoices):
    ALMENO = "almeno", "almeno la soglia"
    AL_PIU = "al_piu", "al più la soglia"


class Calcolo(models.TextChoices):
    RILEVATO = "rilevato", "Dato rilevato dall'Ambito"
    ABITANTI_PER_AS = "abitanti_per_assistente_sociale", "Residenti per assistente sociale (base di conoscenza)"


class Leps(models.Model):
    """A livello essenziale delle prestazioni sociali: what an objective may implement, and
    what an Ambito is measured on (indicator, threshold, status: offerta.leps)."""

    codice = models.SlugField(primary_key=True)
    nome = models.CharField(max_length=200)
    riferimento = models.CharField("fonte normativa", max_length=300, blank=True)
    indicatore = models.CharField(max_length=300, blank=True)
    unita = models.CharField("unità di misura", max_length=40, blank=True)
    verso = models.CharField(max_length=10, choices=Verso.choices, default=Verso.ALMENO)
    soglia = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    soglia_parziale = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Da qui in poi il LEPS è parziale."
    )
    obiettivo = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Obiettivo di servizio oltre il LEPS."
    )
    calcolo = models.CharField(max_length=40, choices=Calcolo.choices, default=Calcolo.RILEVATO)
    ordine = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "programmazione_leps"
        verbose_name = "LEPS"
        verbose_name_plural = "LEPS"
        ordering = ["nome"]

    def __str__(self):
        return self.nome


class RilevazioneLeps(ConVersione):
    ambito = models.ForeignKey("territorio.Ambito", on_delete=models.CASCADE, related_name="rilevazioni_leps")
    leps = models.ForeignKey(Leps, on_delete=models.CASCADE, related_name="rilevazioni")
    anno = models.PositiveSmallIntegerField()
    valore = models.DecimalField(max_digits=12, decimal_places=2)
    fonte = models.CharField(max_length=300)

    class Meta:
        verbose_name = "rilevazione di un LEPS"
        verbose_name_plural = "rilevazioni dei LEPS"
        constraints = [
            models.UniqueConstraint(fields=["ambito", "leps", "anno"], name="rilevazione_leps_unica"),
            models.CheckConstraint(condition=Q(valore__gte=0), name="rilevazione_leps_non_negativa"),
        ]
