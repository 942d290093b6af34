"""The PostgreSQL loader of a CSI extract: the database does the row work.

A national extract has millions of rows; checking and pseudonymising them one by one in Python
cost 50 times a plain COPY (bench/README.md). Here, on PostgreSQL, for a CSV:

1. the file is COPYed as text into a temporary staging table (one text column per column of
   the header, the row number as the spreadsheet shows it). A file without quotes goes to COPY
   as it is (PostgreSQL and Python's csv read unquoted CSV the same way); a file with quotes,
   or one COPY refuses (ragged rows, blank lines), is read by zona.lib.tabular, the reader of
   the row-by-row path, and its rows COPYed;
2. the quick path (_sql_veloce): ONE statement checks, normalises and pseudonymises every row
   and inserts it, when the file is all regular and valid (the usual case: a CSI's export).
   It reads each cell only in the forms the row function reads the same way, with casts whose
   text must come back unchanged, joins to the Comuni and the nomenclature, and the codice
   fiscale's form and check character through byte arrays, once per person; any other row
   is left out (or makes a cast fail) and the file takes the full path below, which owns the
   messages. It costs a third of the full path (bench/README.md);
3. the full path: one statement normalises every row (ISTAT codes, the codice fiscale, dates, amounts) and
   marks the *regular* ones: printable ASCII, dates and numbers in the plain forms that SQL
   reads exactly as zona.lib.valori does. The few other rows are checked by the row function
   of the Python path (domanda.importa.controllo_righe), which owns the parsing and its
   messages;
   The same statement checks them: each kind of error (`REGOLE`: the condition in SQL, the
   message the one of domanda.importa / domanda.codice_fiscale) is a bit of the row's `errori`,
   all found in one pass over the rows; one query reads the first rows with errors and the
   number of errors, ordered and cut as zona.lib.importazione.importa does. An error: nothing
   is saved;
4. the rows go in with one INSERT ... SELECT, the codice fiscale replaced by its HMAC-SHA256
   computed by PostgreSQL (equal to domanda.codice_fiscale.pseudonimo: tests/test_importa_pg.py).

The clear codes exist only in the staging tables of the transaction (temporary: never written
to the WAL, dropped when the quick path ends or at the transaction's end) and are never
selected back to Python except the few irregular rows, which the row function handles as in
the other path. The key is passed as a parameter of the statement through psycopg directly
(not Django's cursor, which logs statements and their parameters when DEBUG is on).
"""

import datetime

import psycopg
from django.db import DatabaseError, connection, transaction

from territorio.models import Comune
from zona.lib import importazione
from zona.lib.importazione import Riga, RigaErrata
from zona.lib.tabular import MAX_RIGHE, Errore, FileRifiutato, decodifica, troppe_righe

from . import codice_fiscale as cf
from . import importa as py
from .models import AreaUtenza, Episodio, Intervento, Persona

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


