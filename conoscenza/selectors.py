"""Indicators computed by the database from base observations, at every level.

Each term of the indicators (a measure with its age, sex and category filter) is a
conditional sum of the observations in use, grouped by territory and year. Comune rows are
rolled up to the Ambito, Distretto, ASST and ATS they belong to on the observation's reference
date,
and to Italy (every Comune with data). On PostgreSQL one query does it for all the levels
asked, for each group of terms (the resident population's, the rest: gruppi_scansione): one
scan of the observations sums them per Comune and year, and GROUPING SETS roll those sums up
(a national table has tens of millions of rows; scanning it once per level was the bulk of
the time). For a few territories above the Comune (an Ambito and its Distretto, ASST and
ATS), the rows of their Comuni are summed per Comune once and added up along the memberships
in Python (_somme_dai_comuni); elsewhere (SQLite without territories, the Comuni) each level
is one query through the ORM that joins the rows to the memberships. Tests check that every
way gives the same numbers. Data stored directly at a higher level (an Ambito's figure from a
plan) count only where no Comune data exist for that territory, term and year, so nothing is
counted twice. The few sums per territory and year are then combined with the formula.

A group of terms none of which filters by age or sex (the resident population's total alone, as
the splits of funds and the densities ask it) reads the loads' totals per Comune
(models.TotaleComune: 8.000 rows a year for Italy instead of 1,6 M values by age and sex)
rather than the observations, the same way on every path (_righe_comuni).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Case, Count, F, Q, Sum, When

from accounts.selectors import relazioni_nome
from territorio import selectors as territorio
from territorio.models import ASST, ATS, Ambito, AmbitoDistretto, AppartenenzaComune, Comune, Distretto

from . import discordanze
from .models import MISURE_CON_TOTALI, Caricamento, Indicatore, Livello, Osservazione, TotaleComune, ValorePubblicato

LIVELLI_CALCOLATI = [Livello.COMUNE, Livello.AMBITO, Livello.DISTRETTO, Livello.ASST, Livello.ATS, Livello.ITALIA]
CODICE_ITALIA = "IT"
# The sums per Comune and year of a national table are about a hundred thousand groups of
# aggregate states: with PostgreSQL's default work_mem (4 MB) they spill to disk.
WORK_MEM_SCANSIONE = "64MB"

_VALIDA_APP = Q(comune__appartenenze__dal__lte=F("data_riferimento")) & (
    Q(comune__appartenenze__al__isnull=True) | Q(comune__appartenenze__al__gte=F("data_riferimento"))
)
_VALIDO_DISTRETTO = Q(comune__appartenenze__ambito__appartenenze__dal__lte=F("data_riferimento")) & (
    Q(comune__appartenenze__ambito__appartenenze__al__isnull=True)
    | Q(comune__appartenenze__ambito__appartenenze__al__gte=F("data_riferimento"))
)
_ROLLUP = {
    Livello.AMBITO: ("comune__appartenenze__ambito_id", [_VALIDA_APP]),
    Livello.DISTRETTO: ("comune__appartenenze__ambito__appartenenze__distretto_id", [_VALIDA_APP, _VALIDO_DISTRETTO]),
    Livello.ASST: ("comune__appartenenze__ambito__appartenenze__distretto__asst_id", [_VALIDA_APP, _VALIDO_DISTRETTO]),
    Livello.ATS: (
        "comune__appartenenze__ambito__appartenenze__distretto__asst__ats_id",
        [_VALIDA_APP, _VALIDO_DISTRETTO],
    ),
}
# The levels above the Ambito, by the field of AmbitoDistretto that names their territory.
_SOPRA_AMBITO = [
    (Livello.DISTRETTO, "distretto_id"),
    (Livello.ASST, "distretto__asst_id"),
    (Livello.ATS, "distretto__asst__ats_id"),
]


def _chiave_termine(t):
    return (t.misura_id, t.eta_da, t.eta_a, t.sesso, t.categoria)


# Categories of a cross table «area|canale» (spending by area and channel of funding):
# - in a term, «*» stands for one whole part of the category, any text but TOTALE, so that
#   «*|Comune» sums the Comune channel over every area, «Disabili|*» every channel of an area,
#   «*|*» every cell and «*» alone every category. A cell a source stores as TOTALE (a printed
#   total) never enters such a sum: Zona computes totals, it does not add them twice;
# - «{categoria}» makes the indicator one value per category (the share of each channel, the
#   spending per user of each area): calcola_categorie() computes it for the categories asked,
#   a TOTALE part of the category asked becoming «*» («Minori-Famiglia|TOTALE» is the sum of
#   the area's channels, «TOTALE» of everything). calcola() leaves these indicators out.
SEGNAPOSTO = "{categoria}"
OGNI = "*"
TOTALE = "TOTALE"
_CON_TOTALE = r"(^|\|)TOTALE(\||$)"
_SPECIALI = set(".^$*+?()[]{}|\\")


def per_categoria(indicatore):
    """Whether the indicator has a value per category (a term with «{categoria}»)."""
    return any(SEGNAPOSTO in t.categoria for t in indicatore.termini.all())


def categoria_termine(modello, categoria):
    """The category filter of a term `modello` for the category `categoria` of the indicator."""
    return modello.replace(SEGNAPOSTO, "|".join(OGNI if p == TOTALE else p for p in categoria.split("|")))


def _regex_categoria(categoria):
    """A regular expression (the same for SQLite's and PostgreSQL's) for a category with «*»."""
    if categoria == OGNI:
        return "^.+$"

    def parte(p):
        return "[^|]+" if p == OGNI else "".join("\\" + c if c in _SPECIALI else c for c in p)

    return "^" + "\\|".join(parte(p) for p in categoria.split("|")) + "$"


def _filtro_categoria(categoria):
    if OGNI not in categoria:
        return Q(categoria=categoria)
    return Q(categoria__regex=_regex_categoria(categoria)) & ~Q(categoria__regex=_CON_TOTALE)


def _filtro_termine(chiave, condiviso=None):
    """The rows of a term. With `condiviso` (_condizioni_condivise: the measure and category
    that every term of a scan shares, tested once by the scan) only the term's own conditions,
    possibly none."""
    misura, eta_da, eta_a, sesso, categoria = chiave
    q = Q()
    if not condiviso:
        q = Q(misura_id=misura) & _filtro_categoria(categoria)
    if eta_da is not None:
        q &= Q(eta_da__gte=eta_da)
    if eta_a is not None:
        q &= Q(eta_a__isnull=False, eta_a__lte=eta_a)
    if sesso:
        q &= Q(sesso=sesso)
    return q


def _base(chiavi, anni):
    base = Osservazione.objects.attive().filter(misura_id__in={k[0] for k in chiavi})
    if anni is not None:
        base = base.filter(anno__in=anni)
    return base


# Whether the terms with no age or sex filter read the loads' totals per Comune (TotaleComune)
# rather than the observations: False only in the tests and the benchmark that compare both.
USA_TOTALI = True


def _da_totali(chiavi):
    """Whether the terms `chiavi` can all be summed from the totals per Comune: whole totals
    (no age, no sex) of measures that have them."""
    return USA_TOTALI and all(
        misura in MISURE_CON_TOTALI and eta_da is None and eta_a is None and not sesso
        for misura, eta_da, eta_a, sesso, _ in chiavi
    )


def _righe_comuni(chiavi, anni):
    """The Comune rows that count for the terms `chiavi` (with comune, anno, data_riferimento,
    misura, categoria and valore): the loads' totals per Comune when they serve every term (a
    year's 8.000 instead of 1,6 M values of the population by age and sex), else the
    observations."""
    if _da_totali(chiavi):
        righe = TotaleComune.objects.attivi().filter(misura_id__in={k[0] for k in chiavi})
        return righe if anni is None else righe.filter(anno__in=anni)
    return _base(chiavi, anni).filter(livello=Livello.COMUNE)


def _somme_condizionali(chiavi, condiviso=None):
    """A conditional sum of `valore` per term: s0, s1, … (_filtro_termine)."""
    somme = {}
    for i, k in enumerate(chiavi):
        filtro = _filtro_termine(k, condiviso)
        somme[f"s{i}"] = Sum(Case(When(filtro, then=F("valore")))) if filtro else Sum("valore")
    return somme


def _condizioni_condivise(chiavi):
    """The measure and the category of the terms `chiavi` when they all have the same (the
    population's terms: the age band is their own), as one condition; else an empty Q."""
    misure, categorie = {k[0] for k in chiavi}, {k[4] for k in chiavi}
    if len(misure) != 1 or len(categorie) != 1 or OGNI in next(iter(categorie)):
        return Q()
    return Q(misura_id=next(iter(misure))) & _filtro_categoria(next(iter(categorie)))


def _raccogli(risultato, chiavi, righe, sovrascrivi):
    """Rows (codice, anno, s0, s1, …) into {term: {(codice, anno): sum}}; Comune data win
    over data stored at the level unless `sovrascrivi`."""
    for codice, anno, *valori in righe:
        chiave_territorio = (codice, anno)
        for k, valore in zip(chiavi, valori, strict=True):
            if valore is None:
                continue
            if sovrascrivi:
                risultato[k][chiave_territorio] = valore
            else:
                risultato[k].setdefault(chiave_territorio, valore)


def _aggiungi(risultato, chiavi, righe):
    """Rows (livello, codice, anno, s0, s1, …) of the Comuni into {term: {(codice, anno): sum}},
    adding up the rows of the same Comune and year (two reference dates in a year)."""
    territori = [(r[1], r[2]) for r in righe]
    if len(set(territori)) == len(territori) and not any(risultato[k] for k in chiavi):
        # The usual case, a row per Comune and year: a dict per term in one comprehension (a
        # national table has a hundred thousand rows).
        for i, k in enumerate(chiavi, start=3):
            risultato[k] = {t: r[i] for t, r in zip(territori, righe, strict=True) if r[i] is not None}
        return
    for t, r in zip(territori, righe, strict=True):
        for k, valore in zip(chiavi, r[3:], strict=True):
            if valore is None:
                continue
            somme = risultato[k]
            prima = somme.get(t)
            somme[t] = valore if prima is None else prima + valore


def _somme_per_livello(chiavi, livello, anni, territori):
    """{term: {(codice_territorio, anno): sum}} for all terms at one level, in one query of the
    observations (a conditional sum per term) plus one for data stored at that level."""
    chiavi = list(chiavi)
    base = _base(chiavi, anni)
    somme = _somme_condizionali(chiavi)
    colonne = list(somme)
    risultato = {k: {} for k in chiavi}
    if livello in _ROLLUP:
        campo, condizioni = _ROLLUP[livello]
        condizione = Q()
        for c in condizioni:
            condizione &= c
        if territori is not None:
            condizione &= Q(**{f"{campo}__in": territori})
        # One filter() call, so that every condition applies to the same joined membership (a
        # second call joins the memberships again, valid or not: an Ambito with two Distretti
        # over time counted twice in its ATS).
        qs = _righe_comuni(chiavi, anni).filter(condizione)
        _raccogli(
            risultato, chiavi, qs.values(campo, "anno").annotate(**somme).values_list(campo, "anno", *colonne), True
        )
    elif livello == Livello.ITALIA and (territori is None or CODICE_ITALIA in territori):
        righe = _righe_comuni(chiavi, anni).values("anno").annotate(**somme).values_list("anno", *colonne)
        _raccogli(risultato, chiavi, ((CODICE_ITALIA, *r) for r in righe), True)
    if livello == Livello.COMUNE:
        # A Comune's code is its rows' territory: the field the totals have too.
        dirette, codice = _righe_comuni(chiavi, anni), "comune_id"
    else:
        dirette, codice = base.filter(livello=livello), "codice_territorio"
    if territori is not None:
        dirette = dirette.filter(**{f"{codice}__in": territori})
    righe = dirette.values(codice, "anno").annotate(**somme).values_list(codice, "anno", *colonne)
    _raccogli(risultato, chiavi, righe, livello == Livello.COMUNE)
    return risultato


def _somme_dai_comuni(chiavi, livelli, anni, territori):
    """{livello: {term: {(codice_territorio, anno): sum}}} of `territori` at the levels above
    the Comune in `livelli` (_ROLLUP), as _somme_per_livello gives them, reading the rows once:
    the rows of the Comuni that ever belonged to a territory asked, summed per Comune, year and
    reference date (a query per group of terms, gruppi_scansione), then added here into every
    territory asked that the Comune belonged to on that date, once per membership valid then,
    as the joins of the per-level queries count them. An Ambito's comparisons (its Distretto,
    ASST and ATS) were three scans of the province's rows, one per level: most of the time of
    its quadro conoscitivo. Then the data stored at the levels, where Comune data are missing."""
    chiavi = list(chiavi)
    territori = set(territori)
    risultato = {lv: {k: {} for k in chiavi} for lv in livelli}
    # The Distretti of each Ambito over time, with the territories asked they lead to.
    sopra = [(lv, e) for lv, e in _SOPRA_AMBITO if lv in livelli]
    distretti_di = defaultdict(list)
    if sopra:
        verso = Q()
        for _, e in sopra:
            verso |= Q(**{f"{e}__in": territori})
        for ambito, dal, al, *codici in AmbitoDistretto.objects.filter(verso).values_list(
            "ambito_id", "dal", "al", *(e for _, e in sopra)
        ):
            mete = [(lv, c) for (lv, _), c in zip(sopra, codici, strict=True) if c in territori]
            distretti_di[ambito].append((dal, al, mete))
    ambiti = set(distretti_di)
    if Livello.AMBITO in livelli:
        ambiti |= territori
    ambiti_di = defaultdict(list)
    for comune, ambito, dal, al in AppartenenzaComune.objects.filter(ambito_id__in=ambiti).values_list(
        "comune_id", "ambito_id", "dal", "al"
    ):
        mete = [(Livello.AMBITO, ambito)] if Livello.AMBITO in livelli and ambito in territori else []
        ambiti_di[comune].append((dal, al, mete, distretti_di.get(ambito, ())))
    if ambiti_di:
        for gruppo in gruppi_scansione(chiavi):
            condiviso = _condizioni_condivise(gruppo)
            somme = _somme_condizionali(gruppo, condiviso)
            righe = (
                _righe_comuni(gruppo, anni)
                .filter(condiviso, comune_id__in=list(ambiti_di))
                .values("comune_id", "anno", "data_riferimento")
                .annotate(**somme)
                .values_list("comune_id", "anno", "data_riferimento", *somme)
            )
            for comune, anno, giorno, *valori in righe:
                for dal, al, mete, distretti in ambiti_di[comune]:
                    if dal > giorno or (al is not None and al < giorno):
                        continue
                    dove = list(mete)
                    for dal_d, al_d, mete_d in distretti:
                        if dal_d <= giorno and (al_d is None or al_d >= giorno):
                            dove += mete_d
                    for livello, codice in dove:
                        per_termine = risultato[livello]
                        chiave_territorio = (codice, anno)
                        for k, valore in zip(gruppo, valori, strict=True):
                            if valore is None:
                                continue
                            somme_k = per_termine[k]
                            prima = somme_k.get(chiave_territorio)
                            somme_k[chiave_territorio] = valore if prima is None else prima + valore
    colonne = _somme_condizionali(chiavi)
    dirette = defaultdict(list)
    for livello, *riga in (
        _base(chiavi, anni)
        .filter(livello__in=livelli, codice_territorio__in=territori)
        .values("livello", "codice_territorio", "anno")
        .annotate(**colonne)
        .values_list("livello", "codice_territorio", "anno", *colonne)
    ):
        dirette[livello].append(riga)
    for livello, righe_livello in dirette.items():
        _raccogli(risultato[livello], chiavi, righe_livello, False)
    return risultato


def _parti_sql(chiave):
    """_filtro_termine as SQL conditions on the alias `o`: [(condition with one %s, param)]."""
    misura, eta_da, eta_a, sesso, categoria = chiave
    parti = [("o.misura_id = %s", misura)]
    if OGNI in categoria:
        parti += [("o.categoria ~ %s", _regex_categoria(categoria)), ("o.categoria !~ %s", _CON_TOTALE)]
    else:
        parti.append(("o.categoria = %s", categoria))
    if eta_da is not None:
        parti.append(("o.eta_da >= %s", eta_da))
    if eta_a is not None:
        parti.append(("o.eta_a <= %s", eta_a))  # false when eta_a is NULL, as eta_a__isnull=False
    if sesso:
        parti.append(("o.sesso = %s", sesso))
    return parti


# The resident population by single year of age and sex is most of the rows of a national
# table, and most of the terms are about it. Summed in a scan of its own, its rows are not
# tested against the other measures' terms, nor the others' rows against its terms: -14 % of
# the time of calcola_livelli on the national frame (bench/kb_national.py).
MISURA_SCANSIONE_PROPRIA = "popolazione_residente"


def gruppi_scansione(chiavi):
    """The terms in groups, one scan of the observations each: the population's, the rest."""
    gruppi = [
        [k for k in chiavi if k[0] == MISURA_SCANSIONE_PROPRIA],
        [k for k in chiavi if k[0] != MISURA_SCANSIONE_PROPRIA],
    ]
    return [g for g in gruppi if g]


def _somme_insieme(chiavi, livelli, anni):
    """{livello: {term: {(codice_territorio, anno): sum}}} for every level in `livelli`, with
    one scan of the observations per group of terms (gruppi_scansione; PostgreSQL:
    MATERIALIZED, GROUPING SETS, FILTER)."""
    chiavi = list(chiavi)
    risultato = {lv: {k: {} for k in chiavi} for lv in livelli}
    esterna = connection.in_atomic_block
    with transaction.atomic():
        if not esterna and connection.vendor == "postgresql":
            # Every statement below sees the same data: the superseded loads read first are
            # those of the rows scanned after (an import that commits meanwhile is not half
            # counted). Inside a caller's transaction, its isolation.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        # A few ids, tested on each row as a list (hashed from nine on): the subquery NOT IN
        # (SELECT ...) cost a fifth of the scan's CPU on the national frame.
        sostituiti = list(Caricamento.objects.filter(sostituito_da__isnull=False).values_list("pk", flat=True))
        for gruppo in gruppi_scansione(chiavi):
            per_livello = defaultdict(list)
            for riga in _scansione_comuni(gruppo, livelli, anni, sostituiti):
                per_livello[riga[0]].append(riga)
            for livello, righe in per_livello.items():
                if livello == Livello.COMUNE:
                    _aggiungi(risultato[livello], gruppo, righe)
                else:
                    _raccogli(risultato[livello], gruppo, [r[1:] for r in righe], True)
        _somme_dirette(risultato, chiavi, livelli, anni)
    return risultato


def _somme_dirette(risultato, chiavi, livelli, anni):
    """Data stored at the levels themselves: few rows, where Comune data are missing."""
    superiori = [lv for lv in livelli if lv != Livello.COMUNE]
    if superiori:
        colonne_somme = _somme_condizionali(chiavi)
        righe = (
            _base(chiavi, anni)
            .filter(livello__in=superiori)
            .values("livello", "codice_territorio", "anno")
            .annotate(**colonne_somme)
            .values_list("livello", "codice_territorio", "anno", *colonne_somme)
        )
        dirette = defaultdict(list)
        for livello, *riga in righe:
            dirette[livello].append(riga)
        for livello, righe_livello in dirette.items():
            _raccogli(risultato[livello], chiavi, righe_livello, False)


# How the per-Comune sums are made: "filtri" (the conditions every term shares tested once, in
# the WHERE; one SUM ... FILTER per term with only its own) or "prima" (every condition in
# every term's FILTER, as before 2026-11-30). Set by bench/kb_national.py to compare.
SOMME_COMUNE = "filtri"


def _somme_comune_sql(chiavi, anni, sostituiti):
    """The CTE `c` (comune_id, anno, data_riferimento, s0, s1, …) of the Comune rows of the
    terms `chiavi` summed per Comune, year and reference date (which the memberships are valid
    on), and its params; `sostituiti`: the ids of the superseded loads.

    A national table has tens of millions of rows, and the work per row is what costs: the
    conditions that every term shares (the measure when the group has one, an empty category)
    are tested once, in the WHERE (a row that matches no term adds to no sum), and only the
    rest once per term (the population's total has none left: a plain SUM)."""
    q = connection.ops.quote_name
    parti = [_parti_sql(k) for k in chiavi]
    comuni = [p for p in parti[0] if all(p in altre for altre in parti[1:])] if SOMME_COMUNE != "prima" else []
    propri = [[p for p in pp if p not in comuni] for pp in parti]
    if _da_totali(chiavi):
        # The loads' totals per Comune (_righe_comuni): active values of Comuni only.
        tabella, dove, params_dove = TotaleComune._meta.db_table, [], []
    else:
        tabella, dove, params_dove = Osservazione._meta.db_table, ["o.livello = %s", "o.attiva"], [Livello.COMUNE]
    if not any(sql.startswith("o.misura_id") for sql, _ in comuni):
        dove.append("o.misura_id = ANY(%s)")
        params_dove.append(sorted({k[0] for k in chiavi}))
    dove += [sql for sql, _ in comuni]
    params_dove += [p for _, p in comuni]
    if anni is not None:
        dove.append("o.anno = ANY(%s)")
        params_dove.append(list(anni))
    if SOMME_COMUNE == "prima":
        dove.append(
            f"o.caricamento_id NOT IN (SELECT id FROM {q(Caricamento._meta.db_table)} "
            "WHERE sostituito_da_id IS NOT NULL)"
        )
    elif sostituiti:
        dove.append("o.caricamento_id <> ALL(%s)")
        params_dove.append(list(sostituiti))
    da = f"FROM {q(tabella)} o WHERE {' AND '.join(dove)}"
    chiave_gruppo = "o.comune_id, o.anno, o.data_riferimento"
    somme, params = [], []
    for i, pp in enumerate(propri):
        if pp:
            somme.append(f"SUM(o.valore) FILTER (WHERE {' AND '.join(sql for sql, _ in pp)}) AS s{i}")
            params += [p for _, p in pp]
        else:
            somme.append(f"SUM(o.valore) AS s{i}")
    cte = f"WITH c AS MATERIALIZED (SELECT {chiave_gruppo}, {', '.join(somme)} {da} GROUP BY {chiave_gruppo})"
    return cte, params + params_dove


def _scansione_comuni(chiavi, livelli, anni, sostituiti):
    """[(livello, codice, anno, s0, s1, …)]: the Comune rows of the terms `chiavi` summed per
    Comune and year, then rolled up to every level in `livelli`, in one statement."""
    q = connection.ops.quote_name
    cte, params = _somme_comune_sql(chiavi, anni, sostituiti)
    somme = ", ".join(f"SUM(c.s{i})" for i in range(len(chiavi)))
    valida = "{a}.dal <= c.data_riferimento AND ({a}.al IS NULL OR {a}.al >= c.data_riferimento)"
    con_ambito = (
        f"c JOIN {q(AppartenenzaComune._meta.db_table)} ac ON ac.comune_id = c.comune_id AND {valida.format(a='ac')}"
    )
    con_distretto = (
        f"{con_ambito} JOIN {q(AmbitoDistretto._meta.db_table)} ad ON ad.ambito_id = ac.ambito_id "
        f"AND {valida.format(a='ad')} JOIN {q(Distretto._meta.db_table)} d ON d.codice = ad.distretto_id "
        f"JOIN {q(ASST._meta.db_table)} s ON s.codice = d.asst_id"
    )
    # The Comuni straight from `c`: one row per Comune, year and reference date already (two
    # reference dates in a year are added up in Python, _aggiungi); an aggregate of its hundred
    # thousand rows with a numeric sum per term spilled to disk (≈ 130 MB of states).
    rami = []
    if Livello.COMUNE in livelli:
        colonne = ", ".join(f"c.s{i}" for i in range(len(chiavi)))
        rami.append(f"SELECT '{Livello.COMUNE}', c.comune_id, c.anno, {colonne} FROM c")
    if Livello.ITALIA in livelli:
        rami.append(f"SELECT '{Livello.ITALIA}', '{CODICE_ITALIA}', c.anno, {somme} FROM c GROUP BY c.anno")
    # Two FROMs with the memberships, so that an Ambito counts once in its ATS whatever its
    # Distretti over time.
    for da, coppie in (
        (con_ambito, [(Livello.AMBITO, "ac.ambito_id")]),
        (
            con_distretto,
            [(Livello.DISTRETTO, "ad.distretto_id"), (Livello.ASST, "d.asst_id"), (Livello.ATS, "s.ats_id")],
        ),
    ):
        coppie = [(lv, e) for lv, e in coppie if lv in livelli]
        if not coppie:
            continue
        livello_sql = "CASE " + "".join(f"WHEN GROUPING({e}) = 0 THEN '{lv}' " for lv, e in coppie) + "END"
        codice_sql = f"COALESCE({', '.join(e for _, e in coppie)})"
        insiemi = ", ".join(f"({e}, c.anno)" for _, e in coppie)
        rami.append(f"SELECT {livello_sql}, {codice_sql}, c.anno, {somme} FROM {da} GROUP BY GROUPING SETS ({insiemi})")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM_SCANSIONE}'")
        cursor.execute(f"{cte} {' UNION ALL '.join(rami)}", params)
        return cursor.fetchall()


