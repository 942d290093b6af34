"""The PostgreSQL loader of a CSI extract: a binary COPY fed as the file is read.

A national extract has millions of rows; checking and pseudonymising them one by one, then
inserting them, cost 50 times a plain COPY (bench/README.md). Here, on PostgreSQL, for a CSV:

1. the quick path (_veloce), for a file whose rows are all regular and valid (the usual case:
   a CSI's export) and that has no quotes: pyarrow reads it a block at a time and _Lettore
   checks each column's distinct texts once, in the plain forms only, with the row function's
   own functions (the codici fiscali of a block together, codice_fiscale.controlla_molti), the
   checks across columns on arrays; each block's rows, final, go into a binary COPY of
   domanda_episodio while PostgreSQL inserts the blocks already sent (on the machine's other
   core). The person is its pseudonym (domanda.models.Episodio.persona): nothing to look up.
   Any other row: the quick path is rolled back to its savepoint and the full path below,
   which owns the messages, takes the file;
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
4. the rows go in with one INSERT ... SELECT, the codice fiscale replaced by its pseudonym
   computed by PostgreSQL (equal to domanda.codice_fiscale.pseudonimo: tests/test_importa_pg.py).

The clear codes exist only in the quick path's local variables and its cache of the file's
people while the file is read, and in the staging tables of the transaction (temporary: never
written to the WAL, dropped at the transaction's end); they are never selected back to Python
except the few irregular rows, which the row function handles as in the other path, and never
in a message (pyarrow's errors, which quote the row, are dropped). The key is passed as a
parameter of the statement through psycopg directly (not Django's cursor, which logs
statements and their parameters when DEBUG is on)."""

import datetime
import io
import re
from decimal import Decimal

import numpy as np
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from django.db import DatabaseError, connection, transaction
from psycopg.types.datetime import DateBinaryDumper
from psycopg.types.numeric import DecimalBinaryDumper
from psycopg.types.string import StrBinaryDumper

from territorio.models import Comune
from zona.lib import importazione, valori
from zona.lib.importazione import Riga, RigaErrata
from zona.lib.tabular import MAX_RIGHE, Errore, FileRifiutato, decodifica, troppe_righe

from . import codice_fiscale as cf
from . import importa as py
from .models import AreaUtenza, CaricamentoEstratto, Episodio, Intervento

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

# The columns the quick path writes, in this order (COPY's binary format).
_COLONNE_VELOCI = (
    "caricamento_id",
    "persona",
    "sesso",
    "anno_nascita",
    "erogatore_id",
    "comune_residenza_id",
    "area_id",
    "intervento_id",
    "data_inizio",
    "data_fine",
    "quantita",
    "spesa",
    "compartecipazione",
)
# Bytes of the file read at a time: PostgreSQL inserts a block's rows while Python reads the
# next one (a national extract: a few hundred thousand bytes a file, 611 files).
_BLOCCO = 1 << 17
_RIFIUTO = object()  # a cell the quick path does not take
_SESSI = {"": 0, "M": 1, "m": 1, "F": 2, "f": 2}  # 0: read from the code
_NUMERO = re.compile(r"[0-9]{1,12}(?:[.,][0-9]{1,2})?")


class _Diversa(Exception):
    """A row the quick path does not read exactly as the row function: the full path takes the
    file (and says what is wrong). Never a cell's text in it."""


class _Letture(dict):
    """{a cell's text: what the row function reads from it}, each distinct text read once by
    `leggi` (_RIFIUTO: not a form the quick path takes); also {a value read: its cell in COPY's
    format}. A national extract has millions of rows and a few hundred distinct dates, amounts
    and places."""

    def __init__(self, leggi):
        super().__init__()
        self.leggi = leggi

    def __missing__(self, chiave):
        valore = self[chiave] = self.leggi(chiave)
        return valore


def _semplice(x):
    return _copiabile(x) and x == x.strip()


def _copiabile(x):
    # The plain forms only: printable ASCII, no backslash; anything else goes to the full path.
    return x.isascii() and x.isprintable() and "\\" not in x


