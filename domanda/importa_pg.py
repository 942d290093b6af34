"""The PostgreSQL loader of a CSI extract: a COPY fed as the file is read.

A national extract has millions of rows; checking and pseudonymising them one by one, then
inserting them, cost 50 times a plain COPY (bench/README.md). Here, on PostgreSQL, for a CSV:

1. the quick path (_veloce), for a file whose rows are all regular and valid (the usual case:
   a CSI's export): Python reads the rows and checks each group of cells once per distinct
   text (caches of the people, places, dates and amounts), in the plain forms only, with the
   row function's own functions, and writes each final row into a COPY of domanda_episodio
   as it goes: PostgreSQL inserts on the machine's second core while Python reads. A person's
   number is its pseudonym's first 8 bytes (domanda.models.Persona): no round trip per row;
   the file's new people are added in one statement at the end. Any other row: the quick
   path is rolled back to its savepoint and the full path below, which owns the messages,
   takes the file;
2. the full path: the file is COPYed as text into a temporary staging table (one text
   column per column of the header, the row number as the spreadsheet shows it). A file
   without quotes goes to COPY as it is (PostgreSQL and Python's csv read unquoted CSV the
   same way); a file with quotes, or one COPY refuses (ragged rows, blank lines), is read by
   zona.lib.tabular, the reader of the row-by-row path, and its rows COPYed;
3. one statement normalises every row (ISTAT codes, the codice fiscale, dates, amounts) and
   marks the *regular* ones: printable ASCII, dates and numbers in the plain forms that SQL
   reads exactly as zona.lib.valori does. The few other rows are checked by the row function
   of the Python path (domanda.importa.controllo_righe), which owns the parsing and its
   messages. The same statement checks them: each kind of error (`REGOLE`: the condition in
   SQL, the message the one of domanda.importa / domanda.codice_fiscale) is a bit of the
   row's `errori`, all found in one pass over the rows; one query reads the first rows with
   errors and the number of errors, ordered and cut as zona.lib.importazione.importa does.
   An error: nothing is saved;
4. the rows go in with one INSERT ... SELECT, the codice fiscale replaced by its HMAC-SHA256
   computed by PostgreSQL (equal to domanda.codice_fiscale.pseudonimo: tests/test_importa_pg.py),
   numbered by domanda.importa.numeri_persone.

The clear codes exist only in the quick path's local cache while the file is read, and in the
staging tables of the transaction (temporary: never written to the WAL, dropped at the
transaction's end); they are never selected back to Python except the few irregular rows,
which the row function handles as in the other path, and never in a message. The key is
passed as a parameter of the statement through psycopg directly (not Django's cursor, which
logs statements and their parameters when DEBUG is on)."""

import csv
import datetime
import gc
import io
import itertools
import operator
import re

import psycopg
from django.db import DatabaseError, connection, transaction

from territorio.models import Comune
from zona.lib import importazione, valori
from zona.lib.importazione import Riga, RigaErrata
from zona.lib.tabular import MAX_RIGHE, Errore, FileRifiutato, decodifica, troppe_righe

from . import codice_fiscale as cf
from . import importa as py
from .models import AreaUtenza, Episodio, Intervento, numero_persona

GREZZO = "domanda_estratto_grezzo"
NORMALIZZATO = "domanda_estratto_normalizzato"


def disponibile(nome_file):
    """True when this loader can take the file: a CSV, on PostgreSQL."""
    return connection.vendor == "postgresql" and nome_file.lower().endswith(".csv")


def _t(modello):
    return connection.ops.quote_name(modello._meta.db_table)


# --- SQL readings of the cells, as zona.lib.valori reads them -------------------------------


def _sql_istat(x):
    # As importa._istat: a spreadsheet drops the leading zero of 016024.
    return f"CASE WHEN {x} ~ '^[0-9]{{1,5}}$' THEN lpad({x}, 6, '0') ELSE {x} END"


def _sql_giorno(a, m, g):
    """The date, or NULL when it is not one of the calendar within valori.data's years."""
    return (
        f"CASE WHEN {a} BETWEEN 1800 AND 2200 AND {m} BETWEEN 1 AND 12 THEN "
        f"CASE WHEN {g} >= 1 AND {g} <= extract(day from make_date({a}, {m}, 1) + interval '1 month - 1 day') "
        f"THEN make_date({a}, {m}, {g}) END END"
    )


