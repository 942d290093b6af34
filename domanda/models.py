"""Social demand from case-record (CSI) extracts: the nomenclature, the loads, the rows.

An extract is what a Cartella Sociale Informatizzata exports for one erogatore (the Comune,
or the body of the Ambito, that delivers the services) and one period (a year): one row per
intervention episode of a person. The person is never stored: the codice fiscale is replaced
at import by a keyed pseudonym (domanda.codice_fiscale), which lets the aggregates count a
person once however many rows, Comuni and erogatori they have, and lets nobody go back to the
person without the key. Rows are read only by the aggregate queries (domanda.selectors), never
by a page, and are deleted after the retention period (settings.DOMANDA_CONSERVAZIONE_ANNI)
while the loads' history stays.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class AreaUtenza(models.Model):
    """An area of users of the ISTAT survey of the Comuni's social services (reference data)."""

    codice = models.SlugField(primary_key=True, max_length=30)
    nome = models.CharField(max_length=120)
    ordine = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "area di utenza"
        verbose_name_plural = "aree di utenza"
        ordering = ["ordine"]

    def __str__(self):
        return self.nome


class Intervento(models.Model):
    """A code of the nomenclature of social interventions and services (reference data,
    domanda/data/nomenclatore.csv)."""

    codice = models.CharField(primary_key=True, max_length=12)
    descrizione = models.CharField(max_length=300)
    macroarea = models.CharField(max_length=120)
    unita = models.CharField("unità di misura", max_length=60)
    ordine = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "intervento del nomenclatore"
        verbose_name_plural = "nomenclatore degli interventi"
        ordering = ["ordine"]

    def __str__(self):
        return f"{self.codice} {self.descrizione}"


class CaricamentoEstratto(models.Model):
    """One load of an extract. A new load for the same erogatore and period replaces the
    active one: the old load stays here (with `sostituito_da`), its rows are deleted."""

    erogatore = models.ForeignKey("territorio.Comune", on_delete=models.PROTECT, related_name="estratti_csi")
    periodo = models.PositiveSmallIntegerField("anno")
    nome_file = models.CharField(max_length=255)
    caricato_il = models.DateTimeField(auto_now_add=True)
    caricato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    righe = models.PositiveIntegerField(default=0)
    persone = models.PositiveIntegerField(default=0)
    sostituito_da = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="sostituisce"
    )
    righe_eliminate_il = models.DateField(
        "righe eliminate il", null=True, blank=True, help_text="Fine del periodo di conservazione delle righe."
    )

    class Meta:
        verbose_name = "caricamento di un estratto CSI"
        verbose_name_plural = "caricamenti degli estratti CSI"
        ordering = ["-caricato_il", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(periodo__gte=1990) & Q(periodo__lte=2100), name="estratto_periodo_plausibile"
            ),
            # One active extract per erogatore and period: the replacement is one transaction.
            models.UniqueConstraint(
                fields=["erogatore", "periodo"], condition=Q(sostituito_da__isnull=True), name="estratto_attivo_unico"
            ),
        ]

    def __str__(self):
        return f"Estratto CSI {self.erogatore_id} {self.periodo} ({self.nome_file})"


class Sesso(models.TextChoices):
    MASCHIO = "M", "Maschi"
    FEMMINA = "F", "Femmine"


class Episodio(models.Model):
    """One row of an extract: an intervention episode of a (pseudonymised) person.

    Millions of rows, written by the extract's load and read by the aggregates' scans of a
    load: two indexes (the key; the load and the Comune of residence), not one per foreign
    key. The references to the registry and the nomenclature are checked by the load (every
    code against its table, in the same transaction: domanda.importa) and protected by the ORM
    (PROTECT), not by a foreign key of the database: its check of every row at commit cost
    more than the rest of the load (bench/README.md); the load's key neither."""

    # The index (caricamento, comune_residenza) serves the lookups by load. No foreign key in
    # the database either: its deferred check of every row at commit cost 3-4 µs a row, more
    # than the row's insert (bench/README.md); the rows are written only with their load, in
    # its transaction, and the ORM deletes them with it (CASCADE).
    caricamento = models.ForeignKey(
        CaricamentoEstratto, on_delete=models.CASCADE, related_name="episodi", db_index=False, db_constraint=False
    )
    erogatore = models.ForeignKey(
        "territorio.Comune", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # The person: its pseudonym (domanda.codice_fiscale.firma), the first 128 bits of the
    # HMAC-SHA256 of its codice fiscale, as a uuid (16 bytes that PostgreSQL sorts and hashes
    # as fast as two integers). The same person has the same value in every extract loaded
    # with the same key; two people share one with a probability of about 10^-25 among ten
    # million (the birthday bound of 2^128 values): a count of distinct values is a count of
    # people, with no registry of the people to keep, look up or insert into at each load (its
    # random B-tree was a quarter of the load's time: bench/README.md). Never shown: only the
    # aggregate queries read it.
    persona = models.UUIDField("persona (pseudonimo)")
    comune_residenza = models.ForeignKey(
        "territorio.Comune", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    sesso = models.CharField(max_length=1, choices=Sesso.choices)
    anno_nascita = models.PositiveSmallIntegerField()
    area = models.ForeignKey(
        AreaUtenza, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    intervento = models.ForeignKey(
        Intervento,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    data_inizio = models.DateField()
    data_fine = models.DateField(null=True, blank=True)
    quantita = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    spesa = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    compartecipazione = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = "episodio di un estratto CSI"
        verbose_name_plural = "episodi degli estratti CSI"
        # On PostgreSQL a BRIN index on these columns replaces this B-tree (migration 0003:
        # a B-tree cost 2-3 µs a row at the insert); SQLite keeps the B-tree.
        indexes = [models.Index(fields=["caricamento", "comune_residenza"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(data_fine__isnull=True) | Q(data_fine__gte=models.F("data_inizio")),
                name="episodio_fine_dopo_inizio",
            ),
            models.CheckConstraint(condition=Q(sesso__in=["M", "F"]), name="episodio_sesso_valido"),
        ]


class VisioneRiservata(models.Model):
    """A view of unsuppressed aggregates: who, when, what (a territory, a year, a page or a
    command). Never a person's data: the aggregates hold none."""

    utente = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    nome_utente = models.CharField(max_length=150)
    quando = models.DateTimeField(auto_now_add=True)
    cosa = models.CharField(max_length=300)

    class Meta:
        verbose_name = "visione di dati non oscurati"
        verbose_name_plural = "visioni di dati non oscurati"
        ordering = ["-quando"]

    def __str__(self):
        return f"{self.nome_utente} {self.quando:%d/%m/%Y %H:%M}: {self.cosa}"


class AggregatoConservato(models.Model):
    """The aggregates of a year whose extract rows were deleted at the end of the retention
    period (services.elimina_scaduti): what selectors.aggregati computed, kept per level."""

    livello = models.CharField(max_length=10)
    codice_territorio = models.CharField(max_length=50)
    anno = models.PositiveSmallIntegerField()
    area = models.CharField(max_length=30)
    intervento = models.CharField(max_length=12, blank=True)
    utenti = models.PositiveIntegerField()
    interventi = models.PositiveIntegerField()
    quantita = models.DecimalField(max_digits=16, decimal_places=2)
    spesa = models.DecimalField(max_digits=16, decimal_places=2)
    compartecipazione = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = "aggregato conservato"
        verbose_name_plural = "aggregati conservati"
        constraints = [
            models.UniqueConstraint(
                fields=["livello", "codice_territorio", "anno", "area", "intervento"], name="aggregato_conservato_unico"
            )
        ]