def calcola_livelli(livelli=None, anni=None, indicatori=None, territori=None, metodo=None):
    """{livello: {(codice_territorio, anno, codice_indicatore): Decimal or None}} for the
    years with data, for every level in `livelli` (all computed levels by default).

    `metodo` chooses how the sums are made (for tests and the benchmark): "insieme", one
    query for every level (PostgreSQL only); "comuni", the rows of the Comuni of `territori`
    read once and added up into each of them (levels above the Comune only, `territori`
    required); or "per_livello", one ORM query per level. By default the first on PostgreSQL
    when no `territori` restrict the result, the second when they do and every level is
    above the Comune (an Ambito's comparisons with its Distretto, ASST and ATS), else the
    third."""
    livelli = list(LIVELLI_CALCOLATI if livelli is None else livelli)
    qs = Indicatore.objects.prefetch_related("termini")
    if indicatori is not None:
        qs = qs.filter(codice__in=indicatori)
    indicatori = [i for i in qs if not per_categoria(i)]
    anni_estesi = None
    if anni is not None:
        anni_estesi = sorted({a + t.sfasamento for a in anni for i in indicatori for t in i.termini.all()})
    chiavi = {_chiave_termine(t) for ind in indicatori for t in ind.termini.all()}
    if metodo is None:
        if territori is None:
            metodo = "insieme" if connection.vendor == "postgresql" else "per_livello"
        else:
            metodo = "comuni" if all(lv in _ROLLUP for lv in livelli) else "per_livello"
    storia = territorio.predecessori() if Livello.COMUNE in livelli else []
    if not chiavi:
        somme = {lv: {} for lv in livelli}
    elif metodo == "insieme":
        somme = _somme_insieme(chiavi, livelli, anni_estesi)
    elif metodo == "comuni":
        somme = _somme_dai_comuni(chiavi, livelli, anni_estesi, territori)
    else:
        # A successor asked for needs its predecessors' rows too.
        estesi = territori
        if territori is not None and storia:
            estesi = set(territori)
            for successivo, precedenti in storia:
                if successivo in estesi:
                    estesi.update(precedenti)
        somme = {
            lv: _somme_per_livello(chiavi, lv, anni_estesi, estesi if lv == Livello.COMUNE else territori)
            for lv in livelli
        }
    if Livello.COMUNE in livelli:
        _somma_predecessori(somme[Livello.COMUNE], storia)
    return {lv: _valori(indicatori, somme[lv], anni, territori) for lv in livelli}