class _Lettore:
    """The quick path's reading of an extract of `periodo` and of the erogatore `atteso`.

    Each cell is taken only in its plain forms (ASCII, no spaces around, ISO dates, numbers
    without sign or exponent), read by the functions of the row function (domanda.importa.
    controllo_righe: _istat, zona.lib.valori, the codice fiscale's checks) and checked as it
    checks it; a column's distinct texts are read once (_Letture), the codici fiscali of a
    block together (codice_fiscale.controlla_molti), and the rows' checks across columns
    (sex and year against the code, end after start) are done on arrays. Anything else: the
    rows are not the quick path's (_Diversa)."""

    def __init__(self, periodo, atteso):
        self.periodo, self.atteso = periodo, atteso
        self.inizio_periodo, self.fine_periodo = datetime.date(periodo, 1, 1), datetime.date(periodo, 12, 31)
        # The codes read, checked against their tables after the COPY (_codici_noti).
        self.comuni, self.aree, self.interventi = set(), set(), set()
        self.firma = cf.firma()
        self.pseudonimi = {}  # normalised code -> its pseudonym: the file's people
        # A row's cells of fixed width, in COPY's binary format: the number of cells, then
        # each cell's length and bytes (big-endian), in the order of _COLONNE_VELOCI.
        self.fisso = np.dtype(
            [("celle", ">i2"), ("l0", ">i4"), ("caricamento", ">i8"), ("l1", ">i4"), ("persona", "V16"),
             ("l2", ">i4"), ("sesso", "S1"), ("l3", ">i4"), ("anno", ">i2"), ("l4", ">i4"),
             ("erogatore", f"S{len(atteso.encode())}")]
        )  # fmt: skip
        self.codifiche = {}  # column -> {value read: its cell in COPY's binary format}
        self.letture = {
            "comune_erogatore": _Letture(self._erogatore),
            "comune_residenza": _Letture(self._residenza),
            "area_utenza": _Letture(self._area),
            "codice_intervento": _Letture(self._intervento),
            "sesso": _Letture(lambda x: _SESSI.get(x, _RIFIUTO)),
            "anno_nascita": _Letture(self._anno),
            "data_inizio": _Letture(lambda x: self._data(x, datetime.date(1800, 1, 1), self.fine_periodo)),
            "data_fine": _Letture(self._fine),
            "quantita": _Letture(lambda x: self._numero(x, None, valori.decimale, **py.QUANTITA)),
            "spesa": _Letture(lambda x: self._numero(x, "0", valori.importo)),
            "compartecipazione": _Letture(lambda x: self._numero(x, "0", valori.importo)),
        }

    def _erogatore(self, x):
        return self.atteso if _semplice(x) and py._istat(x) == self.atteso else _RIFIUTO

    def _residenza(self, x):
        if not (x and _semplice(x)):
            return _RIFIUTO
        self.comuni.add(codice := py._istat(x))
        return codice

    def _area(self, x):
        if not (x and _copiabile(x)):
            return _RIFIUTO
        self.aree.add(codice := x.lower())
        return codice

    def _intervento(self, x):
        if x == "":
            return None
        if not _copiabile(x):
            return _RIFIUTO
        self.interventi.add(codice := x.upper())
        return codice

    def _anno(self, x):
        if x == "":
            return 0  # read from the code
        if not (len(x) == 4 and x.isascii() and x.isdigit()):
            return _RIFIUTO
        try:
            return valori.anno(x, minimo=py.ANNO_NASCITA_MINIMO, massimo=self.periodo)
        except valori.ValoreNonValido:
            return _RIFIUTO

    def _data(self, x, minimo, massimo):
        if len(x) != 10 or not x.isascii() or x[4] != "-" or x[7] != "-":
            return _RIFIUTO
        try:
            giorno = valori.data(x)
        except valori.ValoreNonValido:
            return _RIFIUTO
        return giorno if minimo <= giorno <= massimo else _RIFIUTO

    def _fine(self, x):
        return None if x == "" else self._data(x, self.inizio_periodo, datetime.date(2200, 12, 31))

    def _numero(self, x, vuoto, leggi, **opzioni):
        if x == "":
            return vuoto
        if not _NUMERO.fullmatch(x):
            return _RIFIUTO
        try:
            leggi(x, **opzioni)
        except valori.ValoreNonValido:
            return _RIFIUTO
        return x.replace(",", ".")  # what the column reads as the row function's Decimal

    def _persone(self, codici):
        """For the block's distinct codes (pyarrow strings): whether each is a valid code the
        quick path takes, its female sex, year of birth and pseudonym ((n, 16) bytes). The
        codes checked together (codice_fiscale.controlla_molti), each signed once a file."""
        n = len(codici)
        valido, femmina = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        anno, pseudonimo = np.zeros(n, dtype=np.int32), np.zeros((n, 16), dtype=np.uint8)
        semplici = pc.and_(
            pc.equal(pc.utf8_length(codici), 16), pc.and_(pc.string_is_ascii(codici), pc.utf8_is_alnum(codici))
        )
        posti = np.flatnonzero(semplici.to_numpy(zero_copy_only=False))
        if not len(posti):
            return valido, femmina, anno, pseudonimo
        maiuscoli = pc.utf8_upper(codici.filter(semplici))
        inizio = np.frombuffer(maiuscoli.buffers()[1], dtype=np.int32)[maiuscoli.offset]
        testo = np.frombuffer(maiuscoli.buffers()[2], dtype=np.uint8)[inizio : inizio + 16 * len(posti)]
        errori, femmine, anni = cf.controlla_molti(testo, self.periodo)
        buoni = np.flatnonzero(errori == 0)
        testo, firma, noti = testo.tobytes(), self.firma, self.pseudonimi
        firme, codice = [], b""
        for i in buoni.tolist():
            codice = testo[16 * i : 16 * i + 16]
            if (p := noti.get(codice)) is None:
                p = noti[codice] = firma(codice)
            firme.append(p)
        del testo, codice  # the clear codes go no further than here and the file's `noti`
        dove = posti[buoni]
        valido[dove], femmina[dove], anno[dove] = True, femmine[buoni], anni[buoni]
        pseudonimo[dove] = np.frombuffer(b"".join(firme), dtype=np.uint8).reshape(-1, 16)
        return valido, femmina, anno, pseudonimo

    def leggi(self, blocco, nomi, caricamento):
        """The block's rows (a pyarrow record batch of text columns, `nomi` {column: name})
        in COPY's binary format; _Diversa when a row is not the quick path's."""
        n = blocco.num_rows
        fuori = np.zeros(n, dtype=bool)  # rows with a cell the quick path does not take

        def distinti(nome):
            """(the column's distinct texts, each row's index among them)."""
            if nome not in nomi:
                return pa.array([""]), np.zeros(n, dtype=np.int32)  # a column the file lacks: empty
            codificata = pc.dictionary_encode(blocco.column(nomi[nome]))
            return codificata.dictionary, codificata.indices.to_numpy(zero_copy_only=False)

        def colonna(nome):
            """(the values read from the column's distinct texts, each row's index among them);
            the rows with a refused text marked in `fuori`."""
            testi, indici = distinti(nome)
            lettura = self.letture[nome]
            letti = [lettura[x] for x in testi.to_pylist()]
            rifiutati = np.fromiter((v is _RIFIUTO for v in letti), dtype=bool, count=len(letti))
            if rifiutati.any():
                fuori[rifiutati[indici]] = True
            return [None if v is _RIFIUTO else v for v in letti], indici

        def celle(nome, codifica, letti, indici):
            """Each row's cell of the column in COPY's binary format."""
            codifiche = self.codifiche.setdefault(nome, _Letture(codifica))
            return pa.array([codifiche[v] for v in letti], pa.binary()).take(indici)

        codici, ip = distinti("codice_fiscale")
        valido, femmina, anno_cf, pseudonimo = self._persone(codici)
        fuori |= ~valido[ip]
        femmina, anno_cf = femmina[ip], anno_cf[ip]
        # The cells' sex and year, which must agree with the code's, else the code's.
        sessi, i_sesso = colonna("sesso")
        sesso = np.array([v or 0 for v in sessi], dtype=np.int8)[i_sesso]
        fuori |= (sesso != 0) & ((sesso == 2) != femmina)
        anni, i_anno = colonna("anno_nascita")
        anno = np.array([v or 0 for v in anni], dtype=np.int32)[i_anno]
        fuori |= (anno != 0) & (anno % 100 != anno_cf % 100)
        variabili = []
        for nome, codifica in _VARIABILI:
            letti, indici = colonna(nome)
            variabili.append(celle(nome, codifica, letti, indici))
            if nome == "data_inizio":
                inizio = np.array([_giorno(v) for v in letti], dtype=np.int32)[indici]
            elif nome == "data_fine":
                fine = np.array([_giorno(v) for v in letti], dtype=np.int32)[indici]
        fuori |= (fine != _SENZA_GIORNO) & (fine < inizio)
        colonna("comune_erogatore")  # every row's must be the extract's
        if fuori.any():
            # Rows of empty cells are skipped, as by the reader of the other paths.
            vuote = np.ones(n, dtype=bool)
            for i in range(blocco.num_columns):
                vuote &= pc.equal(pc.utf8_trim_whitespace(blocco.column(i)), "").to_numpy(zero_copy_only=False)
            if (fuori & ~vuote).any():
                raise _Diversa
        righe = np.empty(n, dtype=self.fisso)
        righe["celle"] = len(_COLONNE_VELOCI)
        righe["l0"], righe["caricamento"] = 8, caricamento
        righe["l1"], righe["persona"] = 16, pseudonimo[ip].view("V16").ravel()
        righe["l2"], righe["sesso"] = 1, np.where(np.where(sesso != 0, sesso == 2, femmina), b"F", b"M")
        righe["l3"], righe["anno"] = 2, np.where(anno != 0, anno, anno_cf)
        righe["l4"], righe["erogatore"] = self.fisso["erogatore"].itemsize, self.atteso.encode()
        fisse = pa.FixedSizeBinaryArray.from_buffers(pa.binary(self.fisso.itemsize), n, [None, pa.py_buffer(righe)])
        uscita = pc.binary_join_element_wise(fisse.cast(pa.binary()), *variabili, b"")
        if fuori.any():
            uscita = uscita.filter(pa.array(~fuori))
        self.righe = len(uscita)
        if not self.righe:
            return b""  # a block of empty rows
        inizio, fine = np.frombuffer(uscita.buffers()[1], dtype=np.int32)[[uscita.offset, uscita.offset + len(uscita)]]
        return uscita.buffers()[2].slice(inizio, fine - inizio).to_pybytes()


