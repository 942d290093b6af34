"""Reads of the ledger: balances computed in SQL from the movements, never stored.

A movement counts unless a later one corrects it (`corretto_da` empty). Every figure is a
conditional SUM over those movements, grouped by what the page needs (fund, Ambito, year)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
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


def _saldi(qs, *chiavi):
    """{key: Saldo} of the movements of `qs` grouped by the fields `chiavi` (a tuple key when
    more than one). One SUM per (key, kind of movement), not one conditional SUM per kind on
    every row: at national scale a year of the province is 366.600 movements, and eight
    FILTERed sums per row were most of the aggregate's time. Ordering cleared: the model's
    default ordering would join the Ambiti and the funds only to sort by their names."""
    somme = {}
    for r in qs.order_by().values(*chiavi, "tipo").annotate(_s=Sum("importo")):
        chiave = r[chiavi[0]] if len(chiavi) == 1 else tuple(r[c] for c in chiavi)
        somme.setdefault(chiave, {})[f"s_{r['tipo']}"] = r["_s"]
    return {k: Saldo.da_somme(v) for k, v in somme.items()}


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
            valori[nome] = sum((Decimal(somme.get(f"s_{t}") or 0) * segno for t, segno in parti), ZERO).quantize(ZERO)
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
    the province's page took 38 s instead of under one (bench/README.md, fondi_national). The
    subquery's `corregge IS NOT NULL` is implied by the equality, but said aloud it lets
    PostgreSQL hash the few corrected movements (from the non-null end of their unique index)
    instead of sorting a year of movements for a merge anti-join."""
    corrette = Movimento.objects.filter(corregge__isnull=False, corregge=OuterRef("pk"))
    return Movimento.objects.filter(~Exists(corrette))


def saldo_esercizio(esercizio):
    return _saldi(movimenti_validi().filter(esercizio=esercizio), "esercizio").get(esercizio.pk, Saldo())


@dataclass
class RigaFondo:
    fondo: Fondo
    anno: int
    saldo: Saldo
    chiuso: bool


@dataclass
class AnnoAmbito:
    """Everything the funds page of an Ambito shows of a year."""

    righe: list  # [RigaFondo] in catalogue order
    totale: Saldo
    fonti: list  # where the movements come from
    cofinanziamento: list  # [Cofinanziamento]
    fuori_area: list  # [Movimento] on an area the fund may not finance (flagged, not refused)


# The grouped read of an Ambito's year, as columns of a row.
_COLONNE_ANNO = (
    "esercizio__fondo",
    "esercizio__chiuso_il",
    "tipo",
    "obiettivo__codice",
    "obiettivo__titolo",
    "servizio",
    "area",
    "fonte",
)
# Stand-ins for the Ambito and the year while the ORM writes the statement (a year in the range
# of the column: out of it Django would write an empty statement).
_AMBITO_SEGNAPOSTO, _ANNO_SEGNAPOSTO = "segnaposto-ambito", 32123
_SQL_ANNO = {}


def _righe_anno(ambito_id, anno):
    """The grouped movements of the Ambito's year (dicts of _COLONNE_ANNO and `_s`). The ORM
    writes the statement once per process and database: writing it (joins, NOT EXISTS,
    grouping) cost more CPU than PostgreSQL spent running it, at every request of the page
    (bench/README.md, fondi_national)."""
    if connection.vendor not in _SQL_ANNO:
        qs = (
            movimenti_validi()
            .filter(esercizio__ambito=_AMBITO_SEGNAPOSTO, esercizio__anno=_ANNO_SEGNAPOSTO)
            .order_by()
            .values(*_COLONNE_ANNO)
            .annotate(_s=Sum("importo"))
        )
        _SQL_ANNO[connection.vendor] = qs.query.sql_with_params()
    sql, segnaposti = _SQL_ANNO[connection.vendor]
    sostituti = {_AMBITO_SEGNAPOSTO: ambito_id, _ANNO_SEGNAPOSTO: anno}
    with connection.cursor() as cursor:
        cursor.execute(sql, [sostituti.get(p, p) for p in segnaposti])
        righe = cursor.fetchall()
    return [dict(zip(_COLONNE_ANNO, r[:-1], strict=True)) | {"_s": _decimale(r[-1])} for r in righe]


def _decimale(valore):
    """A SUM of amounts as Decimal with cents: PostgreSQL gives a Decimal, SQLite an int or a
    float (what the ORM's converter would do)."""
    if isinstance(valore, Decimal):
        return valore
    return Decimal(valore if isinstance(valore, int) else repr(valore)).quantize(ZERO)