def _somma_predecessori(somme_comune, storia):
    """Today's Comune in the years before the change that made it (a merger, a new code): the
    sum of its predecessors' sums, term by term (the ISTAT history, territorio.VariazioneComune),
    where it has no data of its own. Only the Comune level: the other levels sum the rows of
    the Comuni that belonged to them on the reference date, predecessors included."""
    if not storia:
        return
    tutti_precedenti = {p for _, precedenti in storia for p in precedenti}
    for valori in somme_comune.values():
        # The years of each predecessor, read in one pass over the term's sums (a national
        # table has a hundred thousand of them per term, and Italy thousands of changes).
        anni_di = defaultdict(set)
        for codice, anno in valori:
            if codice in tutti_precedenti:
                anni_di[codice].add(anno)
        for successivo, precedenti in storia:
            anni = set().union(*(anni_di[p] for p in precedenti if p in anni_di))
            for anno in anni:
                if (successivo, anno) not in valori:
                    parti = [valori[(p, anno)] for p in precedenti if (p, anno) in valori]
                    valori[(successivo, anno)] = sum(parti)
                    anni_di[successivo].add(anno)


def calcola(livello, anni=None, indicatori=None, territori=None):
    """{(codice_territorio, anno, codice_indicatore): Decimal or None} for the years with data."""
    return calcola_livelli([livello], anni, indicatori, territori)[livello]


