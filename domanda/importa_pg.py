"""The PostgreSQL loader of a CSI extract: the database does the row work.

A national extract has millions of rows; checking and pseudonymising them one by one in Python
cost 50 times a plain COPY (bench/README.md). Here, on PostgreSQL with pgcrypto, for a CSV:

1. the file is COPYed as text into a temporary staging table (one text column per column of
   the header, the row number as the spreadsheet shows it). A file without quotes goes to COPY
   as it is (PostgreSQL and Python's csv read unquoted CSV the same way); a file with quotes,
   or one COPY refuses (ragged rows, blank lines), is read by zona.lib.tabular, the reader of
   the row-by-row path, and its rows COPYed;
2. one statement normalises every row (ISTAT codes, the codice fiscale, dates, amounts) and
   marks the *regular* ones: printable ASCII, dates and numbers in the plain forms that SQL
   reads exactly as zona.lib.valori does. The few other rows are checked by the row function
   of the Python path (domanda.importa.controllo_righe), which owns the parsing and its
   messages;
3. each kind of error of the regular rows is found by one query (`REGOLE`: the condition in
   SQL, the message the one of domanda.importa / domanda.codice_fiscale), with its row numbers;
   errors are ordered and cut as zona.lib.importazione.importa does. An error: nothing saved;
4. the rows go in with one INSERT ... SELECT, the codice fiscale replaced by pgcrypto's HMAC
   (equal to domanda.codice_fiscale.pseudonimo: tests/test_importa_pg.py).

The clear codes exist only in the staging tables of the transaction (temporary: never written
to the WAL, dropped at its end) and are never selected back to Python except the few irregular
rows, which the row function handles as in the other path. The key is passed as a parameter
of the statement through psycopg directly (not Django's cursor, which logs statements and
their parameters when DEBUG is on).
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
from .models import AreaUtenza, Episodio, Intervento

GREZZO = "domanda_estratto_grezzo"
NORMALIZZATO = "domanda_estratto_normalizzato"


def disponibile(nome_file):
    """True when this loader can take the file: a CSV, on PostgreSQL with pgcrypto."""
    if connection.vendor != "postgresql" or not nome_file.lower().endswith(".csv"):
        return False
    with connection.cursor() as c:
        c.execute("SELECT 1 FROM pg_extension WHERE extname = 'pgcrypto'")
        return c.fetchone() is not None


def _t(modello):
    return connection.ops.quote_name(modello._meta.db_table)


# --- 2. normalisation -------------------------------------------------------------------------


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


def _normalizza(indici, periodo):
    """The statement that builds NORMALIZZATO from GREZZO."""

    def cella(nome):
        i = indici.get(nome)
        return f"coalesce(btrim(g.c{i}, ' '), '')" if i is not None else "''"

    usate = ", ".join(f"g.c{indici[c]}" for c in py.COLONNE if c in indici)
    anno = (
        f"CASE WHEN t.anno ~ '^[0-9]{{4}}$' THEN t.anno::int BETWEEN {py.ANNO_NASCITA_MINIMO} AND {periodo} "
        "ELSE t.anno = '' END"
    )
    return f"""
        CREATE TEMP TABLE {NORMALIZZATO} ON COMMIT DROP AS
        SELECT riga,
            concat({usate}) ~ '^[ -~]*$'
                AND {anno}
                AND v.inizio IS NOT NULL AND (t.fine = '' OR v.fine IS NOT NULL)
                AND (t.quantita = '' OR v.quantita IS NOT NULL)
                AND (t.spesa = '' OR v.spesa IS NOT NULL)
                AND (t.compartecipazione = '' OR v.compartecipazione IS NOT NULL) AS regolare,
            {_sql_istat("t.erogatore")} AS erogatore,
            upper(replace(t.cf, ' ', '')) AS cf,
            {_sql_istat("t.residenza")} AS residenza,
            upper(t.sesso) AS sesso,
            CASE WHEN t.anno ~ '^[0-9]{{4}}$' THEN t.anno::int END AS anno_nascita,
            lower(t.area) AS area,
            upper(t.intervento) AS intervento,
            v.inizio, v.fine, v.quantita, v.spesa, v.compartecipazione
        FROM {GREZZO} g,
        LATERAL (SELECT {cella("comune_erogatore")} AS erogatore, {cella("codice_fiscale")} AS cf,
                 {cella("comune_residenza")} AS residenza, {cella("sesso")} AS sesso,
                 {cella("anno_nascita")} AS anno, {cella("area_utenza")} AS area,
                 {cella("codice_intervento")} AS intervento, {cella("data_inizio")} AS inizio,
                 {cella("data_fine")} AS fine, {cella("quantita")} AS quantita, {cella("spesa")} AS spesa,
                 {cella("compartecipazione")} AS compartecipazione) t,
        LATERAL (SELECT {_sql_data("t.inizio")} AS inizio, {_sql_data("t.fine")} AS fine,
                 {_sql_numero("t.quantita", 10)} AS quantita, {_sql_numero("t.spesa", 12)} AS spesa,
                 {_sql_numero("t.compartecipazione", 12)} AS compartecipazione) v
    """


# --- 3. the checks ----------------------------------------------------------------------------

_ESISTE_COMUNE = f"EXISTS (SELECT 1 FROM {_t(Comune)} x WHERE x.codice_istat = n.{{}})"

# (column, message, SQL condition on a regular row `n` that is true for an error, stops the
# row). In the order of the row function (domanda.importa.controllo_righe): a row stopped by
# an error is not checked further, and a row's errors are reported in this order.
REGOLE = (
    ("comune_erogatore", py.EROGATORE_IGNOTO, "NOT " + _ESISTE_COMUNE.format("erogatore"), True),
    ("comune_erogatore", py.EROGATORE_DIVERSO, "n.erogatore <> %(atteso)s", True),
    (
        "comune_erogatore",
        py.EROGATORE_NON_AMMESSO,
        "%(ammessi)s::text[] IS NOT NULL AND NOT n.erogatore = ANY(%(ammessi)s::text[])",
        True,
    ),
    ("codice_fiscale", cf.NON_VALIDO, cf.sql_forma_errata("n.cf"), True),
    ("codice_fiscale", cf.CONTROLLO_ERRATO, f"{cf.sql_carattere_controllo('n.cf')} <> substr(n.cf, 16, 1)", True),
    ("codice_fiscale", cf.GIORNO_IMPOSSIBILE, cf.sql_giorno_impossibile("n.cf"), True),
    ("comune_residenza", py.RESIDENZA_IGNOTA, "NOT " + _ESISTE_COMUNE.format("residenza"), False),
    ("sesso", py.SESSO_FORMA, "n.sesso NOT IN ('', 'M', 'F')", False),
    ("sesso", py.SESSO_DIVERSO, f"n.sesso IN ('M', 'F') AND n.sesso <> {cf.sql_sesso('n.cf')}", False),
    (
        "anno_nascita",
        py.ANNO_DIVERSO,
        "mod(n.anno_nascita, 100) <> translate(substr(n.cf, 7, 2), 'LMNPQRSTUV', '0123456789')::int",
        False,
    ),
    ("area_utenza", py.AREA_IGNOTA, f"NOT EXISTS (SELECT 1 FROM {_t(AreaUtenza)} x WHERE x.codice = n.area)", False),
    (
        "codice_intervento",
        py.INTERVENTO_IGNOTO,
        f"n.intervento <> '' AND NOT EXISTS (SELECT 1 FROM {_t(Intervento)} x WHERE x.codice = n.intervento)",
        False,
    ),
    ("data_inizio", py.INIZIO_DOPO_PERIODO, "n.inizio > %(fine_periodo)s", False),
    ("data_fine", py.FINE_PRIMA_INIZIO, "n.fine < n.inizio", False),
    ("data_fine", py.FINE_PRIMA_PERIODO, "n.fine < %(inizio_periodo)s", False),
)


def _arresto():
    """SQL: the number (1-based) of the first stopping rule a row breaks, 0 for none."""
    casi = " ".join(f"WHEN {cond} THEN {i}" for i, (_, _, cond, arresta) in enumerate(REGOLE, 1) if arresta)
    return f"CASE {casi} ELSE 0 END"


def _errori_sql(cursore, parametri):
    """[(row, order, column, message)] of the regular rows (the first MAX_ERRORI of each rule)
    and the number of errors."""
    cursore.execute(f"ALTER TABLE {NORMALIZZATO} ADD COLUMN arresto smallint")
    cursore.execute(f"UPDATE {NORMALIZZATO} n SET arresto = {_arresto()} WHERE n.regolare", parametri)
    errori, n = [], 0
    for i, (colonna, messaggio, condizione, arresta) in enumerate(REGOLE, 1):
        dove = f"n.arresto = {i}" if arresta else f"n.arresto = 0 AND ({condizione})"
        cursore.execute(
            f"SELECT n.riga, n.erogatore, count(*) OVER () FROM {NORMALIZZATO} n WHERE n.regolare AND {dove} "
            f"ORDER BY n.riga LIMIT {importazione.MAX_ERRORI}",
            parametri,
        )
        righe = cursore.fetchall()
        if righe:
            n += righe[0][2]
        for numero, erogatore, _ in righe:
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
    vuoto = [""] * larghezza
    with cursore.cursor.copy(f"COPY {GREZZO} (riga, {colonne}) FROM STDIN") as copia:
        for numero, valori in tabella.righe:  # blank rows skipped, MAX_RIGHE enforced there
            riga = list(valori[:larghezza])
            if len(riga) < larghezza:
                riga += vuoto[len(riga) :]
            copia.write_row((numero, *riga))
            n += 1
    return n


# --- the loader -------------------------------------------------------------------------------


def carica(contenuto, tabella, periodo, erogatore, erogatori_ammessi, scrittore):
    """Check and store the extract (`tabella`: the file opened by zona.lib.importazione.apri)
    through `scrittore` (domanda.importa._Scrittore); FileRifiutato with every error."""
    indici = py.TRACCIATO.indici(tabella.intestazione)
    larghezza = len(tabella.intestazione)
    riga_python, comuni, atteso = py.controllo_righe(periodo, erogatore, erogatori_ammessi)
    with connection.cursor() as cursore:
        n_righe = _grezzo(cursore, contenuto, tabella, larghezza)
        if n_righe > MAX_RIGHE:
            raise troppe_righe()
        if not n_righe:
            raise FileRifiutato([Errore(None, None, py.VUOTO)])
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
        cursore.execute(_normalizza(indici, periodo))
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
        persona = cf.sql_pseudonimo("d.cf")
        # Through a psycopg cursor with server-side binding, not Django's (which writes the
        # parameters into the statement's text, and logs it when DEBUG is on): the key travels
        # as a parameter, apart from the statement.
        with psycopg.Cursor(connection.connection) as legato:
            legato.execute(
                f"""
            INSERT INTO {_t(Episodio)} (caricamento_id, erogatore_id, persona, comune_residenza_id, sesso,
                anno_nascita, area_id, intervento_id, data_inizio, data_fine, quantita, spesa, compartecipazione)
            SELECT %(caricamento)s, n.erogatore, p.persona, n.residenza,
                CASE WHEN n.sesso = '' THEN {cf.sql_sesso("n.cf")} ELSE n.sesso END,
                coalesce(n.anno_nascita, {cf.sql_anno("n.cf", periodo)}), n.area, nullif(n.intervento, ''),
                n.inizio, n.fine, n.quantita, coalesce(n.spesa, 0), coalesce(n.compartecipazione, 0)
            FROM {NORMALIZZATO} n
            JOIN (SELECT d.cf, {persona} AS persona
                  FROM (SELECT DISTINCT cf FROM {NORMALIZZATO} WHERE regolare) d) p ON p.cf = n.cf
            WHERE n.regolare ORDER BY n.riga
            """,
                {"caricamento": caricamento.pk, "chiave": _chiave()},
            )
            scrittore.righe += legato.rowcount
        cursore.execute(f"DROP TABLE {NORMALIZZATO}; DROP TABLE {GREZZO}")
    with scrittore as scrivi:
        for valori in irregolari:
            scrivi(valori)


def _chiave():
    from django.conf import settings

    return settings.DOMANDA_CHIAVE_PSEUDONIMO
