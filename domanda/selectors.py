"""Reads of the demand: aggregates of the active extracts at every level of the territory.

A user is a person: every count of users is COUNT(DISTINCT person) over the rows that the
level's territory contains, computed by the database in one query per level and year (never
a sum of the Comuni's counts: a person seen in two Comuni of an Ambito, or by two erogatori,
counts once in the Ambito). The same SQL runs on SQLite and PostgreSQL (COUNT(DISTINCT), GROUP
BY, joins: nothing vendor-specific), so there is no second path.

The territory of a row is the Comune of residence; a Comune belongs to the Ambito (and through
it to the Distretto, ASST, ATS) of the memberships that overlap the year. Rows are read only
here and only as aggregates: nothing returns a pseudonym or a row.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth

from conoscenza.models import Livello
from conoscenza.selectors import LIVELLI_CALCOLATI, WORK_MEM_SCANSIONE, calcola
from territorio.models import ASST, ATS, Ambito, AmbitoDistretto, AppartenenzaComune, Comune, Distretto
from zona.lib.cache import memorizza

from .models import AggregatoConservato, AreaUtenza, CaricamentoEstratto, Episodio, Intervento

# The knowledge base's levels computed from the Comuni, but Italy: an extract is of an Ambito's
# erogatori, and the national figure is not a demand anyone plans on.
LIVELLI = tuple(str(livello) for livello in LIVELLI_CALCOLATI if livello != Livello.ITALIA)
TOTALE = "TOTALE"
# The code of the rows the CSI did not code (an empty code means "every intervention").
SENZA_CODICE = "NC"
FASCE = (("0-17", 0, 17), ("18-64", 18, 64), ("65-74", 65, 74), ("75+", 75, None))


@dataclass(frozen=True)
class Aggregato:
    codice_territorio: str
    area: str  # an area code, or TOTALE
    intervento: str  # a nomenclature code, "" = every intervention of the area (or of all)
    utenti: int
    interventi: int
    quantita: Decimal
    spesa: Decimal
    compartecipazione: Decimal


def _t(modello):
    return connection.ops.quote_name(modello._meta.db_table)


def _mappa(livello):
    """SQL of (comune, codice) pairs: the Comuni of each territory of `livello` in the year
    (%(inizio)s..%(fine)s), and its parameters' names."""
    if livello == "comune":
        return f"SELECT codice_istat AS comune, codice_istat AS codice FROM {_t(Comune)}"
    appartenenze = (
        f"SELECT ac.comune_id AS comune, ac.ambito_id AS ambito FROM {_t(AppartenenzaComune)} ac "
        "WHERE ac.dal <= %(fine)s AND (ac.al IS NULL OR ac.al >= %(inizio)s)"
    )
    if livello == "ambito":
        return f"SELECT DISTINCT a.comune, a.ambito AS codice FROM ({appartenenze}) a"
    distretti = (
        f"SELECT DISTINCT a.comune, ad.distretto_id AS distretto FROM ({appartenenze}) a "
        f"JOIN {_t(AmbitoDistretto)} ad ON ad.ambito_id = a.ambito "
        "AND ad.dal <= %(fine)s AND (ad.al IS NULL OR ad.al >= %(inizio)s)"
    )
    if livello == "distretto":
        return f"SELECT DISTINCT d.comune, d.distretto AS codice FROM ({distretti}) d"
    asst = (
        f"SELECT DISTINCT d.comune, x.asst_id AS asst FROM ({distretti}) d "
        f"JOIN {_t(Distretto)} x ON x.codice = d.distretto"
    )
    if livello == "asst":
        return f"SELECT DISTINCT s.comune, s.asst AS codice FROM ({asst}) s"
    if livello == "ats":
        return f"SELECT DISTINCT s.comune, y.ats_id AS codice FROM ({asst}) s JOIN {_t(ASST)} y ON y.codice = s.asst"
    raise ValueError(livello)