def anno_ambito(ambito_id, anno, fuori_area=True):
    """The Ambito's year in one grouped query over its movements (by fund, kind, objective,
    service, area and source: at most as many rows as movements, a few hundred), the funds of
    the catalogue in a second; the movements off their fund's areas in a third, only when some
    movement has an area and `fuori_area`. The page asked for each of these apart: 16 queries,
    each a round trip that a loaded server makes wait (bench/README.md, fondi_national)."""
    gruppi = _righe_anno(ambito_id, anno)
    somme, chiusi = {}, set()
    for r in gruppi:
        per_tipo = somme.setdefault(r["esercizio__fondo"], {})
        chiave = f"s_{r['tipo']}"
        per_tipo[chiave] = per_tipo.get(chiave, ZERO) + r["_s"]
        if r["esercizio__chiuso_il"] is not None:
            chiusi.add(r["esercizio__fondo"])
    fondi = list(Fondo.objects.filter(pk__in=somme)) if somme else []
    righe = [RigaFondo(f, anno, Saldo.da_somme(somme[f.pk]), f.pk in chiusi) for f in fondi]
    return AnnoAmbito(
        righe=righe,
        totale=sum((r.saldo for r in righe), Saldo()),
        fonti=sorted({r["fonte"] for r in gruppi} - {""}),
        cofinanziamento=_cofinanziamento(gruppi, {f.pk: f.fonte for f in fondi}),
        fuori_area=_fuori_area(ambito_id, anno) if fuori_area and any(r["area"] for r in gruppi) else [],
    )


def fondi_ambito(ambito_id, anno):
    """One row per fund with movements for the Ambito and year (catalogue order), and the total."""
    a = anno_ambito(ambito_id, anno, fuori_area=False)
    return a.righe, a.totale


def fondi_provincia(anno, ambiti=None):
    """{ambito code: Saldo} for every Ambito with movements in `anno` (one grouped query)."""
    qs = movimenti_validi().filter(esercizio__anno=anno)
    if ambiti is not None:
        qs = qs.filter(esercizio__ambito__in=ambiti)
    return _saldi(qs, "esercizio__ambito")


def totali_per_ambito(anni=None):
    """[(ambito code, fund code, year, Saldo)] of every Ambito, fund and year with movements (one
    grouped query), ordered by Ambito, fund and year: the province's funds as one table."""
    qs = movimenti_validi()
    if anni is not None:
        qs = qs.filter(esercizio__anno__in=anni)
    saldi = _saldi(qs, "esercizio__ambito", "esercizio__fondo", "esercizio__anno")
    return [(a, f, y, saldi[(a, f, y)]) for a, f, y in sorted(saldi)]


def storia_fondo(ambito_id, fondo_id):
    """[(year, Saldo, closed)] of one fund of the Ambito, every year with movements."""
    saldi = _saldi(movimenti_validi().filter(esercizio__ambito=ambito_id, esercizio__fondo=fondo_id), "esercizio__anno")
    chiusi = set(
        Esercizio.objects.filter(ambito=ambito_id, fondo=fondo_id, chiuso_il__isnull=False).values_list(
            "anno", flat=True
        )
    )
    return [(anno, saldi[anno], anno in chiusi) for anno in sorted(saldi)]


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


def _fuori_area(ambito_id, anno):
    """Movements of the year on an area their fund may not finance (a fund without areas
    finances every area), in one query."""
    aree = Fondo.aree.through.objects
    return list(
        movimenti_validi()
        .filter(esercizio__ambito=ambito_id, esercizio__anno=anno, area__isnull=False)
        .filter(Exists(aree.filter(fondo=OuterRef("esercizio__fondo"))))
        .exclude(Exists(aree.filter(fondo=OuterRef("esercizio__fondo"), areapolicy=OuterRef("area"))))
        .select_related("esercizio__fondo", "area")
        .order_by("esercizio__fondo__ordine", "data", "pk")
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
    """Every objective or service programmed in the Ambito's year with the share of each channel.
    Programmed is net of economie; shares have two decimals and add up to exactly 100 (largest
    remainder, as every split in Zona): a 20 % minimum share of partners reads 20,00 only if
    their money is at least a fifth."""
    return anno_ambito(ambito_id, anno, fuori_area=False).cofinanziamento


def _cofinanziamento(gruppi, fonte_del_fondo):
    """`cofinanziamento` from the grouped movements of `anno_ambito`: objectives by code, then
    services without objective by name, channels by name."""
    from programmazione.riparto import riparto

    from .models import FonteFondo

    per_voce = {}
    righe = [r for r in gruppi if r["tipo"] in (T.PROGRAMMAZIONE, T.ECONOMIA)]
    righe.sort(key=lambda r: (r["obiettivo__codice"] is None, r["obiettivo__codice"] or "", r["servizio"]))
    for r in righe:
        if r["obiettivo__codice"]:
            voce = f"{r['obiettivo__codice']} – {r['obiettivo__titolo']}"
        else:
            voce = r["servizio"] or "Senza obiettivo né servizio"
        canale = FonteFondo(fonte_del_fondo[r["esercizio__fondo"]]).label
        segno = 1 if r["tipo"] == T.PROGRAMMAZIONE else -1
        canali = per_voce.setdefault(voce, {})
        canali[canale] = canali.get(canale, ZERO) + segno * r["_s"]
    risultato = []
    for voce, canali in per_voce.items():
        canali = {c: v for c, v in canali.items() if v > 0}
        if not canali:
            continue
        quote = riparto(Decimal("100.00"), {c: int(v * 100) for c, v in canali.items()})
        risultato.append(Cofinanziamento(voce, [(c, v, quote[c]) for c, v in sorted(canali.items())]))
    return risultato