def somme_dei_comuni(misura, anno, codici=None, eta_da=None, eta_a=None):
    """{codice ISTAT: sum} of the active values of `misura` with no category in `anno` of each
    Comune with data (of `codici` when given; all ages, or those of the band from `eta_da` to
    `eta_a`, as a term filters them), as stored: no rollup, no predecessors. The whole total
    from the loads' totals per Comune (_righe_comuni)."""
    chiave = (misura, eta_da, eta_a, "", "")
    righe = _righe_comuni([chiave], [anno]).filter(_filtro_termine(chiave))
    if codici is not None:
        righe = righe.filter(comune_id__in=codici)
    return dict(righe.values("comune_id").annotate(v=Sum("valore")).values_list("comune_id", "v"))


def _valori(indicatori, somme, anni, territori):
    territori = None if territori is None else set(territori)
    anni = None if anni is None else set(anni)
    risultati = {}
    for ind in indicatori:
        termini = list(ind.termini.all())
        num = [(somme[_chiave_termine(t)], t.peso, t.sfasamento) for t in termini if t.parte == "num"]
        den = [(somme[_chiave_termine(t)], t.peso, t.sfasamento) for t in termini if t.parte == "den"]
        if _semplice(num) and (not den or _semplice(den)):
            _rapporto(risultati, ind.codice, num[0][0], den[0][0] if den else None, ind.fattore, anni, territori)
            continue
        for terr, anno, valore in _formula(num, den, ind.fattore, anni, territori):
            risultati[(terr, anno, ind.codice)] = valore
    return risultati


