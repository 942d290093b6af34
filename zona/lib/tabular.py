"""Reading the CSV and XLSX files that users upload, with errors that name row and column."""

import codecs
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException


@dataclass(frozen=True)
class Errore:
    riga: int | None
    colonna: str | None
    motivo: str

    def __str__(self):
        where = []
        if self.riga is not None:
            where.append(f"riga {self.riga}")
        if self.colonna:
            where.append(f"colonna «{self.colonna}»")
        prefix = ", ".join(where)
        return f"{prefix}: {self.motivo}" if prefix else self.motivo


class FileRifiutato(Exception):
    """The whole file is refused; `errori` says every reason found."""

    def __init__(self, errori):
        self.errori = list(errori)
        super().__init__("\n".join(str(e) for e in self.errori))


@dataclass
class Riga:
    numero: int  # as the spreadsheet numbers it: the header is row 1
    valori: dict


# What an XLSX may unpack to, checked on the zip directory before openpyxl opens it. zipfile
# never inflates a member beyond the size its directory declares, so checking the declared
# sizes bounds the work. Real spreadsheets compress 5-20 times; a zip bomb, thousands.
XLSX_MAX_ESPANSO = 256 * 1024 * 1024
XLSX_MAX_RAPPORTO = 100
XLSX_MAX_PARTI = 10_000
# Parts every XLSX has (Office Open XML spreadsheet): a renamed ODS, DOCX or zip lacks them.
XLSX_PARTI_OBBLIGATORIE = ("[Content_Types].xml", "xl/workbook.xml")
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx


def dimensione(n):
    """A size in bytes the way people read it: «5 MB», «1,5 KB»."""
    for unita, fattore in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= fattore:
            testo = f"{n / fattore:.1f}".replace(".", ",").removesuffix(",0")
            return f"{testo} {unita}"
    return f"{n} byte"


# What a file may hold, whatever its size in bytes: a CSV within the upload limit has at most a
# few hundred thousand rows, but a compressed XLSX within the zip-bomb limits can unpack to
# millions of cells. Rows are read one at a time and refused above these caps, so that no
# upload holds a worker for minutes or gigabytes of memory (issue 17).
MAX_RIGHE = 200_000
XLSX_MAX_CELLE = 4_000_000
# The shared strings of an XLSX are loaded whole by openpyxl when the file is opened.
XLSX_MAX_STRINGHE = 32 * 1024 * 1024


@dataclass
class Tabella:
    """A file opened for reading: the normalised header and an iterator over the data rows as
    (number, values) pairs, the number as a spreadsheet shows it (the header is row 1), the
    values a list in the order of the header (text, or numbers and dates of an XLSX). Empty
    rows are skipped. Rows are read lazily: iterate once."""

    intestazione: list
    righe: object


def decodifica(contenuto: bytes, parziale=False):
    """The text of a CSV: UTF-8 (with or without BOM), else Windows-1252 (what Excel writes on
    an Italian Windows as «CSV (delimitato dal separatore di elenco)»), else Latin-1, which
    decodes any byte. `parziale`: `contenuto` is the beginning of a file, which may end in the
    middle of a character."""
    try:
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        return decoder.decode(contenuto, final=not parziale)
    except UnicodeDecodeError:
        pass
    try:
        return contenuto.decode("cp1252")
    except UnicodeDecodeError:
        return contenuto.decode("latin-1")


def apri_tabella(contenuto: bytes, nome_file: str, max_bytes: int) -> Tabella:
    """The first sheet of an XLSX file or a CSV file, as a Tabella read row by row.

    The content must match the extension (a CSV is text, an XLSX a spreadsheet zip within the
    expansion limits above); formulas are never evaluated (the values saved in the file are
    read, as text or numbers). Raises FileRifiutato with an Italian message, also while the
    rows are read (more than MAX_RIGHE rows, a damaged sheet)."""
    if not contenuto:
        raise FileRifiutato([Errore(None, None, "Il file è vuoto.")])
    if len(contenuto) > max_bytes:
        raise FileRifiutato([Errore(None, None, f"Il file supera la dimensione massima di {dimensione(max_bytes)}.")])
    nome = nome_file.lower()
    if nome.endswith(".xlsx"):
        controlla_xlsx(contenuto)
        return _leggi_xlsx(contenuto)
    if nome.endswith(".csv"):
        if contenuto.startswith((_ZIP, _OLE2)):
            raise FileRifiutato(
                [
                    Errore(
                        None,
                        None,
                        "Il file ha estensione .csv ma è un foglio Excel o un archivio compresso: "
                        "caricarlo con estensione .xlsx, oppure salvarlo come «CSV UTF-8».",
                    )
                ]
            )
        return _leggi_csv(contenuto)
    raise FileRifiutato([Errore(None, None, "Formato non riconosciuto: caricare un file .csv o .xlsx.")])


