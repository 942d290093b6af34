"""Reads of the ledger: balances computed in SQL from the movements, never stored.

A movement counts unless a later one corrects it (`corretto_da` empty). Every figure is a
conditional SUM over those movements, grouped by what the page needs (fund, Ambito, year)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce

from .models import Esercizio, Fondo, Movimento, TipoMovimento

ZERO = Decimal("0.00")
T = TipoMovimento

# Net figures: an economia frees both the commitment and the programming behind it.
_SOMME = {
    "assegnato": [(T.ASSEGNAZIONE, 1)],
    "riportato": [(T.RIPORTO, 1)],
    "riportato_fuori": [(T.RIPORTO_FUORI, 1)],
    "programmato": [(T.PROGRAMMAZIONE, 1), (T.ECONOMIA, -1)],
    "impegnato": [(T.IMPEGNO, 1), (T.ECONOMIA, -1)],
    "liquidato": [(T.LIQUIDAZIONE, 1)],
    "rendicontato": [(T.RENDICONTAZIONE, 1)],
    "economie": [(T.ECONOMIA, 1)],
}


def _somma(tipo, prefisso):
    return Coalesce(
        Sum(f"{prefisso}importo", filter=Q(**{f"{prefisso}tipo": tipo})),
        Value(ZERO),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def _annotazioni(prefisso=""):
    tipi = {t for parti in _SOMME.values() for t, _ in parti}
    return {f"s_{t}": _somma(t, prefisso) for t in tipi}


@dataclass
class Saldo:
    assegnato: Decimal = ZERO
    riportato: Decimal = ZERO
    riportato_fuori: Decimal = ZERO
    programmato: Decimal = ZERO
    impegnato: Decimal = ZERO
    liquidato: Decimal = ZERO
    rendicontato: Decimal = ZERO
    economie: Decimal = ZERO

    @classmethod
    def da_somme(cls, somme):
        valori = {}
        for nome, parti in _SOMME.items():
            valori[nome] = sum((Decimal(somme[f"s_{t}"] or 0) * segno for t, segno in parti), ZERO).quantize(ZERO)
        return cls(**valori)

    def __add__(self, altro):
        return Saldo(**{k: getattr(self, k) + getattr(altro, k) for k in _SOMME})

    @property
    def risorse(self):
        """What the year can use: assigned plus carried in, less what went on to the next year."""
        return self.assegnato + self.riportato - self.riportato_fuori

    @property
    def disponibile(self):
        return self.risorse - self.programmato

    @property
    def impegnato_non_liquidato(self):
        return self.impegnato - self.liquidato

    @property
    def liquidato_non_rendicontato(self):
        return self.liquidato - self.rendicontato

    @property
    def residuo(self):
        """Not yet paid out of the year's resources (committed or not)."""
        return self.risorse - self.liquidato

    @property
    def percentuale_utilizzo(self):
        """Paid out of the year's resources, one decimal; None without resources."""
        if self.risorse <= 0:
            return None
        return (self.liquidato * 100 / self.risorse).quantize(Decimal("0.1"))

    def violazione(self):
        """The first link of the chain that does not hold, as an Italian sentence, or None."""
        from zona.lib.formato import numero

        def e(v):
            return numero(v, 2) + " €"

        if self.riportato_fuori > self.assegnato + self.riportato:
            return f"il residuo riportato all'anno dopo ({e(self.riportato_fuori)}) supera le risorse dell'anno."
        if self.programmato > self.risorse:
            return (
                f"il programmato ({e(self.programmato)}) supererebbe le risorse disponibili ({e(self.risorse)}: "
                f"assegnato {e(self.assegnato)} + riportato {e(self.riportato)} − riportato all'anno dopo "
                f"{e(self.riportato_fuori)})."
            )
        if self.impegnato < 0:
            return f"le economie supererebbero gli impegni (impegnato netto {e(self.impegnato)})."
        if self.impegnato > self.programmato:
            return f"l'impegnato ({e(self.impegnato)}) supererebbe il programmato ({e(self.programmato)})."
        if self.liquidato > self.impegnato:
            return f"il liquidato ({e(self.liquidato)}) supererebbe l'impegnato ({e(self.impegnato)})."
        if self.rendicontato > self.liquidato:
            return f"il rendicontato ({e(self.rendicontato)}) supererebbe il liquidato ({e(self.liquidato)})."
        return None


def movimenti_validi():
    """Movements that count: those no later movement corrects. NOT EXISTS, not the LEFT JOIN of
    `corretto_da__isnull`: PostgreSQL estimated that join at one row and, with 3,6 M movements,
    the province's page took 38 s instead of under one (bench/README.md, fondi_national)."""
    return Movimento.objects.filter(~Exists(Movimento.objects.filter(corregge=OuterRef("pk"))))


def saldo_esercizio(esercizio):
    return Saldo.da_somme(movimenti_validi().filter(esercizio=esercizio).aggregate(**_annotazioni()))