def _semplice(termini):
    """One term of weight 1 and no shift: the usual numerator or denominator."""
    return len(termini) == 1 and termini[0][1] == 1 and termini[0][2] == 0


def _rapporto(risultati, codice, num, den, fattore, anni, territori):
    """_formula for one simple term over one (or none): half a million values for the Comuni of
    a national table, so one loop over the numerator's sums and no function call per value."""
    for chiave, n in num.items():
        terr, anno = chiave
        if (anni is not None and anno not in anni) or (territori is not None and terr not in territori):
            continue
        if den is None:
            d = 1
        else:
            d = den.get(chiave)
            if d is None:
                continue
            if type(d) is not Decimal:
                d = Decimal(d)
        if type(n) is not Decimal:
            n = Decimal(n)
        # normalize(): as _formula.
        risultati[(terr, anno, codice)] = None if d == 0 else (n * fattore / d).normalize()


def _formula(num, den, fattore, anni, territori):
    """(territory, year, value or None) wherever the numerator has data."""
    # Half a million values for the Comuni of a national table: each side read through a
    # function made for its shape (one term of weight 1, the usual case, is a dict lookup).
    leggi_num, leggi_den = _lettore(num), _lettore(den) if den else None
    if len(num) == 1 and num[0][2] == 0:
        candidati = num[0][0].keys()
    else:
        candidati = {(terr, anno - sfasamento) for valori, _, sfasamento in num for (terr, anno) in valori}
    for chiave in candidati:
        terr, anno = chiave
        if anni is not None and anno not in anni:
            continue
        if territori is not None and terr not in territori:
            continue
        n = leggi_num(chiave)
        if n is None:
            continue
        if leggi_den is None:
            d = 1
        else:
            d = leggi_den(chiave)
            if d is None:
                continue
        # normalize(): SQLite and PostgreSQL return sums with different scales; the
        # value must read the same whatever the database.
        yield terr, anno, None if d == 0 else (n * fattore / d).normalize()


def _lettore(termini):
    """A function (territory, year) -> the weighted sum of `termini` [(sums, weight, shift)] as
    a Decimal, None when a term has no data (_combina)."""
    if len(termini) == 1 and termini[0][2] == 0 and termini[0][1] == 1:
        valori = termini[0][0]

        def uno(chiave):
            s = valori.get(chiave)
            return s if s is None or type(s) is Decimal else Decimal(s)

        return uno
    return lambda chiave: _combina(termini, *chiave)


def calcola_categorie(livello, codice, indicatore, categorie, anni=None):
    """{(anno, categoria): Decimal or None} of a per-category indicator (see SEGNAPOSTO) for
    one territory and the categories asked, in one query."""
    return calcola_categorie_insieme(livello, codice, [(indicatore, categorie, anni)])[0]


def calcola_categorie_insieme(livello, codice, richieste):
    """calcola_categorie() of several `richieste` (indicatore, categorie, anni) of one
    territory, in one query for all their terms (a term that several share is summed once):
    the published values of an Ambito are of half a dozen such indicators."""
    preparate, tutte, anni_estesi = [], set(), set()
    for indicatore, categorie, anni in richieste:
        termini = list(indicatore.termini.all())
        chiavi = {}
        for c in categorie:
            for t in termini:
                chiavi[(c, t.pk)] = (t.misura_id, t.eta_da, t.eta_a, t.sesso, categoria_termine(t.categoria, c))
        tutte.update(chiavi.values())
        if anni is None or anni_estesi is None:
            anni_estesi = None
        else:
            anni_estesi.update(a + t.sfasamento for a in anni for t in termini)
        preparate.append((indicatore, categorie, None if anni is None else set(anni), termini, chiavi))
    if not tutte:
        return [{} for _ in richieste]
    somme = _somme_per_livello(tutte, livello, None if anni_estesi is None else sorted(anni_estesi), [codice])
    risultati = []
    for indicatore, categorie, anni, termini, chiavi in preparate:
        valori = {}
        for c in categorie:
            num = [(somme[chiavi[(c, t.pk)]], t.peso, t.sfasamento) for t in termini if t.parte == "num"]
            den = [(somme[chiavi[(c, t.pk)]], t.peso, t.sfasamento) for t in termini if t.parte == "den"]
            for _, anno, valore in _formula(num, den, indicatore.fattore, anni, {codice}):
                valori[(anno, c)] = valore
        risultati.append(valori)
    return risultati


