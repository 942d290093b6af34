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
    # A person is its pseudonym (domanda.models.Episodio.persona): distinct values are people.
    return (
        "COUNT(DISTINCT e.persona), COUNT(*), COALESCE(SUM(e.quantita), 0), COALESCE(SUM(e.spesa), 0), "
        "COALESCE(SUM(e.compartecipazione), 0)"
    )


def _dec(v):
    return v if isinstance(v, Decimal) else Decimal(str(v or 0)).quantize(Decimal("0.01"))


# work_mem of the one statement of every level (PostgreSQL): each process's share of the sort
# of the year's rows by person and cell (1,7 of 5 million rows on the national frame, ~160 MB)
# in memory rather than merged from disk (bench/README.md).
WORK_MEM_LIVELLI = "160MB"


def _codici(nome, codici):
    """SQL of a table (codice, n) numbering `codici` from 1, and its parameters."""
    valori = ", ".join(f"(%({nome}{i})s, {i})" for i in range(1, len(codici) + 1))
    return f"(VALUES {valori}) AS {nome}(codice, n)", {f"{nome}{i}": c for i, c in enumerate(codici, start=1)}


def _sql_livelli(livelli, aree, interventi):
    """SQL of every level's aggregates in one statement (PostgreSQL; bench/README.md) and its
    parameters but the year's. `aree`, `interventi`: every code a row can carry.

    No `COUNT(DISTINCT)` over the rows (PostgreSQL 15 runs it serially, sorting each group
    again). A row's cell (Comune, area, intervention) is one 64-bit number: the Comune's code
    (six digits, territorio.Comune's check), the area's and the intervention's numbers in
    `aree`/`interventi`, so that what runs serially after the parallel sort (the merge, the
    window, the hash of the cells) moves and compares integers, not texts (half the time).
    `persone`: the rows sorted by person and cell (in parallel); a window over each person's
    rows marks the first of a Comune, of an area in a Comune and of a cell, and the people of
    more than one Comune in the year (the movers: a few per cent). Per cell (one hash table of
    the cells, not of the people: the rows come in the people's random order), the one-Comune
    people's marks counted: that cell's, its area's and its Comune's users, which add up over
    any territory (such a person is marked once in each of its own); and the cell's movers'
    numbers, counted distinct per territory (`mobili`) and added: a mover in two Comuni of a
    territory counts once there. `somme`: rows and sums per cell, a parallel hash
    aggregate. A code outside `aree`/`interventi` leaves its rows without a cell: the
    statement returns a row of level `ignoto` and the caller refuses the figures. No row
    leaves the statement: only the counts."""
    tab_aree, p_aree = _codici("a", aree)
    tab_interventi, p_interventi = _codici("i", interventi)
    # Every (area, intervention) with its number: one lookup a row, not two.
    coppie = (
        f"(SELECT a.codice AS area, i.codice AS intervento, (a.n << 8) | i.n AS n "
        f"FROM {tab_aree} CROSS JOIN {tab_interventi})"
    )
    area = f"CASE WHEN GROUPING(c.area) = 1 THEN '{TOTALE}' ELSE c.area END"
    interv = "CASE WHEN GROUPING(c.intervento) = 1 THEN '' ELSE c.intervento END"
    mappe = " UNION ALL ".join(
        f'SELECT \'{lv}\' COLLATE "C" AS livello, m.comune::integer AS comune, m.codice COLLATE "C" AS codice '
        f"FROM ({_mappa(lv)}) m"
        for lv in livelli
    )
    utenti = (
        "CASE WHEN GROUPING(c.area) = 1 THEN sum(c.u_comune) WHEN GROUPING(c.intervento) = 1 THEN sum(c.u_area) "
        "ELSE sum(c.u_cella) END"
    )
    sql = f"""
        WITH righe AS NOT MATERIALIZED (
            SELECT e.persona AS persona,
                (e.comune_residenza_id::integer::bigint << 16) | c.n AS cella
            FROM {_t(Episodio)} e JOIN {_t(CaricamentoEstratto)} k ON k.id = e.caricamento_id
                AND k.sostituito_da_id IS NULL AND k.periodo = %(anno)s
            LEFT JOIN {coppie} c ON c.area = e.area_id AND c.intervento = COALESCE(e.intervento_id, '{SENZA_CODICE}')
        ),
        segnate AS NOT MATERIALIZED (
            SELECT p.persona, p.cella, p.mobile, p.prima >> 16 IS DISTINCT FROM p.cella >> 16 AS nuovo_comune,
                p.prima >> 8 IS DISTINCT FROM p.cella >> 8 AS nuova_area,
                p.prima IS DISTINCT FROM p.cella AS nuova_cella
            FROM (
                SELECT r.persona, r.cella, lag(r.cella) OVER w AS prima,
                    min(r.cella >> 16) OVER w <> max(r.cella >> 16) OVER w AS mobile
                FROM righe r
                WINDOW w AS (PARTITION BY r.persona ORDER BY r.cella
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
            ) p
        ),
        persone AS MATERIALIZED (
            SELECT cella, count(*) FILTER (WHERE NOT mobile) AS u_cella,
                count(*) FILTER (WHERE nuova_area AND NOT mobile) AS u_area,
                count(*) FILTER (WHERE nuovo_comune AND NOT mobile) AS u_comune,
                array_agg(persona) FILTER (WHERE mobile) AS mobili
            FROM segnate WHERE nuova_cella GROUP BY cella
        ),
        somme AS MATERIALIZED (
            SELECT (s.comune::integer::bigint << 16) | c.n AS cella, s.n, s.q, s.s, s.c
            FROM (
                SELECT e.comune_residenza_id AS comune, e.area_id AS area, e.intervento_id AS intervento,
                    count(*) AS n, COALESCE(sum(e.quantita), 0) AS q, sum(e.spesa) AS s,
                    sum(e.compartecipazione) AS c
                FROM {_t(Episodio)} e JOIN {_t(CaricamentoEstratto)} k ON k.id = e.caricamento_id
                    AND k.sostituito_da_id IS NULL AND k.periodo = %(anno)s
                GROUP BY e.comune_residenza_id, e.area_id, e.intervento_id
            ) s
            LEFT JOIN {coppie} c ON c.area = s.area AND c.intervento = COALESCE(s.intervento, '{SENZA_CODICE}')
        ),
        celle AS MATERIALIZED (
            SELECT (s.cella >> 16)::integer AS comune, c.area COLLATE "C" AS area,
                c.intervento COLLATE "C" AS intervento, s.n, s.q, s.s, s.c, p.u_cella, p.u_area, p.u_comune
            FROM somme s JOIN persone p ON p.cella = s.cella JOIN {coppie} c ON c.n = s.cella & 65535
        ),
        mappe AS MATERIALIZED (
            SELECT m.*, dense_rank() OVER (ORDER BY m.livello, m.codice) AS territorio FROM ({mappe}) m
        ),
        livelli AS MATERIALIZED (
            SELECT m.livello, m.codice, {area} AS area, {interv} AS intervento,
                {utenti} AS utenti,
                sum(c.n) AS n, sum(c.q) AS q, sum(c.s) AS s, sum(c.c) AS c
            FROM celle c JOIN mappe m ON m.comune = c.comune
            GROUP BY m.livello, m.codice, ROLLUP(c.area, c.intervento)
        ),
        mobili AS MATERIALIZED (
            SELECT t.livello, t.codice, COALESCE(a.codice, '{TOTALE}') AS area, COALESCE(i.codice, '') AS intervento,
                d.utenti
            FROM (
                SELECT territorio, area, intervento, count(*) AS utenti
                FROM (
                    SELECT m.territorio, p.area, p.intervento, p.mobile
                    FROM (
                        SELECT (cella >> 16)::integer AS comune, (cella >> 8) & 255 AS area,
                            cella & 255 AS intervento, unnest(mobili) AS mobile
                        FROM persone WHERE mobili IS NOT NULL
                    ) p JOIN mappe m ON m.comune = p.comune
                    GROUP BY GROUPING SETS ((m.territorio, p.area, p.intervento, p.mobile),
                        (m.territorio, p.area, p.mobile), (m.territorio, p.mobile))
                ) x
                GROUP BY territorio, area, intervento
            ) d
            JOIN (SELECT DISTINCT territorio, livello, codice FROM mappe) t ON t.territorio = d.territorio
            LEFT JOIN {tab_aree} ON a.n = d.area LEFT JOIN {tab_interventi} ON i.n = d.intervento
        )
        SELECT l.livello, l.codice, l.area, l.intervento, l.utenti + COALESCE(x.utenti, 0), l.n, l.q, l.s, l.c
        FROM livelli l LEFT JOIN mobili x ON x.livello = l.livello AND x.codice = l.codice AND x.area = l.area
            AND x.intervento = l.intervento
        UNION ALL
        SELECT 'ignoto', NULL, NULL, NULL, NULL, s.n, NULL, NULL, NULL FROM somme s WHERE s.cella IS NULL
    """
    return sql, {**p_aree, **p_interventi}