def _base(livello, codici, altri_join=""):
    """FROM/WHERE of the active rows of the year joined to their territory of `livello`."""
    filtro = ""
    if codici is not None:
        scelti = "(" + ", ".join(["%(c" + str(i) + ")s" for i in range(len(codici))]) + ")"
        filtro = f" AND m.codice IN {scelti}"
        # The range of the territories' Comuni codes too: a condition on the column itself,
        # which the BRIN index (caricamento, comune_residenza) of PostgreSQL reads (a join
        # condition it cannot): a few block ranges instead of the whole table. An Ambito's
        # Comuni have neighbouring codes, and so do a load's rows.
        estremo = f"(SELECT {{}}(r.comune) FROM ({_mappa(livello)}) r WHERE r.codice IN {scelti})"
        filtro += f" AND e.comune_residenza_id BETWEEN {estremo.format('min')} AND {estremo.format('max')}"
    return (
        f"FROM {_t(Episodio)} e JOIN {_t(CaricamentoEstratto)} k ON k.id = e.caricamento_id "
        "AND k.sostituito_da_id IS NULL AND k.periodo = %(anno)s "
        f"JOIN ({_mappa(livello)}) m ON m.comune = e.comune_residenza_id {altri_join} WHERE 1 = 1{filtro}"
    )


def _parametri(anno, codici):
    p = {"anno": anno, "inizio": datetime.date(anno, 1, 1), "fine": datetime.date(anno, 12, 31)}
    for i, c in enumerate(codici or ()):
        p[f"c{i}"] = c
    return p


def _esegui(sql, parametri, scansione=False):
    """The rows of `sql`. `scansione` (PostgreSQL): a scan of a whole year, run with the
    knowledge base's work_mem for scans (conoscenza.selectors.WORK_MEM_SCANSIONE, as its
    GROUPING SETS do): the distinct counts of a national year sort millions of pseudonyms, on
    disk with the default 4 MB."""
    if scansione and connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursore:
            cursore.execute(f"SET LOCAL work_mem = '{WORK_MEM_SCANSIONE}'")
            cursore.execute(sql, parametri)
            return cursore.fetchall()
    with connection.cursor() as cursore:
        cursore.execute(sql, parametri)
        return cursore.fetchall()


def _misure():
    # The person's number (domanda.models.Persona), not its pseudonym: a 4-byte integer to sort.
    return (
        "COUNT(DISTINCT e.persona_id), COUNT(*), COALESCE(SUM(e.quantita), 0), COALESCE(SUM(e.spesa), 0), "
        "COALESCE(SUM(e.compartecipazione), 0)"
    )


def _dec(v):
    return v if isinstance(v, Decimal) else Decimal(str(v or 0)).quantize(Decimal("0.01"))


# work_mem of the one statement of every level (PostgreSQL): the hash table of the people
# (one entry per person of the year, ~290 MB for 2 million) fits in it times PostgreSQL's
# hash_mem_multiplier (2) instead of spilling to disk in batches (bench/README.md).
WORK_MEM_LIVELLI = "160MB"