_NULLO = b"\xff\xff\xff\xff"  # a NULL cell: length -1
_SENZA_GIORNO = np.iinfo(np.int32).max
_FIRMA_COPY = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # the binary format's header: no flags, no extension
_FINE_COPY = b"\xff\xff"


def _giorno(v):
    """A date read as a number to compare on arrays (None: no date)."""
    return v.toordinal() if v is not None else _SENZA_GIORNO


def _cella(tipo, dumper):
    """The function value read (or None) -> its cell in COPY's binary format: the length,
    then the bytes psycopg's own dumper gives the value as `tipo` (an amount is read as text)."""

    dumper = dumper(tipo)

    def cella(v):
        if v is None:
            return _NULLO
        dati = bytes(dumper.dump(v if isinstance(v, tipo) else tipo(v)))
        return len(dati).to_bytes(4, "big") + dati

    return cella


_testo = _cella(str, StrBinaryDumper)
_data = _cella(datetime.date, DateBinaryDumper)
_importo = _cella(Decimal, DecimalBinaryDumper)


# The cells of variable width, after the fixed ones (_Lettore.fisso), in COPY's order.
_VARIABILI = (
    ("comune_residenza", _testo),
    ("area_utenza", _testo),
    ("codice_intervento", _testo),
    ("data_inizio", _data),
    ("data_fine", _data),
    ("quantita", _importo),
    ("spesa", _importo),
    ("compartecipazione", _importo),
)


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