def _combina(termini, terr, anno):
    totale = Decimal(0)
    for valori, peso, sfasamento in termini:
        s = valori.get((terr, anno + sfasamento))
        if s is None:
            return None
        totale += peso * Decimal(s)
    return totale


def nomi_territori(livello):
    if livello == Livello.ITALIA:
        return {CODICE_ITALIA: "Italia"}
    if livello == Livello.COMUNE:
        return dict(Comune.objects.values_list("codice_istat", "nome"))
    model = {Livello.AMBITO: Ambito, Livello.DISTRETTO: Distretto, Livello.ASST: ASST, Livello.ATS: ATS}[livello]
    return dict(model.objects.values_list("pk", "nome"))


COLONNE_INDICATORI = ["livello", "codice_territorio", "territorio", "anno", "indicatore", "valore"]


def righe_indicatori(livello, anni=None, indicatori=None, valori=None):
    """The computed indicators of one level as table rows (COLONNE_INDICATORI), sorted by
    territory, year and indicator: what `export_indicatori` and the open data write. `valori`:
    the level's values when already computed (calcola_livelli for every level at once)."""
    if valori is None:
        valori = calcola(livello, anni=anni, indicatori=indicatori)
    nomi = nomi_territori(livello)
    return [
        [livello, codice, nomi.get(codice, ""), anno, indicatore, valore]
        for (codice, anno, indicatore), valore in sorted(valori.items())
    ]


def valori_pubblicati(territori):
    """Active published values of [(livello, codice)]."""
    q = Q()
    for livello, codice in territori:
        q |= Q(livello=livello, codice_territorio=codice)
    return ValorePubblicato.objects.filter(q, attiva=True).select_related("indicatore", "caricamento")


def dati_di_base(livello, codice):
    """Base observations stored at this level (an Ambito's figures from its plan), as
    [(misura, anni, [(categoria, [valore per anno])])]."""
    from .models import Misura

    righe = (
        Osservazione.objects.attive()
        .filter(livello=livello, codice_territorio=codice)
        .values_list("misura_id", "categoria", "eta_da", "eta_a", "sesso", "anno", "valore")
        .order_by("misura_id", "categoria")
    )
    per_misura = defaultdict(lambda: defaultdict(dict))
    for misura, categoria, eta_da, eta_a, sesso, anno, valore in righe:
        etichetta = categoria or "totale"
        if eta_da is not None or eta_a is not None:
            etichetta += f", età {eta_da or 0}{'-' + str(eta_a) if eta_a is not None else ' e più'}"
        if sesso:
            etichetta += f", {sesso}"
        per_misura[misura][etichetta][anno] = valore
    misure = {m.codice: m for m in Misura.objects.filter(codice__in=per_misura)}
    risultato = []
    for codice_misura, per_categoria in per_misura.items():
        anni = sorted({a for valori in per_categoria.values() for a in valori})
        tabella = {
            "misura": misure[codice_misura],
            "anni": anni,
            "righe": [(c, [v.get(a) for a in anni]) for c, v in per_categoria.items()],
            "incrocio": None,
        }
        if len(anni) == 1 and all("|" in c for c in per_categoria):
            tabella["incrocio"] = _incrocio({c: v[anni[0]] for c, v in per_categoria.items()})
        risultato.append(tabella)
    return risultato


def _incrocio(valori):
    """Categories «riga|colonna» as a cross table, as the plans print them (area x fund)."""
    righe, colonne = [], []
    for categoria in valori:
        riga, colonna = categoria.split("|", 1)
        if riga not in righe:
            righe.append(riga)
        if colonna not in colonne:
            colonne.append(colonna)
    for elenco in (righe, colonne):  # totals last
        if "TOTALE" in elenco:
            elenco.remove("TOTALE")
            elenco.append("TOTALE")
    tabella = [(r, [valori.get(f"{r}|{c}") for c in colonne]) for r in righe]
    if "TOTALE" in righe or "TOTALE" in colonne:
        return {"colonne": colonne, "righe": tabella}
    # Only cells (the base measure): the totals are computed here, never stored (a cell the
    # source leaves empty, «n.d.», counts as nothing).
    tabella = [(r, v + [sum((x for x in v if x is not None), Decimal(0))]) for r, v in tabella]
    totali = [sum((v[i] for _, v in tabella if v[i] is not None), Decimal(0)) for i in range(len(colonne) + 1)]
    return {"colonne": colonne + ["Totale"], "righe": tabella + [("Totale", totali)]}


def osservazioni_attive_per_caricamento():
    """{load id: how many of its values are in use}. A superseded load is marked on the load,
    not on each value: none of its values is in use."""
    return dict(
        Caricamento.objects.filter(sostituito_da__isnull=True)
        .annotate(n=Count("osservazioni", filter=Q(osservazioni__attiva=True)))
        .values_list("pk", "n")
    )


def caricamenti_attivi(livelli, codici, anni):
    """The loads whose active observations feed the given territories and years."""
    comuni = Q(livello=Livello.COMUNE)
    diretti = Q(livello__in=livelli, codice_territorio__in=codici)
    ids = (
        Osservazione.objects.attive()
        .filter(comuni | diretti, anno__in=anni)
        .values_list("caricamento_id", flat=True)
        .distinct()
    )
    return Caricamento.objects.filter(pk__in=ids).select_related(*relazioni_nome("utente")).order_by("creato_il")


def confronta_pubblicato(p, calcolati, per_cat):
    """A published value beside the one Zona computes ({(livello, codice): calcola(...)}, and
    `_pubblicati_per_categoria` for per-category indicators), the gap at the published precision,
    and the known difference that explains it (discordanze.csv)."""
    if p.categoria:
        calcolato = per_cat.get((p.livello, p.codice_territorio, p.indicatore_id), {}).get((p.anno, p.categoria))
    else:
        calcolato = calcolati.get((p.livello, p.codice_territorio), {}).get(
            (p.codice_territorio, p.anno, p.indicatore_id)
        )
    differenza = None
    if calcolato is not None:
        differenza = Decimal(calcolato).quantize(Decimal(1).scaleb(-p.indicatore.decimali)) - p.valore
    nota = next(
        (
            d
            for d in discordanze.tutte()
            if (d.misura, d.anno, d.territorio) == (p.indicatore_id, p.anno, p.codice_territorio)
            and p.valore in (d.prima_cifra, d.seconda_cifra)
        ),
        None,
    )
    return {"pubblicato": p, "calcolato": calcolato, "differenza": differenza, "discordanza": nota}