def _sql_livelli(livelli):
    """SQL of every level's aggregates in one statement (PostgreSQL; bench/README.md):

    `comuni`: per Comune and (area, intervention), per area and in all, the distinct people
    (`COUNT(DISTINCT)` of the person's number, 4 bytes), rows and sums: the Comune level, and
    what the other levels add up. A person seen in one Comune only (most) counts once in every
    territory that contains it, so at the other levels such people are the Comuni's counts
    summed. `tracce`: the distinct (person, Comune, area, intervention) of the people of more
    than one Comune in the year (a few per cent; found by a hash table of the people, a
    Comune's code compared as a number: six digits, territorio.Comune's check), counted
    distinct per territory of every level at once (`mappe`: the Comuni of every territory of
    every level). A territory's users: its Comuni's counts without their movers, plus its
    movers counted once. No row leaves the statement: only the counts."""
    intervento = f"COALESCE(e.intervento_id, '{SENZA_CODICE}')"
    area = f"CASE WHEN GROUPING(t.area) = 1 THEN '{TOTALE}' ELSE t.area END"
    interv = "CASE WHEN GROUPING(t.intervento) = 1 THEN '' ELSE t.intervento END"
    superiori = [lv for lv in livelli if lv != "comune"]
    mappe = " UNION ALL ".join(
        f"SELECT '{lv}' AS livello, m.comune, m.codice FROM ({_mappa(lv)}) m" for lv in ["comune", *superiori]
    )
    risultato = []
    if "comune" in livelli:
        risultato.append("SELECT 'comune', b.codice, b.area, b.intervento, b.utenti, b.n, b.q, b.s, b.c FROM base b")
    if superiori:
        risultato.append(
            """SELECT a.livello, a.codice, a.area, a.intervento, a.singole + COALESCE(x.utenti, 0), a.n, a.q, a.s, a.c
            FROM (
                SELECT m.livello, m.codice, b.area, b.intervento, sum(b.singole) AS singole, sum(b.n) AS n,
                    sum(b.q) AS q, sum(b.s) AS s, sum(b.c) AS c
                FROM base b JOIN mappe m ON m.comune = b.codice AND m.livello <> 'comune'
                GROUP BY m.livello, m.codice, b.area, b.intervento
            ) a
            LEFT JOIN mobili_livelli x ON x.livello = a.livello AND x.codice = a.codice AND x.area = a.area
                AND x.intervento = a.intervento"""
        )
    comuni = f"""SELECT t.comune AS codice, {area} AS area, {interv} AS intervento,
            count(DISTINCT t.persona) AS utenti, count(*) AS n, COALESCE(sum(t.quantita), 0) AS q,
            COALESCE(sum(t.spesa), 0) AS s, COALESCE(sum(t.compartecipazione), 0) AS c
        FROM righe t GROUP BY t.comune, ROLLUP(t.area, t.intervento)"""
    tracce = """SELECT DISTINCT r.persona, r.comune, r.area, r.intervento FROM righe r
        WHERE r.persona IN (SELECT persona FROM righe GROUP BY persona HAVING min(comune::int) <> max(comune::int))"""
    return f"""
        WITH righe AS NOT MATERIALIZED (
            SELECT e.persona_id AS persona, e.comune_residenza_id COLLATE "C" AS comune, e.area_id COLLATE "C" AS area,
                {intervento} COLLATE "C" AS intervento, e.quantita, e.spesa, e.compartecipazione
            FROM {_t(Episodio)} e JOIN {_t(CaricamentoEstratto)} k ON k.id = e.caricamento_id
                AND k.sostituito_da_id IS NULL AND k.periodo = %(anno)s
        ),
        mappe AS MATERIALIZED ({mappe}),
        comuni AS MATERIALIZED ({comuni}),
        tracce AS MATERIALIZED ({tracce}),
        mobili_livelli AS MATERIALIZED (
            SELECT m.livello, m.codice, {area} AS area, {interv} AS intervento, count(DISTINCT t.persona) AS utenti
            FROM tracce t JOIN mappe m ON m.comune = t.comune
            GROUP BY m.livello, m.codice, ROLLUP(t.area, t.intervento)
        ),
        base AS MATERIALIZED (
            SELECT c.codice, c.area, c.intervento, c.utenti, c.utenti - COALESCE(x.utenti, 0) AS singole,
                c.n, c.q, c.s, c.c
            FROM comuni c LEFT JOIN mobili_livelli x ON x.livello = 'comune' AND x.codice = c.codice
                AND x.area = c.area AND x.intervento = c.intervento
        )
        {" UNION ALL ".join(risultato)}
    """


def aggregati_livelli(anno, livelli=None):
    """{livello: [Aggregato]} of every level in `livelli` (all by default) in `anno`: on
    PostgreSQL in one statement (_sql_livelli), the same figures as aggregati per level."""
    livelli = list(LIVELLI if livelli is None else livelli)
    for livello in livelli:
        if livello not in LIVELLI:
            raise ValueError(livello)
    if connection.vendor != "postgresql" or not _righe_attive(anno):
        return {livello: aggregati(livello, anno) for livello in livelli}
    risultato = {livello: [] for livello in livelli}
    with transaction.atomic(), connection.cursor() as cursore:
        cursore.execute(f"SET LOCAL work_mem = '{WORK_MEM_LIVELLI}'")
        cursore.execute("SET LOCAL jit = off")  # seconds of compiling for a statement that hashes
        # Hash joins (the estimates of the CTEs' joins are far off: the planner chose nested
        # loops and merge joins that sorted millions of rows), and parallel workers for the
        # passes over the rows whatever their estimated cost (bench/README.md).
        cursore.execute(
            "SET LOCAL enable_nestloop = off; SET LOCAL enable_mergejoin = off; "
            "SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0.001"
        )
        cursore.execute(_sql_livelli(livelli), _parametri(anno, None))
        for livello, codice, area, intervento, utenti, n, quantita, spesa, comp in cursore.fetchall():
            risultato[livello].append(
                Aggregato(codice, area, intervento, utenti, n, _dec(quantita), _dec(spesa), _dec(comp))
            )
    return risultato


def _righe_attive(anno):
    return Episodio.objects.filter(caricamento__periodo=anno, caricamento__sostituito_da__isnull=True).exists()


