"""Reading the CSV and XLSX files that users upload, with errors that name row and column."""

import csv
import datetime
import io
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


def leggi_tabella(contenuto: bytes, nome_file: str, max_bytes: int):
    """Return (columns, rows) of the first sheet of an XLSX file or of a CSV file.

    The content must match the extension (a CSV is UTF-8 text, an XLSX a spreadsheet zip
    within the expansion limits above); formulas are never evaluated (the values saved in the
    file are read, as text or numbers). Raises FileRifiutato with an Italian message."""
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
    if len(parti) > XLSX_MAX_PARTI or espanso > XLSX_MAX_ESPANSO or sospette:
        raise FileRifiutato(
            [
                Errore(
                    None,
                    None,
                    f"Il file .xlsx si espande a {dimensione(espanso)} (limite {dimensione(XLSX_MAX_ESPANSO)}, al massimo "
                    f"{XLSX_MAX_RAPPORTO} volte la dimensione compressa): è stato rifiutato per sicurezza. "
                    "Salvare i dati in più file o come CSV.",
                )
            ]
        )


def _normalizza_intestazione(valore):
    return str(valore or "").strip().lower()


def _leggi_csv(contenuto):
    try:
        testo = contenuto.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRifiutato(
            [Errore(None, None, "Il file CSV non è in codifica UTF-8: salvarlo come «CSV UTF-8».")]
        ) from None
    if "\x00" in testo:
        raise FileRifiutato([Errore(None, None, "Il file non è un CSV di testo.")])
    primo = testo.splitlines()[0] if testo.strip() else ""
    delimitatore = ";" if primo.count(";") > primo.count(",") else ","
    reader = csv.reader(io.StringIO(testo), delimiter=delimitatore)
    try:
        intestazione = [_normalizza_intestazione(c) for c in next(reader)]
    except StopIteration:
        raise FileRifiutato([Errore(None, None, "Il file è vuoto.")]) from None
    righe = []
    for numero, valori in enumerate(reader, start=2):
        if not any(v.strip() for v in valori):
            continue
        righe.append(Riga(numero, _zip_riga(intestazione, valori)))
    return intestazione, righe


def _leggi_xlsx(contenuto):
    try:
        # Formulas are never evaluated: only the values the file stores are read.
        wb = load_workbook(io.BytesIO(contenuto), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
        raise FileRifiutato([Errore(None, None, "Il file non è un foglio Excel (.xlsx) leggibile.")]) from None
    try:
        foglio = wb.worksheets[0]
        iteratore = foglio.iter_rows(values_only=True)
        try:
            intestazione = [_normalizza_intestazione(c) for c in next(iteratore)]
        except StopIteration:
            raise FileRifiutato([Errore(None, None, "Il foglio è vuoto.")]) from None
        righe = []
        for numero, valori in enumerate(iteratore, start=2):
            valori = ["" if v is None else v for v in valori]
            if not any(str(v).strip() for v in valori):
                continue
            righe.append(Riga(numero, _zip_riga(intestazione, valori)))
        return intestazione, righe
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