def _sql_data(x):
    """valori.data of `x` for the forms 2024-12-31 and 31/12/2024; NULL for anything else."""

    def parte(sep, n):
        return f"split_part({x}, '{sep}', {n})::int"

    iso = _sql_giorno(parte("-", 1), parte("-", 2), parte("-", 3))
    italiana = _sql_giorno(parte("/", 3), parte("/", 2), parte("/", 1))
    return (
        f"CASE WHEN {x} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' THEN {iso} "
        f"WHEN {x} ~ '^[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}$' THEN {italiana} END"
    )


def _sql_numero(x, interi):
    """A non-negative number of at most `interi` digits before the point and two after (point or
    comma, no thousands separator): what valori.decimale / importo read the same way."""
    return f"CASE WHEN {x} ~ '^[0-9]{{1,{interi}}}([.,][0-9]{{1,2}})?$' THEN replace({x}, ',', '.')::numeric END"


# --- 3. the checks ----------------------------------------------------------------------------

# NOT IN (a list read once, hashed), not a NOT EXISTS per row.
_NON_COMUNE = f"n.{{}} NOT IN (SELECT codice_istat FROM {_t(Comune)})"

# (column, message, SQL condition on a regular row `n` that is true for an error, stops the
# row). In the order of the row function (domanda.importa.controllo_righe): a row stopped by
# an error is not checked further, and a row's errors are reported in this order. Rule i is
# bit i of the row's `errori`.
REGOLE = (
    ("comune_erogatore", py.EROGATORE_IGNOTO, _NON_COMUNE.format("erogatore"), True),
    ("comune_erogatore", py.EROGATORE_DIVERSO, "n.erogatore <> %(atteso)s", True),
    (
        "comune_erogatore",
        py.EROGATORE_NON_AMMESSO,
        "%(ammessi)s::text[] IS NOT NULL AND NOT n.erogatore = ANY(%(ammessi)s::text[])",
        True,
    ),
    # n.cf_errore: 1, 2, 3 for these three (the checks of the code, in _normalizza).
    ("codice_fiscale", cf.NON_VALIDO, "n.cf_errore = 1", True),
    ("codice_fiscale", cf.CONTROLLO_ERRATO, "n.cf_errore = 2", True),
    ("codice_fiscale", cf.GIORNO_IMPOSSIBILE, "n.cf_errore = 3", True),
    ("comune_residenza", py.RESIDENZA_IGNOTA, _NON_COMUNE.format("residenza"), False),
    ("sesso", py.SESSO_FORMA, "n.sesso NOT IN ('', 'M', 'F')", False),
    ("sesso", py.SESSO_DIVERSO, "n.sesso IN ('M', 'F') AND n.sesso <> n.sesso_cf", False),
    (
        "anno_nascita",
        py.ANNO_DIVERSO,
        "mod(n.anno_nascita, 100) <> mod(n.anno_cf, 100)",
        False,
    ),
    ("area_utenza", py.AREA_IGNOTA, f"n.area NOT IN (SELECT codice FROM {_t(AreaUtenza)})", False),
    (
        "codice_intervento",
        py.INTERVENTO_IGNOTO,
        f"n.intervento <> '' AND n.intervento NOT IN (SELECT codice FROM {_t(Intervento)})",
        False,
    ),
    ("data_inizio", py.INIZIO_DOPO_PERIODO, "n.inizio > %(fine_periodo)s", False),
    ("data_fine", py.FINE_PRIMA_INIZIO, "n.fine < n.inizio", False),
    ("data_fine", py.FINE_PRIMA_PERIODO, "n.fine < %(inizio_periodo)s", False),
)


def _maschera():
    """SQL: the row's errors as bits: the first stopping rule it breaks, else every other one."""
    arresti = " ".join(f"WHEN {cond} THEN {1 << i}" for i, (_, _, cond, arresta) in enumerate(REGOLE) if arresta)
    altre = " | ".join(
        f"CASE WHEN {cond} THEN {1 << i} ELSE 0 END" for i, (_, _, cond, arresta) in enumerate(REGOLE) if not arresta
    )
    return f"CASE {arresti} ELSE {altre} END"