@dataclass
class DiscordanzeDocumento:
    documento: discordanze.Documento
    note: list  # discordanze.Discordanza rows of the document
    ricalcolate: list  # confronta_pubblicato() of its published values that Zona recomputes otherwise


def discordanze_documento(codice):
    """Where one source document does not add up: the known differences (discordanze.csv) and
    the published values of its tables that differ from Zona's recomputation. None if unknown."""
    documento = discordanze.documenti().get(codice)
    if documento is None:
        return None
    pubblicati = list(
        ValorePubblicato.objects.filter(attiva=True, caricamento__nome_file__startswith=documento.prefisso_file)
        .select_related("indicatore", "caricamento")
        .order_by("indicatore__ordine", "livello", "codice_territorio", "anno", "categoria")
    )
    calcolati = {}
    for livello, codice_territorio in {(p.livello, p.codice_territorio) for p in pubblicati if not p.categoria}:
        calcolati[(livello, codice_territorio)] = calcola(livello, territori=[codice_territorio])
    per_cat = _pubblicati_per_categoria(pubblicati)
    confronti = [confronta_pubblicato(p, calcolati, per_cat) for p in pubblicati]
    return DiscordanzeDocumento(
        documento=documento,
        note=discordanze.di_documento(codice),
        ricalcolate=[c for c in confronti if c["differenza"]],
    )


def profilo(livello, codice, confronti):
    """The quadro conoscitivo of a territory: every indicator per year, the same for the
    comparison territories [(livello, codice, nome)], and the published values beside the
    computed ones with their gap."""
    # Each territory is computed once, for every year: the table, the gaps and the charts
    # all read from these. One call for the territory and every comparison level (Distretto,
    # ASST, ATS): the catalogue is read once and, above the Comune, the rows of the Comuni
    # too (calcola_livelli's "comuni").
    livelli = list(dict.fromkeys([livello, *(lv for lv, *_ in confronti)]))
    tutti = calcola_livelli(livelli, territori=[codice, *(c for _, c, *_ in confronti)])
    valori = {k: v for k, v in tutti[livello].items() if k[0] == codice}
    anni = sorted({a for (_, a, _) in valori})
    calcolati = {(livello, codice): valori}
    for lv, c, *_ in confronti:
        calcolati[(lv, c)] = {k: v for k, v in tutti[lv].items() if k[0] == c}
    pubblicati = list(
        valori_pubblicati(
            [(livello, codice)] + [(lv, c) for lv, c, *_ in confronti] + [("regione", "03"), ("italia", "IT")]
        )
    )
    righe = []
    for ind in Indicatore.objects.all():
        serie = {a: valori.get((codice, a, ind.codice)) for a in anni}
        if not any(v is not None for v in serie.values()):
            continue
        righe.append(
            {
                "indicatore": ind,
                "valori": [serie[a] for a in anni],
                "confronti": [calcolati[(lv, c)].get((c, anni[-1], ind.codice)) for lv, c, *_ in confronti],
            }
        )
    ordine_livelli = {lv: i for i, lv in enumerate(Livello.values)}
    per_cat = _pubblicati_per_categoria(pubblicati)
    confronto_pubblicati = [
        confronta_pubblicato(p, calcolati, per_cat)
        for p in sorted(pubblicati, key=lambda p: (p.indicatore.ordine, p.categoria, p.anno, ordine_livelli[p.livello]))
    ]
    return {
        "anni": anni,
        "righe": righe,
        "pubblicati": confronto_pubblicati,
        "calcolati": calcolati,
        "serie": serie_storica(livello, codice, valori, pubblicati),
    }


@dataclass
class SerieStorica:
    """Every year an indicator of a territory has a value for: computed by Zona from the base
    data or, for the years without them, as a document printed it."""

    anni: list
    righe: list  # (Indicatore, [(valore, "calcolato" | "pubblicato" | None) per anno])

    @property
    def con_pubblicati(self):
        return any(origine == "pubblicato" for _, celle in self.righe for _, origine in celle)


def serie_storica(livello, codice, valori, pubblicati):
    """`valori`: calcola() of the territory; `pubblicati`: ValorePubblicato (any territory: only
    this one's whole-territory values count). A computed value wins over a printed one."""
    stampati = {
        (p.indicatore_id, p.anno): p.valore
        for p in pubblicati
        if (p.livello, p.codice_territorio) == (livello, codice) and not p.categoria
    }
    anni = sorted({a for (_, a, _) in valori} | {a for _, a in stampati})
    righe = []
    for ind in Indicatore.objects.all():
        celle = []
        for a in anni:
            calcolato = valori.get((codice, a, ind.codice))
            if calcolato is not None:
                celle.append((calcolato, "calcolato"))
            elif (ind.codice, a) in stampati:
                celle.append((stampati[(ind.codice, a)], "pubblicato"))
            else:
                celle.append((None, None))
        if any(v is not None for v, _ in celle):
            righe.append((ind, celle))
    return SerieStorica(anni, righe)


def _pubblicati_per_categoria(pubblicati):
    """{(livello, codice, indicatore): {(anno, categoria): computed}} for the published values
    of per-category indicators: one query per territory (calcola_categorie_insieme)."""
    per_territorio = defaultdict(set)
    for p in pubblicati:
        if p.categoria:
            per_territorio[(p.livello, p.codice_territorio, p.indicatore_id)].add((p.anno, p.categoria))
    if not per_territorio:
        return {}
    indicatori = {
        i.codice: i
        for i in Indicatore.objects.filter(codice__in={k[2] for k in per_territorio}).prefetch_related("termini")
        if per_categoria(i)
    }
    richieste = defaultdict(list)
    for (livello, codice, indicatore), chiavi in per_territorio.items():
        if indicatore in indicatori:
            categorie, anni = sorted({c for _, c in chiavi}), sorted({a for a, _ in chiavi})
            richieste[(livello, codice)].append((indicatori[indicatore], categorie, anni))
    risultato = {}
    for (livello, codice), del_territorio in richieste.items():
        valori = calcola_categorie_insieme(livello, codice, del_territorio)
        for (indicatore, _, _), v in zip(del_territorio, valori, strict=True):
            risultato[(livello, codice, indicatore.codice)] = v
    return risultato


# --- the quadro conoscitivo of an Ambito: one read model for its page and its document ------

# The charts of an Ambito's quadro conoscitivo, on the page and in the Piano di Zona.
GRAFICI = ["indice_vecchiaia", "dipendenza_strutturale", "indice_invecchiamento"]
# Columns of the document's table of the Comuni of the Ambito.
INDICATORI_COMUNI = ["popolazione", "indice_vecchiaia", "dipendenza_strutturale", "densita"]


class Confronto(NamedTuple):
    """A comparison territory of an Ambito. `etichetta` is the short column label of the
    document («Distretto», «ATS»), where the columns are narrow; the page prints `nome`."""

    livello: str
    codice: str
    nome: str
    etichetta: str