def _sql_veloce(indici, periodo):
    """The one statement that checks, normalises, pseudonymises and inserts a file whose rows
    are all regular and valid, and returns (rows inserted, distinct people). A row it does not
    read exactly as the row function would (another form of a date or number, a code to pad,
    spaces, an error of any kind) is left out by a join or the WHERE, or makes a cast fail:
    then the count differs from the file's, or the statement raises, and the caller rolls it
    back and takes the full path, which owns the messages. No regular expression (1-2 µs a
    cell in PostgreSQL): casts whose text must come back unchanged, joins, byte arrays."""

    def cella(nome):
        return f"g.c{indici[nome]}" if nome in indici else "NULL::text"

    def istat(x):
        # As importa._istat for the digits a spreadsheet left: lpad only below six characters
        # (lpad cuts a longer text); a non-digit text matches no Comune anyway.
        return f"CASE WHEN length({x}) < 6 THEN lpad({x}, 6, '0') ELSE {x} END"

    def numero(nome):
        return f"replace({cella(nome)}, ',', '.')"

    def numero_valido(x, limite):
        # The text of the number is its canonical form (no sign, exponent, spaces, leading
        # zero; NaN and Infinity fail the bound), at most two decimals, below the bound.
        return f"({x}_t IS NULL OR ({x}::text = {x}_t AND {x} >= 0 AND {x} < {limite} AND scale({x}) <= 2))"

    b = "c.b"
    secolo = periodo - periodo % 100
    aa = cf.sql_due_cifre(b, 6)
    persona = cf.sql_pseudonimo("p.b", byte=True, esadecimale=False)
    persone = _t(Persona)
    return f"""
        WITH p AS MATERIALIZED (
            SELECT p.grezzo, {persona} AS persona, p.b,
                CASE WHEN p.giorno > 40 THEN 'F' ELSE 'M' END AS sesso_cf,
                CASE WHEN {secolo} + p.aa <= {periodo} THEN {secolo} + p.aa ELSE {secolo - 100} + p.aa END AS anno_cf
            FROM (
                SELECT c.grezzo, c.b, c.somma >= 0 AND 65 + mod(c.somma, 26) = get_byte(c.b, 15) AS in_forma,
                    c.giorno, c.aa
            FROM (
                SELECT c.grezzo, c.b,
                    CASE WHEN octet_length({b}) = 16 THEN ({cf.sql_somma_in_forma(b)}) END AS somma,
                    CASE WHEN octet_length({b}) = 16 THEN {cf.sql_due_cifre(b, 9)} END AS giorno,
                    CASE WHEN octet_length({b}) = 16 THEN {aa} END AS aa
                FROM (
                    SELECT d.grezzo, convert_to(upper(d.grezzo), 'UTF8') AS b
                    FROM (SELECT DISTINCT {cella("codice_fiscale")} AS grezzo FROM {GREZZO} g) d OFFSET 0
                ) c OFFSET 0
            ) c OFFSET 0
            ) p
            WHERE p.in_forma AND (p.giorno BETWEEN 1 AND 31 OR p.giorno BETWEEN 41 AND 71) AND p.aa >= 0
        ),
        -- The people's numbers: the new ones added, the others read by their pseudonym (an
        -- index scan of the array, whatever the joins' settings; the new ones are not looked
        -- for). A person added meanwhile by a concurrent load is in neither (not visible to
        -- this statement): its rows are left out, the count differs and the full path takes
        -- the file.
        nuove AS (
            INSERT INTO {persone} (pseudonimo) SELECT DISTINCT persona FROM p ORDER BY 1
            ON CONFLICT (pseudonimo) DO NOTHING RETURNING id, pseudonimo
        ),
        numeri AS (
            SELECT id, pseudonimo FROM nuove
            UNION ALL
            SELECT id, pseudonimo FROM {persone} WHERE pseudonimo = ANY((
                SELECT array_agg(persona) FROM p WHERE persona NOT IN (SELECT pseudonimo FROM nuove)
            )::bytea[])
        ),
        inseriti AS (
            INSERT INTO {_t(Episodio)} (caricamento_id, erogatore_id, persona_id, comune_residenza_id, sesso,
                anno_nascita, area_id, intervento_id, data_inizio, data_fine, quantita, spesa, compartecipazione)
            SELECT %(caricamento)s, v.erogatore, n.id, r.codice_istat, p.sesso_cf,
                coalesce(v.anno, p.anno_cf), a.codice, i.codice, v.inizio, v.fine,
                v.quantita, coalesce(v.spesa, 0), coalesce(v.compartecipazione, 0)
            FROM (
                SELECT g.riga, {cella("codice_fiscale")} AS grezzo,
                    {istat(cella("comune_erogatore"))} AS erogatore,
                    {istat(cella("comune_residenza"))} AS residenza,
                    upper({cella("sesso")}) AS sesso,
                    {cella("anno_nascita")} AS anno_t, {cella("anno_nascita")}::int AS anno,
                    lower({cella("area_utenza")}) AS area, octet_length({cella("area_utenza")}) AS area_byte,
                    upper({cella("codice_intervento")}) AS intervento,
                    {cella("data_inizio")} AS inizio_t, {cella("data_inizio")}::date AS inizio,
                    {cella("data_fine")} AS fine_t, {cella("data_fine")}::date AS fine,
                    {numero("quantita")} AS quantita_t, {numero("quantita")}::numeric AS quantita,
                    {numero("spesa")} AS spesa_t, {numero("spesa")}::numeric AS spesa,
                    {numero("compartecipazione")} AS compartecipazione_t,
                    {numero("compartecipazione")}::numeric AS compartecipazione
                FROM {GREZZO} g OFFSET 0
            ) v
            JOIN p ON p.grezzo = v.grezzo
            JOIN numeri n ON n.pseudonimo = p.persona
            JOIN {_t(Comune)} r ON r.codice_istat = v.residenza
            JOIN {_t(AreaUtenza)} a ON a.codice = v.area AND octet_length(a.codice) = v.area_byte
            LEFT JOIN {_t(Intervento)} i ON i.codice = v.intervento
            WHERE v.erogatore = %(atteso)s
                AND (v.intervento IS NULL OR i.codice IS NOT NULL)
                AND (v.sesso IS NULL OR v.sesso = p.sesso_cf)
                AND (v.anno_t IS NULL OR (v.anno::text = v.anno_t
                    AND v.anno BETWEEN {py.ANNO_NASCITA_MINIMO} AND {periodo}
                    AND mod(v.anno, 100) = mod(p.anno_cf, 100)))
                AND v.inizio::text = v.inizio_t AND v.inizio BETWEEN '1800-01-01' AND %(fine_periodo)s
                AND (v.fine_t IS NULL OR (v.fine::text = v.fine_t AND v.fine >= v.inizio
                    AND v.fine BETWEEN %(inizio_periodo)s AND '2200-12-31'))
                AND {numero_valido("v.quantita", "1e10")}
                AND {numero_valido("v.spesa", "1e12")}
                AND {numero_valido("v.compartecipazione", "1e12")}
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM inseriti), (SELECT count(*) FROM numeri)
    """