def _errori_sql(cursore, parametri):
    """[(row, order, column, message)] of the first MAX_ERRORI regular rows with errors, and
    the number of errors of all of them."""
    cursore.execute(
        f"SELECT riga, erogatore, errori, sum(bit_count(errori::bit(32))) OVER () FROM {NORMALIZZATO} "
        f"WHERE errori <> 0 ORDER BY riga LIMIT {importazione.MAX_ERRORI}"
    )
    errori, n = [], 0
    for numero, erogatore, maschera, totale in cursore.fetchall():
        n = totale
        for i, (colonna, messaggio, _, _) in enumerate(REGOLE):
            if maschera & (1 << i):
                testo = messaggio.format(erogatore=erogatore, atteso=parametri["atteso"], periodo=parametri["periodo"])
                errori.append((numero, i, colonna, testo))
    return errori, n


# --- 1. staging -------------------------------------------------------------------------------


def _grezzo(cursore, contenuto, tabella, larghezza):
    """Fill GREZZO with the file's rows; returns how many."""
    colonne = ", ".join(f"c{i}" for i in range(larghezza))
    crea = (
        f"CREATE TEMP TABLE {GREZZO} (riga bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 2), "
        + ", ".join(f"c{i} text" for i in range(larghezza))
        + ") ON COMMIT DROP"
    )
    testo = decodifica(contenuto)
    if '"' not in testo:
        fine = testo.find("\n")
        primo = testo[: fine if fine >= 0 else len(testo)]
        delimitatore = ";" if primo.count(";") > primo.count(",") else ","  # as zona.lib.tabular
        try:
            with transaction.atomic():
                cursore.execute(crea)
                with cursore.cursor.copy(
                    f"COPY {GREZZO} ({colonne}) FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER '{delimitatore}')"
                ) as copia:
                    copia.write(testo)
                # Rows of empty cells are skipped by the reader of the other path.
                vuote = " AND ".join(f"coalesce(btrim(c{i}, E' \\t\\r'), '') = ''" for i in range(larghezza))
                cursore.execute(f"DELETE FROM {GREZZO} WHERE {vuote}")
                cursore.execute(f"SELECT count(*) FROM {GREZZO}")
                return cursore.fetchone()[0]
        except (DatabaseError, psycopg.Error):
            pass  # rolled back to the savepoint: read by zona.lib.tabular below
    del testo
    cursore.execute(crea)
    n = 0
    vuoto = [None] * larghezza
    with cursore.cursor.copy(f"COPY {GREZZO} (riga, {colonne}) FROM STDIN") as copia:
        for numero, valori in tabella.righe:  # blank rows skipped, MAX_RIGHE enforced there
            # An empty cell is NULL, as COPY reads one of an unquoted file.
            riga = [v or None for v in valori[:larghezza]]
            if len(riga) < larghezza:
                riga += vuoto[len(riga) :]
            copia.write_row((numero, *riga))
            n += 1
    return n


# --- 2. normalisation and checks --------------------------------------------------------------