def aggregati(livello, anno, codici=None):
    """Every Aggregato of `livello` in `anno` (of the territories `codici`, or all): per area
    and intervention, per area (intervento ""), and the TOTALE of the territory."""
    if livello not in LIVELLI:
        raise ValueError(livello)
    codici = list(codici) if codici is not None else None
    if codici == []:
        return []
    if codici is None and connection.vendor == "postgresql" and _righe_attive(anno):
        return aggregati_livelli(anno, [livello])[livello]
    base, p, misure = _base(livello, codici), _parametri(anno, codici), _misure()
    intervento = f"COALESCE(e.intervento_id, '{SENZA_CODICE}')"
    if connection.vendor == "postgresql":
        # One scan and join for the three groupings (PostgreSQL's GROUPING SETS); the rolled-up
        # columns come back NULL (no real value is: the area is required, the code coalesced).
        sql = (
            f"SELECT m.codice, COALESCE(e.area_id, '{TOTALE}'), COALESCE({intervento}, ''), {misure} {base} "
            f"GROUP BY GROUPING SETS ((m.codice, e.area_id, {intervento}), (m.codice, e.area_id), (m.codice))"
        )
    else:
        sql = (
            f"SELECT m.codice, e.area_id, {intervento}, {misure} {base} GROUP BY m.codice, e.area_id, {intervento} "
            f"UNION ALL SELECT m.codice, e.area_id, '', {misure} {base} GROUP BY m.codice, e.area_id "
            f"UNION ALL SELECT m.codice, '{TOTALE}', '', {misure} {base} GROUP BY m.codice"
        )
    if not _righe_attive(anno):
        # Rows deleted at the end of the retention period: the aggregates kept before deleting.
        conservati = AggregatoConservato.objects.filter(livello=livello, anno=anno)
        if codici is not None:
            conservati = conservati.filter(codice_territorio__in=codici)
        return [
            Aggregato(
                c.codice_territorio,
                c.area,
                c.intervento,
                c.utenti,
                c.interventi,
                c.quantita,
                c.spesa,
                c.compartecipazione,
            )
            for c in conservati
        ]
    return [
        Aggregato(codice, area, intervento, utenti, n, _dec(quantita), _dec(spesa), _dec(comp))
        for codice, area, intervento, utenti, n, quantita, spesa, comp in _esegui(sql, p, scansione=codici is None)
    ]


def composizione(livello, anno):
    """{codice: frozenset of Comuni} of every territory of `livello` in `anno` (the memberships
    that overlap the year, as the aggregates use them)."""
    comp = {}
    for comune, codice in _esegui(f"SELECT m.comune, m.codice FROM ({_mappa(livello)}) m", _parametri(anno, None)):
        comp.setdefault(codice, set()).add(comune)
    return {k: frozenset(v) for k, v in comp.items()}


def _casi_fascia():
    return " ".join(
        f"WHEN %(anno)s - e.anno_nascita BETWEEN {da} AND {a} THEN '{nome}'"
        if a is not None
        else f"WHEN %(anno)s - e.anno_nascita >= {da} THEN '{nome}'"
        for nome, da, a in FASCE
    )


def per_sesso_eta(livello, anno, codice):
    """{(sex, age band): users} of one territory in `anno` (age on 31 December)."""
    casi = _casi_fascia()
    sql = (
        f"SELECT e.sesso, CASE {casi} ELSE '?' END AS fascia, COUNT(DISTINCT e.persona_id) "
        f"{_base(livello, [codice])} GROUP BY e.sesso, CASE {casi} ELSE '?' END"
    )
    return {(s, f): n for s, f, n in _esegui(sql, _parametri(anno, [codice]))}


def sesso_eta_ambiti(anno):
    """{(ambito, sex, age band): users} of every Ambito in `anno`, in one query."""
    casi = _casi_fascia()
    sql = (
        f"SELECT m.codice, e.sesso, CASE {casi} ELSE '?' END AS fascia, COUNT(DISTINCT e.persona_id) "
        f"{_base('ambito', None)} GROUP BY m.codice, e.sesso, CASE {casi} ELSE '?' END"
    )
    return {(c, s, f): n for c, s, f, n in _esegui(sql, _parametri(anno, None))}


@dataclass(frozen=True)
class Sintesi:
    utenti: int
    nuovi: int | None  # None when no extract of the year before is loaded
    in_carico_31_dicembre: int