def leggi_tabella(contenuto: bytes, nome_file: str, max_bytes: int):
    """(columns, list of Riga) of apri_tabella, all read: for small files and tests."""
    tabella = apri_tabella(contenuto, nome_file, max_bytes)
    return tabella.intestazione, [Riga(n, _zip_riga(tabella.intestazione, v)) for n, v in tabella.righe]


def troppe_righe():
    return FileRifiutato(
        [
            Errore(
                None,
                None,
                f"Il file ha più di {MAX_RIGHE:,} righe di dati: dividerlo in più file.".replace(",", "."),
            )
        ]
    )


def controlla_xlsx(contenuto: bytes):
    """Refuse, before any parsing, a file that is not an XLSX or would unpack to too much."""
    if contenuto.startswith(_OLE2):
        raise FileRifiutato(
            [
                Errore(
                    None,
                    None,
                    "Il file è nel vecchio formato Excel (.xls) o è protetto da password: "
                    "salvarlo come «Cartella di lavoro di Excel (.xlsx)» senza password.",
                )
            ]
        )
    if not contenuto.startswith(_ZIP):
        testo = b"\x00" not in contenuto[:4096]
        suggerimento = " Sembra un file di testo: se è un CSV, caricarlo con estensione .csv." if testo else ""
        raise FileRifiutato(
            [Errore(None, None, "Il file ha estensione .xlsx ma non è un foglio Excel." + suggerimento)]
        )
    try:
        with zipfile.ZipFile(io.BytesIO(contenuto)) as archivio:
            parti = archivio.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRifiutato([Errore(None, None, "Il file non è un foglio Excel (.xlsx) leggibile.")]) from None
    nomi = {p.filename for p in parti}
    if not all(n in nomi for n in XLSX_PARTI_OBBLIGATORIE):
        raise FileRifiutato([Errore(None, None, "Il file è un archivio compresso ma non un foglio Excel (.xlsx).")])
    espanso = sum(p.file_size for p in parti)
    sospette = [
        p for p in parti if p.file_size > 1024 * 1024 and p.file_size > XLSX_MAX_RAPPORTO * max(p.compress_size, 1)
    ]
    stringhe = sum(p.file_size for p in parti if p.filename.lower().endswith("sharedstrings.xml"))
    if stringhe > XLSX_MAX_STRINGHE:
        raise FileRifiutato(
            [
                Errore(
                    None,
                    None,
                    f"Il file .xlsx contiene {dimensione(stringhe)} di testi (limite {dimensione(XLSX_MAX_STRINGHE)}): "
                    "è troppo grande per essere letto. Salvare i dati in più file o come CSV.",
                )
            ]
        )
    if len(parti) > XLSX_MAX_PARTI or espanso > XLSX_MAX_ESPANSO or sospette:
        raise FileRifiutato(
            [
                Errore(
                    None,
                    None,
                    f"Il file .xlsx si espande a {dimensione(espanso)} "
                    f"(limite {dimensione(XLSX_MAX_ESPANSO)}, al massimo "
                    f"{XLSX_MAX_RAPPORTO} volte la dimensione compressa): è stato rifiutato per sicurezza. "
                    "Salvare i dati in più file o come CSV.",
                )
            ]
        )
    _conta_righe_xlsx(contenuto, [p.filename for p in parti if p.filename.startswith("xl/worksheets/")])


_RIGA_XML = re.compile(rb"<(?:\w+:)?row[\s/>]")


def _conta_righe_xlsx(contenuto, fogli):
    """Refuse at once a sheet of more than MAX_RIGHE rows, by counting its <row> elements in
    the inflated XML (a few seconds at most for the 256 MB the checks above allow), before
    openpyxl parses and the importer checks any of them."""
    with zipfile.ZipFile(io.BytesIO(contenuto)) as archivio:
        for nome in fogli:
            righe, coda = 0, b""
            try:
                with archivio.open(nome) as parte:
                    while blocco := parte.read(1 << 20):
                        testo = coda + blocco
                        righe += len(_RIGA_XML.findall(testo))
                        # A tag cut at the end of the block is counted with the next one.
                        taglio = testo.rfind(b"<")
                        coda = testo[taglio:] if taglio >= len(testo) - 16 else b""
                        if coda:
                            righe -= len(_RIGA_XML.findall(coda))
                    righe += len(_RIGA_XML.findall(coda))
            except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                raise FileRifiutato([Errore(None, None, "Il file non è un foglio Excel (.xlsx) leggibile.")]) from None
            if righe > MAX_RIGHE + 1:  # the header is a row too
                raise troppe_righe()