def confronti_ambito(ambito, giorno):
    """The Distretto, the ASST and the ATS of `ambito` on `giorno`, to compare its indicators
    with (the plans compare the Ambito with its ASST: Tab. 2.3 and 4.1 of Alto Sebino 2021-2023)."""
    distretto = territorio.distretto_di(ambito, giorno)
    if distretto is None:
        return []
    asst = distretto.asst
    ats = asst.ats
    return [
        Confronto(Livello.DISTRETTO, distretto.pk, distretto.nome, "Distretto"),
        Confronto(Livello.ASST, asst.pk, asst.nome, "ASST"),
        Confronto(Livello.ATS, ats.pk, ats.nome, "ATS"),
    ]


def indicatori(codici):
    """The catalogue's indicators with these codes, in the order given (unknown codes left out)."""
    per_codice = {i.codice: i for i in Indicatore.objects.filter(codice__in=codici)}
    return [per_codice[c] for c in codici if c in per_codice]


@dataclass
class ComuniAmbito:
    """The document's table of the Comuni of an Ambito in one year."""

    anno: int
    indicatori: list  # Indicatore, in the order of INDICATORI_COMUNI
    righe: list  # (Comune, [value per indicator])
    totale: list  # the Ambito's value per indicator


@dataclass
class ProfiloAmbito:
    """An Ambito's quadro conoscitivo. The page shows `dati`, `grafici` and `dati_di_base`;
    the document (`documento=True`) also the sources per measure and the Comuni's table."""

    confronti: list  # Confronto
    dati: dict  # `profilo`
    grafici: list  # (Indicatore, Altair chart), one per GRAFICI with data
    caricamenti: list  # the active loads the indicators come from
    dati_di_base: list  # `dati_di_base`
    fonti_misure: dict = field(default_factory=dict)  # misura code -> sources (document only)
    discordanze: list = field(default_factory=list)  # discordanze.Discordanza of the Ambito
    comuni: ComuniAmbito | None = None  # document only


def profilo_ambito(ambito, giorno, documento=False):
    from .charts import grafici_profilo

    confronti = confronti_ambito(ambito, giorno)
    dati = profilo(Livello.AMBITO, ambito.pk, confronti)
    anni = dati["anni"]
    grafici = grafici_profilo(ambito.nome, dati, confronti, indicatori(GRAFICI)) if anni else []
    risultato = ProfiloAmbito(
        confronti=confronti,
        dati=dati,
        grafici=grafici,
        caricamenti=list(caricamenti_attivi([Livello.AMBITO], [ambito.pk], anni or [0])),
        dati_di_base=dati_di_base(Livello.AMBITO, ambito.pk),
        discordanze=discordanze.del_territorio(ambito.pk),
    )
    if documento:
        risultato.fonti_misure = fonti_misure(Livello.AMBITO, ambito.pk)
        if anni:
            risultato.comuni = comuni_ambito(ambito, anni[-1], dati["calcolati"][(Livello.AMBITO, ambito.pk)])
    return risultato


def comuni_ambito(ambito, anno, valori_ambito=None):
    """The INDICATORI_COMUNI of each Comune of `ambito` on 1 January of `anno`, with the
    Ambito's own (from `valori_ambito`, calcola() of the Ambito for every year, when the caller
    has it); None when the Ambito has no Comuni then or they have no data."""
    comuni = list(territorio.comuni_di(ambito, datetime.date(anno, 1, 1)))
    if not comuni:
        return None
    elenco = indicatori(INDICATORI_COMUNI)
    codici = [i.codice for i in elenco]
    valori = calcola(Livello.COMUNE, anni=[anno], indicatori=codici, territori=[c.pk for c in comuni])
    if not valori:
        return None
    totali = valori_ambito
    if totali is None:
        totali = calcola(Livello.AMBITO, anni=[anno], indicatori=codici, territori=[ambito.pk])
    return ComuniAmbito(
        anno=anno,
        indicatori=elenco,
        righe=[(c, [valori.get((c.pk, anno, i)) for i in codici]) for c in comuni],
        totale=[totali.get((ambito.pk, anno, i)) for i in codici],
    )


def fonti_misure(livello, codice):
    """The sources of each measure stored at this level for this territory (its active
    loads): {misura code: «source (file «name»); ...»}."""
    per_misura = defaultdict(list)
    righe = (
        Osservazione.objects.attive()
        .filter(livello=livello, codice_territorio=codice)
        .values_list("misura_id", "caricamento__fonte", "caricamento__nome_file")
        .distinct()
    )
    for misura, fonte, nome_file in righe:
        voce = f"{fonte} (file «{nome_file}»)"
        if voce not in per_misura[misura]:
            per_misura[misura].append(voce)
    return {m: "; ".join(v) for m, v in per_misura.items()}


def osservazioni_caricate(livello, codice):
    """(active observations, distinct measures) stored at this level for this territory."""
    osservazioni = Osservazione.objects.attive().filter(livello=livello, codice_territorio=codice)
    return osservazioni.count(), osservazioni.values("misura").distinct().count()


@dataclass
class FiguraTerritorio:
    """The indicators of one territory in one year, and the Comuni they count."""

    livello: str
    codice: str
    anno: int
    giorno: datetime.date
    comuni: list  # codici ISTAT
    valori: dict  # {codice indicatore: Decimal or None}


def calcola_territorio(livello, codice, anno, indicatori=None):
    """A territory at any level (territorio.selectors.LIVELLI_TERRITORIO: also the province,
    which `calcola` has no level for) by the one rule: the aggregate of the Comuni that belong to
    it on 1 January of `anno` (territorio.selectors.comuni_del_territorio), sums of the Comuni's
    terms combined by the indicator's formula (a ratio of sums, never an average of ratios)."""
    giorno = datetime.date(anno, 1, 1)
    comuni = territorio.comuni_del_territorio(livello, codice, giorno)
    qs = Indicatore.objects.prefetch_related("termini")
    if indicatori is not None:
        qs = qs.filter(codice__in=indicatori)
    indicatori = [i for i in qs if not per_categoria(i)]
    anni = sorted({anno + t.sfasamento for i in indicatori for t in i.termini.all()})
    chiavi = {_chiave_termine(t) for ind in indicatori for t in ind.termini.all()}
    somme = _somme_per_livello(chiavi, Livello.COMUNE, anni, comuni) if chiavi and comuni else {k: {} for k in chiavi}
    _somma_predecessori(somme, territorio.predecessori())
    totali = {k: {} for k in chiavi}
    for k, valori in somme.items():
        for (c, a), v in valori.items():
            if c in comuni:
                totali[k][(codice, a)] = totali[k].get((codice, a), 0) + v
    risultati = _valori(indicatori, totali, [anno], {codice})
    return FiguraTerritorio(
        livello, codice, anno, giorno, comuni, {i.codice: risultati.get((codice, anno, i.codice)) for i in indicatori}
    )