def _normalizza(indici, periodo):
    """The statement that builds NORMALIZZATO from GREZZO: each row normalised, and its errors.
    Dates, amounts and codici fiscali are read once per distinct value (a few hundred dates and
    amounts, one code per person, in millions of rows), then joined to the rows."""

    def cella(nome):
        i = indici.get(nome)
        return f"coalesce(btrim(g.c{i}, ' '), '')" if i is not None else "''"

    nomi = {
        "comune_erogatore": "erogatore",
        "codice_fiscale": "cf",
        "comune_residenza": "residenza",
        "anno_nascita": "anno",
        "area_utenza": "area",
        "codice_intervento": "intervento",
        "data_inizio": "inizio",
        "data_fine": "fine",
    }
    celle = ", ".join(f"{cella(c)} AS {nomi.get(c, c)}" for c in py.COLONNE)
    usate = ", ".join(f"g.c{indici[c]}" for c in py.COLONNE if c in indici)
    anno = (
        f"CASE WHEN t.anno ~ '^[0-9]{{4}}$' THEN t.anno::int BETWEEN {py.ANNO_NASCITA_MINIMO} AND {periodo} "
        "ELSE t.anno = '' END"
    )
    controllo = (
        f"CASE WHEN {cf.sql_forma_errata('x')} THEN 1 "
        f"WHEN {cf.sql_carattere_controllo('b')} <> substr(x, 16, 1) THEN 2 "
        f"WHEN {cf.sql_giorno_impossibile('x')} THEN 3 ELSE 0 END"
    )
    return f"""
        CREATE TEMP TABLE {NORMALIZZATO} ON COMMIT DROP AS
        WITH t AS MATERIALIZED (
            SELECT g.riga, concat({usate}) ~ '^[ -~]*$' AS ascii, {celle} FROM {GREZZO} g
        ),
        date AS (SELECT x, {_sql_data("x")} AS v FROM (SELECT inizio AS x FROM t UNION SELECT fine FROM t) u),
        numeri AS (SELECT x, {_sql_numero("x", 10)} AS v FROM (SELECT DISTINCT quantita AS x FROM t) u),
        importi AS (
            SELECT x, {_sql_numero("x", 12)} AS v
            FROM (SELECT spesa AS x FROM t UNION SELECT compartecipazione FROM t) u
        ),
        codici AS MATERIALIZED (
            SELECT c.grezzo, c.x AS cf, {controllo} AS cf_errore
            FROM (
                SELECT grezzo, x, convert_to(x, 'UTF8') AS b
                FROM (SELECT cf AS grezzo, upper(replace(cf, ' ', '')) AS x FROM (SELECT DISTINCT cf FROM t) d) d
            ) c
        ),
        persone AS MATERIALIZED (
            SELECT grezzo, cf, cf_errore,
                CASE WHEN cf_errore = 0 THEN {cf.sql_sesso("cf")} END AS sesso_cf,
                CASE WHEN cf_errore = 0 THEN {cf.sql_anno("cf", periodo)} END AS anno_cf
            FROM codici
        )
        SELECT n.*, CASE WHEN n.regolare THEN {_maschera()} ELSE 0 END AS errori FROM (
            SELECT t.riga,
                t.ascii AND {anno}
                    AND di.v IS NOT NULL AND (t.fine = '' OR df.v IS NOT NULL)
                    AND (t.quantita = '' OR q.v IS NOT NULL)
                    AND (t.spesa = '' OR s.v IS NOT NULL)
                    AND (t.compartecipazione = '' OR c.v IS NOT NULL) AS regolare,
                {_sql_istat("t.erogatore")} AS erogatore,
                p.cf, p.cf_errore, p.sesso_cf, p.anno_cf,
                {_sql_istat("t.residenza")} AS residenza,
                upper(t.sesso) AS sesso,
                CASE WHEN t.anno ~ '^[0-9]{{4}}$' THEN t.anno::int END AS anno_nascita,
                lower(t.area) AS area,
                upper(t.intervento) AS intervento,
                di.v AS inizio, df.v AS fine, q.v AS quantita, s.v AS spesa, c.v AS compartecipazione
            FROM t
            JOIN date di ON di.x = t.inizio JOIN date df ON df.x = t.fine
            JOIN numeri q ON q.x = t.quantita
            JOIN importi s ON s.x = t.spesa JOIN importi c ON c.x = t.compartecipazione
            JOIN persone p ON p.grezzo = t.cf
            OFFSET 0
        ) n
    """


# --- the quick path ---------------------------------------------------------------------------

# Whether the last call of carica took the quick path (tests).
ultimo = {"veloce": False}

# The columns of a row as the quick path writes them (COPY text, tab-separated), in the groups
# of cells it reads together, each group of few distinct values in a file: the person (code,
# sex, year), the place (erogatore, residence, area, intervention), the dates, the amounts.
_COLONNE_VELOCI = (
    "caricamento_id, persona_id, sesso, anno_nascita, erogatore_id, comune_residenza_id, area_id, intervento_id, "
    "data_inizio, data_fine, quantita, spesa, compartecipazione"
)
_GRUPPI = (
    ("codice_fiscale", "sesso", "anno_nascita"),
    ("comune_erogatore", "comune_residenza", "area_utenza", "codice_intervento"),
    ("data_inizio", "data_fine"),
    ("quantita", "spesa", "compartecipazione"),
)
NULLO = "\\N"
_NUMERO = re.compile(r"[0-9]{1,12}(?:[.,][0-9]{1,2})?")