def _normalizza_intestazione(valore):
    return str(valore or "").strip().lower()


def _leggi_csv(contenuto):
    testo = decodifica(contenuto)
    if "\x00" in testo:
        raise FileRifiutato([Errore(None, None, "Il file non è un CSV di testo.")])
    fine = testo.find("\n")
    primo = testo[: fine if fine >= 0 else len(testo)]
    delimitatore = ";" if primo.count(";") > primo.count(",") else ","
    reader = csv.reader(io.StringIO(testo), delimiter=delimitatore)
    try:
        intestazione = [_normalizza_intestazione(c) for c in next(reader)]
    except StopIteration:
        raise FileRifiutato([Errore(None, None, "Il file è vuoto.")]) from None
    return Tabella(intestazione, _righe_csv(reader))


def _righe_csv(reader):
    letti = 0
    try:
        for numero, valori in enumerate(reader, start=2):
            if not any(v.strip() for v in valori):
                continue
            letti += 1
            if letti > MAX_RIGHE:
                raise troppe_righe()
            yield numero, valori
    except csv.Error as e:
        raise FileRifiutato([Errore(None, None, f"Il file CSV non è leggibile: {e}.")]) from None


def _leggi_xlsx(contenuto):
    try:
        # Formulas are never evaluated: only the values the file stores are read. Read-only
        # mode parses the sheet while it is iterated, so rows are never all in memory.
        wb = load_workbook(io.BytesIO(contenuto), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
        raise FileRifiutato([Errore(None, None, "Il file non è un foglio Excel (.xlsx) leggibile.")]) from None
    try:
        foglio = wb.worksheets[0]
        intestazione = None
        for valori in foglio.iter_rows(max_row=1, values_only=True):
            intestazione = [_normalizza_intestazione(c) for c in valori]
    except (IndexError, KeyError, OSError, ValueError, SyntaxError, zipfile.BadZipFile):
        wb.close()
        raise FileRifiutato([Errore(None, None, "Il file non è un foglio Excel (.xlsx) leggibile.")]) from None
    if intestazione is None:
        wb.close()
        raise FileRifiutato([Errore(None, None, "Il foglio è vuoto.")])
    while intestazione and not intestazione[-1]:
        intestazione.pop()
    return Tabella(intestazione, _righe_xlsx(wb, foglio, max(len(intestazione), 1)))


def _righe_xlsx(wb, foglio, larghezza):
    letti = celle = 0
    try:
        # Only the header's columns: a sheet that declares 16.384 columns is not read as such.
        for numero, valori in enumerate(foglio.iter_rows(min_row=2, max_col=larghezza, values_only=True), start=2):
            celle += len(valori)
            if celle > XLSX_MAX_CELLE:
                raise FileRifiutato(
                    [
                        Errore(
                            None,
                            None,
                            f"Il foglio ha più di {XLSX_MAX_CELLE:,} celle: dividerlo in più file.".replace(",", "."),
                        )
                    ]
                )
            valori = ["" if v is None else v for v in valori]
            if not any(str(v).strip() for v in valori):
                continue
            letti += 1
            if letti > MAX_RIGHE:
                raise troppe_righe()
            yield numero, valori
    except (IndexError, KeyError, OSError, ValueError, SyntaxError, zipfile.BadZipFile):
        # Read-only mode parses the sheet while iterating: a damaged sheet fails here.
        raise FileRifiutato([Errore(None, None, "Il file non è un foglio Excel (.xlsx) leggibile.")]) from None
    finally:
        wb.close()


def _zip_riga(intestazione, valori):
    riga = {}
    for i, colonna in enumerate(intestazione):
        if not colonna:
            continue
        valore = valori[i] if i < len(valori) else ""
        riga[colonna] = valore.strip() if isinstance(valore, str) else valore
    return riga


def leggi_data(valore):
    """A date as users write it: 31/12/2024, 2024-12-31, or an Excel date cell."""
    if isinstance(valore, datetime.datetime):
        return valore.date()
    if isinstance(valore, datetime.date):
        return valore
    testo = str(valore).strip()
    for formato in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(testo, formato).date()
        except ValueError:
            continue
    raise ValueError(f"«{testo}» non è una data valida (usare GG/MM/AAAA o AAAA-MM-GG).")


# Cells starting with these would be run as formulas by a spreadsheet.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cella_sicura(valore):
    if isinstance(valore, str) and valore.startswith(_FORMULA_PREFIXES):
        return "'" + valore
    return valore