def _veloce(cursore, indici, periodo, erogatore, erogatori_ammessi, scrittore, n_righe):
    """The quick path: True when every row went in (then the load is complete but its counts),
    False when the file needs the full path (then nothing of this remains)."""
    if erogatore is None and "comune_erogatore" in indici:
        cursore.execute(f"SELECT c{indici['comune_erogatore']} FROM {GREZZO} ORDER BY riga LIMIT 1")
        erogatore = py._istat(cursore.fetchone()[0] or "")
    if erogatore is None or (erogatori_ammessi is not None and erogatore not in erogatori_ammessi):
        return False
    cursore.execute(f"SELECT 1 FROM {_t(Comune)} WHERE codice_istat = %s", [erogatore])
    if cursore.fetchone() is None:
        return False
    parametri = {
        "atteso": erogatore,
        "inizio_periodo": datetime.date(periodo, 1, 1),
        "fine_periodo": datetime.date(periodo, 12, 31),
    }
    try:
        with transaction.atomic():
            caricamento = scrittore.apri(erogatore)
            # Through psycopg with server-side binding (the key travels apart from the text).
            with psycopg.Cursor(connection.connection) as legato:
                # The planner has no statistics of the staging table (an ANALYZE costs more
                # than the statement): it would join the rows by nested loops. Hash joins of
                # the rows against the small lookups and the people, whatever it estimates.
                legato.execute("SET LOCAL enable_nestloop = off; SET LOCAL enable_mergejoin = off")
                legato.execute(
                    _sql_veloce(indici, periodo), {"caricamento": caricamento.pk, **parametri, **cf.chiavi_hmac()}
                )
                righe, persone = legato.fetchone()
                legato.execute("RESET enable_nestloop; RESET enable_mergejoin")
            if righe != n_righe:
                raise _Incompleto
    except (_Incompleto, DatabaseError, psycopg.Error):
        scrittore.caricamento = None
        return False
    scrittore.righe, scrittore.persone = righe, persone
    return True


class _Incompleto(Exception):
    """Some row was left out by the quick path."""


# --- the loader -------------------------------------------------------------------------------


def carica(contenuto, tabella, periodo, erogatore, erogatori_ammessi, scrittore):
    """Check and store the extract (`tabella`: the file opened by zona.lib.importazione.apri)
    through `scrittore` (domanda.importa._Scrittore); FileRifiutato with every error."""
    indici = py.TRACCIATO.indici(tabella.intestazione)
    larghezza = len(tabella.intestazione)
    with connection.cursor() as cursore:
        n_righe = _grezzo(cursore, contenuto, tabella, larghezza)
        if n_righe > MAX_RIGHE:
            raise troppe_righe()
        if not n_righe:
            raise FileRifiutato([Errore(None, None, py.VUOTO)])
        # No JIT: it compiles the statement's expressions for seconds, for a file of milliseconds.
        cursore.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        prima = cursore.fetchone()[0]
        ultimo["veloce"] = _veloce(cursore, indici, periodo, erogatore, erogatori_ammessi, scrittore, n_righe)
        if ultimo["veloce"]:
            cursore.execute("SELECT set_config('jit', %s, true)", [prima])
            cursore.execute(f"DROP TABLE {GREZZO}")
            with scrittore:
                return
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
        # as a parameter, apart from the statement.
        with psycopg.Cursor(connection.connection) as legato:
            chiavi = cf.chiavi_hmac()
            # The new people first (a statement of its own: the next one sees them, and those
            # a concurrent load committed meanwhile), in the pseudonyms' order (no deadlock).
            legato.execute(
                f"INSERT INTO {_t(Persona)} (pseudonimo) SELECT persona FROM ({pseudonimi}) p ORDER BY 1 "
                "ON CONFLICT (pseudonimo) DO NOTHING",
                chiavi,
            )
            legato.execute(
                f"""
            WITH p AS MATERIALIZED ({pseudonimi}),
            numeri AS (
                SELECT p.cf, x.id FROM p JOIN {_t(Persona)} x ON x.pseudonimo = p.persona
                WHERE x.pseudonimo = ANY((SELECT array_agg(persona) FROM p)::bytea[])
            )
            INSERT INTO {_t(Episodio)} (caricamento_id, erogatore_id, persona_id, comune_residenza_id, sesso,
                anno_nascita, area_id, intervento_id, data_inizio, data_fine, quantita, spesa, compartecipazione)
            SELECT %(caricamento)s, n.erogatore, p.id, n.residenza,
                CASE WHEN n.sesso = '' THEN n.sesso_cf ELSE n.sesso END,
                coalesce(n.anno_nascita, n.anno_cf), n.area, nullif(n.intervento, ''),
                n.inizio, n.fine, n.quantita, coalesce(n.spesa, 0), coalesce(n.compartecipazione, 0)
            FROM {NORMALIZZATO} n
            JOIN numeri p ON p.cf = n.cf
            WHERE n.regolare ORDER BY n.riga
            """,
                {"caricamento": caricamento.pk, **chiavi},
            )
            scrittore.righe += legato.rowcount
        cursore.execute("SELECT set_config('jit', %s, true)", [prima])
        cursore.execute(f"DROP TABLE {NORMALIZZATO}; DROP TABLE {GREZZO}")
    with scrittore as scrivi:
        for valori in irregolari:
            scrivi(valori)