class _Diversa(Exception):
    """A row the quick path does not read exactly as the row function: the full path takes the
    file (and says what is wrong). Never a cell's text in it."""


class _Letture(dict):
    """{cells' texts: what the row function reads from them, as COPY text}, each distinct key
    read once by `leggi` (None: not a form the quick path takes). A national extract has
    millions of rows and a few hundred distinct dates, amounts and places."""

    def __init__(self, leggi):
        super().__init__()
        self.leggi = leggi

    def __missing__(self, chiave):
        valore = self[chiave] = self.leggi(*chiave) if isinstance(chiave, tuple) else self.leggi(chiave)
        return valore


def _semplice(x):
    return _copiabile(x) and x == x.strip()


def _copiabile(x):
    return x.isascii() and x.isprintable() and "\\" not in x


def _letture(periodo, atteso):
    """The readers of an extract of `periodo` and of the erogatore `atteso`: (people, places,
    dates, amounts, {number: pseudonym} of the people seen, the codes read), each reader a
    _Letture of its group of cells (_GRUPPI). Each cell is taken only in its plain forms
    (ASCII, no spaces around, ISO dates, numbers without sign or exponent), read by the
    functions of the row function (domanda.importa.controllo_righe: _istat, zona.lib.valori,
    the codice fiscale's checks) and checked as it checks it; anything else is None."""
    # The codes of the Comuni, areas and interventions read, checked against their tables
    # after the COPY (_codici_noti): reading the 8.000 Comuni took 6 ms a file.
    comuni, aree, interventi = letti = (set(), set(), set())
    inizio_periodo, fine_periodo = datetime.date(periodo, 1, 1), datetime.date(periodo, 12, 31)
    firma = cf.firma()
    visti = {}  # number -> pseudonym of the file's people

    def codice(x):
        """(number, sex, year) of a valid code."""
        if len(x) != 16 or not x.isascii() or not x.isalnum():
            return None
        try:
            codice = cf.controlla(x)
        except cf.CodiceNonValido:
            return None
        sesso, anno = cf.sesso_e_anno(codice, periodo)
        pseudonimo = firma(codice)
        del codice  # the clear code goes no further than this line
        numero = numero_persona(pseudonimo)
        if visti.setdefault(numero, pseudonimo) != pseudonimo:
            return None  # two of the file's people with the same 8 bytes: the full path numbers them
        return numero, sesso, anno

    codici = _Letture(codice)
    sessi = {"": "", "M": "M", "m": "M", "F": "F", "f": "F"}

    def persona(x, sesso, anno):
        if (p := codici[x]) is None or (sesso := sessi.get(sesso)) is None:
            return None
        if sesso and sesso != p[1]:
            return None
        if anno:
            if not (len(anno) == 4 and anno.isascii() and anno.isdigit()):
                return None
            try:
                anno = valori.anno(anno, minimo=py.ANNO_NASCITA_MINIMO, massimo=periodo)
            except valori.ValoreNonValido:
                return None
            if anno % 100 != p[2] % 100:
                return None
        return f"{p[0]}\t{p[1]}\t{anno or p[2]}"

    def luogo(erogatore, residenza, area, intervento):
        if not _semplice(erogatore) or py._istat(erogatore) != atteso:
            return None
        # Printable ASCII without backslashes: nothing COPY's text format reads otherwise.
        if not (residenza and area and _semplice(residenza) and _copiabile(area) and _copiabile(intervento)):
            return None
        comuni.add(residenza := py._istat(residenza))
        aree.add(area := area.lower())
        if intervento == "":
            intervento = NULLO
        else:
            interventi.add(intervento := intervento.upper())
        return f"{atteso}\t{residenza}\t{area}\t{intervento}"

    def data(x, minimo, massimo):
        if len(x) != 10 or not x.isascii() or x[4] != "-" or x[7] != "-":
            return None
        try:
            giorno = valori.data(x)
        except valori.ValoreNonValido:
            return None
        return giorno if minimo <= giorno <= massimo else None

    def numero(x, vuoto, leggi, **opzioni):
        if x == "":
            return vuoto
        if not _NUMERO.fullmatch(x):
            return None
        try:
            leggi(x, **opzioni)
        except valori.ValoreNonValido:
            return None
        return x.replace(",", ".")  # what the column reads as the row function's Decimal

    def date(inizio, fine):
        if (inizio := data(inizio, datetime.date(1800, 1, 1), fine_periodo)) is None:
            return None
        if fine and ((fine := data(fine, inizio_periodo, datetime.date(2200, 12, 31))) is None or fine < inizio):
            return None
        return f"{inizio}\t{fine or NULLO}"

    def importi(quantita, spesa, compartecipazione):
        quantita = numero(quantita, NULLO, valori.decimale, **py.QUANTITA)
        spesa, compartecipazione = numero(spesa, "0", valori.importo), numero(compartecipazione, "0", valori.importo)
        if None in (quantita, spesa, compartecipazione):
            return None
        return f"{quantita}\t{spesa}\t{compartecipazione}"

    return _Letture(persona), _Letture(luogo), _Letture(date), _Letture(importi), visti, letti