def aggregati_livelli(anno, livelli=None):
    """{livello: [Aggregato]} of every level in `livelli` (all by default) in `anno`: on
    PostgreSQL in one statement (_sql_livelli), the same figures as aggregati per level."""
    livelli = list(LIVELLI if livelli is None else livelli)
    for livello in livelli:
        if livello not in LIVELLI:
            raise ValueError(livello)
    if connection.vendor != "postgresql" or not _righe_attive(anno):
        return {livello: aggregati(livello, anno) for livello in livelli}
    aree = sorted(AreaUtenza.objects.values_list("codice", flat=True))
    interventi = sorted({SENZA_CODICE, *Intervento.objects.values_list("codice", flat=True)})
    if max(len(aree), len(interventi)) > 255:  # a code is 8 bits of a cell's number
        raise ValueError("troppi codici di area o di intervento")
    sql, parametri = _sql_livelli(livelli, aree, interventi)
    risultato = {livello: [] for livello in livelli}
    with transaction.atomic(), connection.cursor() as cursore:
        cursore.execute(f"SET LOCAL work_mem = '{WORK_MEM_LIVELLI}'")
        cursore.execute("SET LOCAL jit = off")  # seconds of compiling for a statement that hashes
        # Hash joins (the estimates of the CTEs' joins are far off: the planner chose nested
        # loops and merge joins that sorted millions of rows), hash aggregates of the cells
        # (it estimates half a million cells, not 27 thousand, and sorts them), parallel workers
        # for the passes over the rows whatever their estimated cost (bench/README.md).
        cursore.execute(
            "SET LOCAL enable_nestloop = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_sort = off; "
            "SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0.001"
        )
        cursore.execute(sql, {**_parametri(anno, None), **parametri})
        for livello, codice, area, intervento, utenti, n, quantita, spesa, comp in cursore.fetchall():
            if livello == "ignoto":
                raise ValueError(f"{n} righe del {anno} con un codice di area o di intervento fuori anagrafica")
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
        f"SELECT e.sesso, CASE {casi} ELSE '?' END AS fascia, COUNT(DISTINCT e.persona) "
        f"{_base(livello, [codice])} GROUP BY e.sesso, CASE {casi} ELSE '?' END"
    )
    return {(s, f): n for s, f, n in _esegui(sql, _parametri(anno, [codice]))}


def sesso_eta_ambiti(anno):
    """{(ambito, sex, age band): users} of every Ambito in `anno`, in one query."""
    casi = _casi_fascia()
    sql = (
        f"SELECT m.codice, e.sesso, CASE {casi} ELSE '?' END AS fascia, COUNT(DISTINCT e.persona) "
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
        f"LEFT JOIN (SELECT DISTINCT e2.persona AS persona FROM {_t(Episodio)} e2 JOIN {_t(CaricamentoEstratto)} k2 "
        "ON k2.id = e2.caricamento_id AND k2.sostituito_da_id IS NULL AND k2.periodo = %(precedente)s) prec "
        "ON prec.persona = e.persona"
    )
    sql = (
        "SELECT m.codice, COUNT(DISTINCT e.persona), "
        "COUNT(DISTINCT CASE WHEN prec.persona IS NULL THEN e.persona END), "
        "COUNT(DISTINCT CASE WHEN e.data_fine IS NULL OR e.data_fine >= %(fine_anno)s THEN e.persona END) "
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