@dataclass
class RigaFondo:
    fondo: Fondo
    anno: int
    saldo: Saldo
    chiuso: bool


def fondi_ambito(ambito_id, anno):
    """One row per fund with movements for the Ambito and year (catalogue order), and the total."""
    qs = (
        movimenti_validi()
        .filter(esercizio__ambito=ambito_id, esercizio__anno=anno)
        .values("esercizio__fondo")
        .annotate(**_annotazioni())
    )
    per_fondo = {r["esercizio__fondo"]: Saldo.da_somme(r) for r in qs}
    chiusi = set(
        Esercizio.objects.filter(ambito=ambito_id, anno=anno, chiuso_il__isnull=False).values_list("fondo", flat=True)
    )
    righe = [
        RigaFondo(fondo=f, anno=anno, saldo=per_fondo[f.pk], chiuso=f.pk in chiusi)
        for f in Fondo.objects.filter(pk__in=per_fondo)
    ]
    return righe, sum((r.saldo for r in righe), Saldo())


def fondi_provincia(anno, ambiti=None):
    """{ambito code: Saldo} for every Ambito with movements in `anno` (one grouped query)."""
    qs = movimenti_validi().filter(esercizio__anno=anno)
    if ambiti is not None:
        qs = qs.filter(esercizio__ambito__in=ambiti)
    qs = qs.values("esercizio__ambito").annotate(**_annotazioni())
    return {r["esercizio__ambito"]: Saldo.da_somme(r) for r in qs}


def totali_per_ambito(anni=None):
    """[(ambito code, fund code, year, Saldo)] of every Ambito, fund and year with movements (one
    grouped query), ordered by Ambito, fund and year: the province's funds as one table."""
    qs = movimenti_validi()
    if anni is not None:
        qs = qs.filter(esercizio__anno__in=anni)
    qs = (
        qs.values("esercizio__ambito", "esercizio__fondo", "esercizio__anno")
        .annotate(**_annotazioni())
        .order_by("esercizio__ambito", "esercizio__fondo", "esercizio__anno")
    )
    return [(r["esercizio__ambito"], r["esercizio__fondo"], r["esercizio__anno"], Saldo.da_somme(r)) for r in qs]


def storia_fondo(ambito_id, fondo_id):
    """[(year, Saldo, closed)] of one fund of the Ambito, every year with movements."""
    qs = (
        movimenti_validi()
        .filter(esercizio__ambito=ambito_id, esercizio__fondo=fondo_id)
        .values("esercizio__anno")
        .annotate(**_annotazioni())
        .order_by("esercizio__anno")
    )
    chiusi = set(
        Esercizio.objects.filter(ambito=ambito_id, fondo=fondo_id, chiuso_il__isnull=False).values_list(
            "anno", flat=True
        )
    )
    return [(r["esercizio__anno"], Saldo.da_somme(r), r["esercizio__anno"] in chiusi) for r in qs]


def registro(ambito_id, anno=None, fondo=None, tipo=None, corretti=True):
    """The Ambito's movements, newest act first; with `corretti` also the corrected ones."""
    qs = Movimento.objects.filter(esercizio__ambito=ambito_id).select_related(
        "esercizio__fondo", "obiettivo", "area", "registrato_da", "corregge", "corretto_da"
    )
    if anno is not None:
        qs = qs.filter(esercizio__anno=anno)
    if fondo:
        qs = qs.filter(esercizio__fondo=fondo)
    if tipo:
        qs = qs.filter(tipo=tipo)
    if not corretti:
        qs = qs.filter(corretto_da__isnull=True)
    return qs.order_by("-data", "-pk")


def anni_con_movimenti(ambito_id=None):
    qs = Esercizio.objects.all()
    if ambito_id is not None:
        qs = qs.filter(ambito=ambito_id)
    # DISTINCT in the database: the province has 70.000 Esercizi at national scale.
    return list(qs.order_by("-anno").values_list("anno", flat=True).distinct())


def fuori_area(ambito_id, anno):
    """Programmed or reported movements on an area the fund may not finance (flagged, not refused)."""
    aree = {}
    for f in Fondo.objects.prefetch_related("aree"):
        aree[f.pk] = {a.pk for a in f.aree.all()}
    qs = (
        movimenti_validi()
        .filter(esercizio__ambito=ambito_id, esercizio__anno=anno, area__isnull=False)
        .select_related("esercizio__fondo", "area")
    )
    return [m for m in qs if aree[m.esercizio.fondo_id] and m.area_id not in aree[m.esercizio.fondo_id]]


def fonti(ambito_id, anno):
    """Where the year's movements come from (an illustrative demo says so here)."""
    return sorted(
        set(
            movimenti_validi()
            .filter(esercizio__ambito=ambito_id, esercizio__anno=anno)
            .exclude(fonte="")
            .values_list("fonte", flat=True)
        )
    )


# --- the ledger in documents (the plan's resources chapter, the provincial report) ---------