def _codici_noti(comuni, aree, interventi):
    """Whether every code is of a Comune, an area, an intervention of the nomenclature."""
    with connection.cursor() as c:
        c.execute(
            f"SELECT (SELECT count(*) FROM {_t(Comune)} WHERE codice_istat = ANY(%s)), "
            f"(SELECT count(*) FROM {_t(AreaUtenza)} WHERE codice = ANY(%s)), "
            f"(SELECT count(*) FROM {_t(Intervento)} WHERE codice = ANY(%s))",
            [sorted(comuni), sorted(aree), sorted(interventi)],
        )
        return c.fetchone() == (len(comuni), len(aree), len(interventi))


def _vuota(riga):
    return not any(v.strip() for v in riga)


def _righe(testo, delimitatore):
    """The rows of the CSV after the header, as lists of cells, as zona.lib.tabular's csv reader
    gives them: without quotes and carriage returns a line is its cells split."""
    if '"' in testo or "\r" in testo:
        lettore = csv.reader(io.StringIO(testo), delimiter=delimitatore)
        next(lettore, None)
        return lettore
    righe = testo.split("\n")
    if righe and righe[-1] == "":
        righe.pop()
    return (r.split(delimitatore) for r in itertools.islice(righe, 1, None))


def _veloce(contenuto, indici, larghezza, periodo, erogatore, erogatori_ammessi, scrittore):
    """The quick path: Python reads the CSV and checks each group of cells against the cache of
    its distinct texts (_letture), and writes each row, final, into a COPY of
    domanda_episodio while PostgreSQL inserts the rows already sent (on the machine's other
    core). The person's number is its pseudonym's first 8 bytes (domanda.models.Persona): no
    round trip per row. After the COPY, one statement adds the file's new people
    (numeri_persone); the rare one whose number is not its 8 bytes gets it in its rows. True
    when every row went in (then the load is complete but its counts); False when a row is
    not one the quick path reads exactly as the row function: then nothing of this remains
    and the full path, which owns the messages, takes the file."""
    testo = decodifica(contenuto)
    fine = testo.find("\n")
    primo = testo[: fine if fine >= 0 else len(testo)]
    righe = _righe(testo, ";" if primo.count(";") > primo.count(",") else ",")  # as zona.lib.tabular
    del testo
    try:
        prima = next(r for r in righe if not _vuota(r))
    except (StopIteration, csv.Error):
        return False
    if erogatore is None:
        # As the row function: the first row's erogatore (refused there when it is not one).
        erogatore = py._istat(prima[indici["comune_erogatore"]]) if len(prima) >= larghezza else None
    if erogatore is None or (erogatori_ammessi is not None and erogatore not in erogatori_ammessi):
        return False
    if not Comune.objects.filter(codice_istat=erogatore).exists():
        return False
    persone, luoghi, date, importi, visti, letti = _letture(periodo, erogatore)
    # A column the file lacks reads as an empty cell, added at the end of every row.
    manca = any(c not in indici for g in _GRUPPI for c in g)
    a_persona, a_luogo, a_date, a_importi = (
        operator.itemgetter(*(indici.get(c, larghezza) for c in g)) for g in _GRUPPI
    )
    # No cyclic garbage collection while the rows are read: a list of cells a row, no cycles,
    # and the collector's passes over millions of them cost ~2,5 s of Python's 34 s (bench/README.md).
    raccolta = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            k = scrittore.apri(erogatore).pk
            n = 0
            copy = f"COPY {_t(Episodio)} ({_COLONNE_VELOCI}) FROM STDIN"
            with connection.cursor() as c, c.cursor.copy(copy) as copia:
                lotto = []
                for riga in itertools.chain([prima], righe):
                    if len(riga) != larghezza:
                        if len(riga) > larghezza:
                            riga = riga[:larghezza]  # cells beyond the header: not read
                        elif _vuota(riga):
                            continue  # as the reader of the other paths
                        else:
                            raise _Diversa
                    if manca:
                        riga.append("")
                    p, dove = persone[a_persona(riga)], luoghi[a_luogo(riga)]
                    quando, quanto = date[a_date(riga)], importi[a_importi(riga)]
                    if p is None or dove is None or quando is None or quanto is None:
                        if _vuota(riga):
                            continue
                        raise _Diversa
                    lotto.append(f"{k}\t{p}\t{dove}\t{quando}\t{quanto}\n")
                    # Small batches: PostgreSQL inserts each while Python reads the next, and
                    # is left with one batch when Python is done.
                    if len(lotto) == 500:
                        n += len(lotto)
                        if n > MAX_RIGHE:
                            raise _Diversa  # the full path refuses the file
                        copia.write("".join(lotto))
                        lotto.clear()
                n += len(lotto)
                copia.write("".join(lotto))
            if n > MAX_RIGHE or not _codici_noti(*letti):
                raise _Diversa
            # The people: the new ones added; the rows of one whose number is not its 8 bytes
            # (displaced: another person had them first) get its number.
            for pseudonimo, numero in py.persone_spostate({p: n for n, p in visti.items()}).items():
                righe_sue = Episodio.objects.filter(caricamento_id=k, persona_id=numero_persona(pseudonimo))
                righe_sue.update(persona_id=numero)
    except (_Diversa, csv.Error, DatabaseError, psycopg.Error):
        # A code that is no Comune's may still be too long for its column.
        scrittore.caricamento = None
        return False
    finally:
        if raccolta:
            gc.enable()
    scrittore.righe, scrittore.persone = n, len(visti)
    return True