def _sintesi(livello, anno, codici):
    precedente = Episodio.objects.filter(
        caricamento__periodo=anno - 1, caricamento__sostituito_da__isnull=True
    ).exists()
    p = _parametri(anno, codici)
    p["precedente"] = anno - 1
    p["fine_anno"] = datetime.date(anno, 12, 31)
    # The people of the year before, read once and joined (a NOT EXISTS per row scanned the
    # year before for every row: 2 s of the demo's publication).
    precedenti = (
        f"LEFT JOIN (SELECT DISTINCT e2.persona_id AS persona FROM {_t(Episodio)} e2 JOIN {_t(CaricamentoEstratto)} k2 "
        "ON k2.id = e2.caricamento_id AND k2.sostituito_da_id IS NULL AND k2.periodo = %(precedente)s) prec "
        "ON prec.persona = e.persona_id"
    )
    sql = (
        "SELECT m.codice, COUNT(DISTINCT e.persona_id), "
        "COUNT(DISTINCT CASE WHEN prec.persona IS NULL THEN e.persona_id END), "
        "COUNT(DISTINCT CASE WHEN e.data_fine IS NULL OR e.data_fine >= %(fine_anno)s THEN e.persona_id END) "
        f"{_base(livello, codici, precedenti)} GROUP BY m.codice"
    )
    return {
        codice: Sintesi(utenti, nuovi if precedente else None, in_carico)
        for codice, utenti, nuovi, in_carico in _esegui(sql, p)
    }


def sintesi(livello, anno, codice):
    """Users of one territory in `anno`; new users (no row anywhere in the year before); people
    in charge on 31 December (an episode without end, or ending that day)."""
    return _sintesi(livello, anno, [codice]).get(codice, Sintesi(0, None, 0))


def sintesi_ambiti(anno):
    """{ambito: Sintesi} of every Ambito with users in `anno`, in one query."""
    return _sintesi("ambito", anno, None)


def popolazione(livello, codice, anno):
    """(year, residents) of the territory from the knowledge base: on 1 January of `anno`, or
    of the latest earlier year with data (the population is published with a delay); None."""
    return memorizza(f"domanda-popolazione:{livello}:{codice}:{anno}", lambda: _popolazione(livello, codice, anno))


def _popolazione(livello, codice, anno):
    valori = calcola(livello, anni=list(range(anno - 3, anno + 1)), indicatori=["popolazione"], territori=[codice])
    for a in range(anno, anno - 4, -1):
        v = valori.get((codice, a, "popolazione"))
        if v:
            return a, v
    return None


def nomi(livello):
    modello = {"comune": Comune, "ambito": Ambito, "distretto": Distretto, "asst": ASST, "ats": ATS}[livello]
    return dict(modello.objects.values_list("pk", "nome"))


def anni_disponibili():
    return sorted(
        CaricamentoEstratto.objects.filter(sostituito_da__isnull=True).values_list("periodo", flat=True).distinct(),
        reverse=True,
    )


def aree():
    return list(AreaUtenza.objects.all())


def nomenclatore():
    return list(Intervento.objects.all())


@dataclass(frozen=True)
class UsoCsi:
    ambito: str
    mese: int
    righe: int
    persone: int
    interventi_codificati: int
    interventi_chiusi: int

    @property
    def quota_codificati(self):
        return self.interventi_codificati / self.righe if self.righe else None

    @property
    def quota_chiusi(self):
        return self.interventi_chiusi / self.righe if self.righe else None


def uso_csi(anno):
    """Per Ambito of the erogatore and month of start, in the active extracts of `anno`: rows
    received, distinct people, rows with a nomenclature code, rows with an end date."""
    inizio, fine = datetime.date(anno, 1, 1), datetime.date(anno, 12, 31)
    righe = (
        # One filter() call: the membership conditions apply to the same membership row.
        Episodio.objects.filter(
            Q(erogatore__appartenenze__al__isnull=True) | Q(erogatore__appartenenze__al__gte=inizio),
            caricamento__sostituito_da__isnull=True,
            caricamento__periodo=anno,
            erogatore__appartenenze__dal__lte=fine,
        )
        .annotate(mese=ExtractMonth("data_inizio"))
        .values("erogatore__appartenenze__ambito", "mese")
        .annotate(
            righe=Count("id"),
            persone=Count("persona", distinct=True),
            codificati=Count("id", filter=Q(intervento__isnull=False)),
            chiusi=Count("id", filter=Q(data_fine__isnull=False)),
        )
        .order_by("erogatore__appartenenze__ambito", "mese")
    )
    return [
        UsoCsi(r["erogatore__appartenenze__ambito"], r["mese"], r["righe"], r["persone"], r["codificati"], r["chiusi"])
        for r in righe
    ]


def caricamenti(erogatori=None):
    """The history of loads (all, or of the erogatori given), newest first."""
    qs = CaricamentoEstratto.objects.select_related("erogatore", "caricato_da")
    if erogatori is not None:
        qs = qs.filter(erogatore__in=erogatori)
    return list(qs[:200])