# Columns of the ledger and what the public reads of it (the approved programming and the
# reported totals, as the pages show). «assegnato» includes the residui carried in, net of those
# carried on (export_fondi's column).
COLONNE = ["assegnato", "programmato", "impegnato", "liquidato", "rendicontato"]
COLONNE_PUBBLICHE = ["programmato", "rendicontato"]
ETICHETTE = {
    "assegnato": "Assegnato e riportato",
    "programmato": "Programmato",
    "impegnato": "Impegnato",
    "liquidato": "Liquidato",
    "rendicontato": "Rendicontato",
}


def valore_colonna(saldo, colonna):
    return saldo.risorse if colonna == "assegnato" else getattr(saldo, colonna)


@dataclass
class RegistroAnni:
    """The ledger over some years of competence, one table per year: rows (label, [amount per
    column]) and the year's total. Every amount belongs to one year of competence: the «nel
    periodo» total adds distinct years (a residuo carried over counts once, in the year that
    receives it), never an annual amount with a triennial one."""

    anni: list
    colonne: list
    per_anno: dict  # anno -> [(etichetta, [Decimal])]
    totali: dict  # anno -> [Decimal]

    @property
    def vuoto(self):
        return not any(self.per_anno.values())

    @property
    def etichette(self):
        return [ETICHETTE[c] for c in self.colonne]

    @property
    def totale_periodo(self):
        return [sum((self.totali[a][i] for a in self.anni), ZERO) for i in range(len(self.colonne))]


def _totali(righe, colonne):
    return [sum((v[i] for _, v in righe), ZERO) for i in range(len(colonne))]


def registro_del_piano(ambito_id, anni, colonne=COLONNE_PUBBLICHE):
    """The Ambito's funds in each year of a plan (by default what the public reads: the plan's
    document is public once approved)."""
    per_anno, totali = {}, {}
    for anno in anni:
        righe, _ = fondi_ambito(ambito_id, anno)
        per_anno[anno] = [(r.fondo.nome, [valore_colonna(r.saldo, c) for c in colonne]) for r in righe]
        totali[anno] = _totali(per_anno[anno], colonne)
    return RegistroAnni(list(anni), list(colonne), per_anno, totali)


def registro_provinciale(anni, ambiti, colonne=COLONNE_PUBBLICHE):
    """Every Ambito of `ambiti` [(code, name)] with movements, per year (one grouped query a year)."""
    per_anno, totali = {}, {}
    for anno in anni:
        saldi = fondi_provincia(anno, [codice for codice, _ in ambiti])
        per_anno[anno] = [
            (nome, [valore_colonna(saldi[codice], c) for c in colonne]) for codice, nome in ambiti if codice in saldi
        ]
        totali[anno] = _totali(per_anno[anno], colonne)
    return RegistroAnni(list(anni), list(colonne), per_anno, totali)


# --- co-financing: the channels of funding of each objective or service -------------------


@dataclass
class Cofinanziamento:
    """The programmed money of one objective (or service without objective) in a year, by
    channel of funding (the source of each fund: Stato, Regione, Comuni, utenti, ...)."""

    voce: str
    canali: list  # [(label of the channel, amount, share in percent)]

    @property
    def totale(self):
        return sum((importo for _, importo, _ in self.canali), ZERO)


def cofinanziamento(ambito_id, anno):
    """Every objective or service programmed in the Ambito's year with the share of each channel
    (one grouped query). Programmed is net of economie; shares have two decimals and add up to
    exactly 100 (largest remainder, as every split in Zona): a 20 % minimum share of partners
    reads 20,00 only if their money is at least a fifth."""
    from programmazione.riparto import riparto

    from .models import FonteFondo

    qs = (
        movimenti_validi()
        .filter(esercizio__ambito=ambito_id, esercizio__anno=anno, tipo__in=[T.PROGRAMMAZIONE, T.ECONOMIA])
        .values("obiettivo__codice", "obiettivo__titolo", "servizio", "esercizio__fondo__fonte")
        .annotate(**{f"s_{t}": _somma(t, "") for t in (T.PROGRAMMAZIONE, T.ECONOMIA)})
        .order_by("obiettivo__codice", "servizio", "esercizio__fondo__fonte")
    )
    per_voce = {}
    for r in qs:
        if r["obiettivo__codice"]:
            voce = f"{r['obiettivo__codice']} – {r['obiettivo__titolo']}"
        else:
            voce = r["servizio"] or "Senza obiettivo né servizio"
        importo = r[f"s_{T.PROGRAMMAZIONE}"] - r[f"s_{T.ECONOMIA}"]
        if importo > 0:
            canale = FonteFondo(r["esercizio__fondo__fonte"]).label
            per_voce.setdefault(voce, {})
            per_voce[voce][canale] = per_voce[voce].get(canale, ZERO) + importo
    risultato = []
    for voce, canali in per_voce.items():
        quote = riparto(Decimal("100.00"), {c: int(v * 100) for c, v in canali.items()})
        risultato.append(Cofinanziamento(voce, [(c, v, quote[c]) for c, v in sorted(canali.items())]))
    return risultato