# --- the loader -------------------------------------------------------------------------------


def carica(contenuto, tabella, periodo, erogatore, erogatori_ammessi, scrittore):
    """Check and store the extract (`tabella`: the file opened by zona.lib.importazione.apri)
    through `scrittore` (domanda.importa._Scrittore); FileRifiutato with every error."""
    indici = py.TRACCIATO.indici(tabella.intestazione)
    larghezza = len(tabella.intestazione)
    ultimo["veloce"] = _veloce(contenuto, indici, larghezza, periodo, erogatore, erogatori_ammessi, scrittore)
    if ultimo["veloce"]:
        with scrittore:
            return
    with connection.cursor() as cursore:
        n_righe = _grezzo(cursore, contenuto, tabella, larghezza)
        if n_righe > MAX_RIGHE:
            raise troppe_righe()
        if not n_righe:
            raise FileRifiutato([Errore(None, None, py.VUOTO)])
        # No JIT: it compiles the statement's expressions for seconds, for a file of milliseconds.
        cursore.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        prima = cursore.fetchone()[0]
        riga_python, comuni, atteso = py.controllo_righe(periodo, erogatore, erogatori_ammessi)
        # The erogatore of the extract: the first row's with a known Comune, as in the row function.
        if erogatore is None and "comune_erogatore" in indici:
            cursore.execute(f"SELECT c{indici['comune_erogatore']} FROM {GREZZO} ORDER BY riga")
            while erogatore is None and (lotto := cursore.fetchmany(500)):
                erogatore = next((c for v in lotto if (c := py._istat(v[0] or "")) in comuni), None)
        parametri = {
            "atteso": erogatore,
            "ammessi": sorted(erogatori_ammessi) if erogatori_ammessi is not None else None,
            "periodo": periodo,
            "inizio_periodo": datetime.date(periodo, 1, 1),
            "fine_periodo": datetime.date(periodo, 12, 31),
        }
        cursore.execute(_normalizza(indici, periodo), parametri)
        errori, n_errori = _errori_sql(cursore, parametri)

        # The irregular rows: the row function of the other path, with the same erogatore.
        atteso["erogatore"] = erogatore
        colonne = ", ".join(f"g.c{i}" for i in range(larghezza))
        cursore.execute(
            f"SELECT g.riga, {colonne} FROM {GREZZO} g JOIN {NORMALIZZATO} n ON n.riga = g.riga "
            "WHERE NOT n.regolare ORDER BY g.riga"
        )
        irregolari = []
        r = Riga(0, (), indici, {})
        for numero, *celle in cursore.fetchall():
            r.numero, r.valori = numero, [c if c is not None else "" for c in celle]
            try:
                esito = riga_python(r)
            except RigaErrata as e:
                r.errore(e.colonna, e.motivo)
            if r.errori is not None:
                for ordine, (colonna, motivo) in enumerate(r.errori):
                    errori.append((numero, ordine, colonna, motivo))
                n_errori += len(r.errori)
                r.errori = None
            elif esito is not None:
                irregolari.append(esito)
        if n_errori:
            errori.sort(key=lambda e: (e[0], e[1]))
            etichetta = py.TRACCIATO.etichetta
            primi = errori[: importazione.MAX_ERRORI]
            raise importazione.rifiuto([Errore(n, etichetta(col), motivo) for n, _, col, motivo in primi], n_errori)

        caricamento = scrittore.apri(erogatore)
        persona = cf.sql_pseudonimo("d.cf", esadecimale=False)
        pseudonimi = f"SELECT d.cf, {persona} AS persona FROM (SELECT DISTINCT cf FROM {NORMALIZZATO} WHERE regolare) d"
        # Through a psycopg cursor with server-side binding, not Django's (which writes the
        # parameters into the statement's text, and logs it when DEBUG is on): the key travels
        # as a parameter, apart from the statement. Only the pseudonyms come back, to be
        # numbered (numeri_persone), and go in again as arrays.
        with psycopg.Cursor(connection.connection) as legato:
            chiavi = cf.chiavi_hmac()
            legato.execute(f"SELECT persona FROM ({pseudonimi}) p", chiavi)
            numeri = py.numeri_persone(p for (p,) in legato.fetchall())
            legato.execute(
                f"""
            WITH p AS MATERIALIZED ({pseudonimi}),
            numeri AS (SELECT * FROM unnest(%(pseudonimi)s::bytea[], %(numeri)s::bigint[]) AS x(persona, numero))
            INSERT INTO {_t(Episodio)} (caricamento_id, erogatore_id, persona_id, comune_residenza_id, sesso,
                anno_nascita, area_id, intervento_id, data_inizio, data_fine, quantita, spesa, compartecipazione)
            SELECT %(caricamento)s, n.erogatore, x.numero, n.residenza,
                CASE WHEN n.sesso = '' THEN n.sesso_cf ELSE n.sesso END,
                coalesce(n.anno_nascita, n.anno_cf), n.area, nullif(n.intervento, ''),
                n.inizio, n.fine, n.quantita, coalesce(n.spesa, 0), coalesce(n.compartecipazione, 0)
            FROM {NORMALIZZATO} n
            JOIN p ON p.cf = n.cf
            JOIN numeri x ON x.persona = p.persona
            WHERE n.regolare ORDER BY n.riga
            """,
                {"caricamento": caricamento.pk, "pseudonimi": list(numeri), "numeri": list(numeri.values()), **chiavi},
            )
            scrittore.righe += legato.rowcount
        cursore.execute("SELECT set_config('jit', %s, true)", [prima])
        cursore.execute(f"DROP TABLE {NORMALIZZATO}; DROP TABLE {GREZZO}")
    with scrittore as scrivi:
        for valori in irregolari:
            scrivi(valori)