def _prima_riga(testo, inizio, delimitatore):
    """The cells of the first row after `inizio` that is not empty, or None."""
    while inizio < len(testo):
        fine = testo.find("\n", inizio)
        fine = len(testo) if fine < 0 else fine
        celle = testo[inizio:fine].removesuffix("\r").split(delimitatore)
        if not _vuota(celle):
            return celle
        inizio = fine + 1
    return None


def _veloce(contenuto, indici, larghezza, periodo, erogatore, erogatori_ammessi, scrittore):
    """The quick path: pyarrow reads the CSV a block at a time, _Lettore checks the block's
    cells (each distinct text once) and turns it into rows, final, written into a COPY of
    domanda_episodio while PostgreSQL inserts the blocks already sent (on the machine's other
    core). True when every row went in (then the load is complete but its counts); False when
    a row is not one the quick path reads exactly as the row function: then nothing of this
    remains and the full path, which owns the messages, takes the file."""
    # pyarrow splits a line as zona.lib.tabular's csv reader does when there are no quotes and
    # no carriage returns but those ending a line (the bytes of both are the same in every
    # encoding decodifica reads).
    if b'"' in contenuto or ((r := contenuto.count(b"\r")) and r != contenuto.count(b"\r\n")):
        return False
    testo = decodifica(contenuto)
    fine = testo.find("\n")
    primo = testo[: fine if fine >= 0 else len(testo)].removesuffix("\r")
    delimitatore = ";" if primo.count(";") > primo.count(",") else ","  # as zona.lib.tabular
    if not primo.strip():
        return False
    if erogatore is None:
        # As the row function: the first row's erogatore (refused there when it is not one).
        prima = _prima_riga(testo, fine + 1, delimitatore) if fine >= 0 else None
        if prima is None or len(prima) < larghezza:
            return False
        erogatore = py._istat(prima[indici["comune_erogatore"]])
    if not erogatore or (erogatori_ammessi is not None and erogatore not in erogatori_ammessi):
        return False
    dati = contenuto if contenuto.isascii() else testo.encode()  # pyarrow reads UTF-8
    del testo
    colonne = [f"c{i}" for i in range(larghezza)]
    lettore = _Lettore(periodo, erogatore)
    nomi = {c: colonne[i] for c, i in indici.items()}
    try:
        with transaction.atomic():
            blocchi = pcsv.open_csv(
                io.BytesIO(dati),
                read_options=pcsv.ReadOptions(use_threads=False, block_size=_BLOCCO, column_names=colonne, skip_rows=1),
                parse_options=pcsv.ParseOptions(delimiter=delimitatore, quote_char=False, ignore_empty_lines=True),
                convert_options=pcsv.ConvertOptions(
                    column_types=dict.fromkeys(colonne, pa.string()), strings_can_be_null=False
                ),
            )
            # The load is created after its rows, with their counts: its number reserved now.
            with connection.cursor() as c:
                c.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [CaricamentoEstratto._meta.db_table])
                k = c.fetchone()[0]
            n = 0
            copy = f"COPY {_t(Episodio)} ({', '.join(_COLONNE_VELOCI)}) FROM STDIN (FORMAT binary)"
            with connection.cursor() as c, c.cursor.copy(copy) as copia:
                copia.write(_FIRMA_COPY)
                for blocco in blocchi:
                    righe = lettore.leggi(blocco, nomi, k)
                    n += lettore.righe
                    if n > MAX_RIGHE:
                        raise _Diversa  # the full path refuses the file
                    copia.write(righe)
                copia.write(_FINE_COPY)
            if not n or not _codici_noti(lettore.comuni | {erogatore}, lettore.aree, lettore.interventi):
                raise _Diversa
            scrittore.apri(erogatore, pk=k, righe=n, persone=len(lettore.pseudonimi))
    except (_Diversa, pa.ArrowException, DatabaseError, psycopg.Error):
        # pyarrow's errors quote the row (personal data): never passed on. A code that is no
        # Comune's may still be too long for its column.
        scrittore.caricamento, scrittore.righe, scrittore.persone = None, 0, None
        return False
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
        # Through a psycopg cursor with server-side binding, not Django's (which writes the
        # parameters into the statement's text, and logs it when DEBUG is on): the key travels
        # as a parameter, apart from the statement.
        with psycopg.Cursor(connection.connection) as legato:
            legato.execute(
                f"""
            WITH p AS MATERIALIZED (
                SELECT d.cf, {cf.sql_pseudonimo("d.cf")} AS persona
                FROM (SELECT DISTINCT cf FROM {NORMALIZZATO} WHERE regolare) d
            )
            INSERT INTO {_t(Episodio)} (caricamento_id, erogatore_id, persona, comune_residenza_id, sesso,
                anno_nascita, area_id, intervento_id, data_inizio, data_fine, quantita, spesa, compartecipazione)
            SELECT %(caricamento)s, n.erogatore, p.persona, n.residenza,
                CASE WHEN n.sesso = '' THEN n.sesso_cf ELSE n.sesso END,
                coalesce(n.anno_nascita, n.anno_cf), n.area, nullif(n.intervento, ''),
                n.inizio, n.fine, n.quantita, coalesce(n.spesa, 0), coalesce(n.compartecipazione, 0)
            FROM {NORMALIZZATO} n
            JOIN p ON p.cf = n.cf
            WHERE n.regolare ORDER BY n.riga
            """,
                {"caricamento": caricamento.pk, **cf.chiavi_hmac()},
            )
            scrittore.righe += legato.rowcount
        cursore.execute("SELECT set_config('jit', %s, true)", [prima])
        cursore.execute(f"DROP TABLE {NORMALIZZATO}; DROP TABLE {GREZZO}")
    with scrittore as scrivi:
        for valori in irregolari:
            scrivi(valori)
