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


def leggi_tabella(contenuto: bytes, nome_file: str, max_bytes: int):
    """Return (columns, rows) of the first sheet of an XLSX file or of a CSV file."""
    if not contenuto:
        raise FileRifiutato([Errore(None, None, "Il file è vuoto.")])
    if len(contenuto) > max_bytes:
        raise FileRifiutato(
            [Errore(None, None, f"Il file supera la dimensione massima di {max_bytes // (1024 * 1024)} MB.")]
        )
    nome = nome_file.lower()
    if nome.endswith(".xlsx"):
        return _leggi_xlsx(contenuto)
    if nome.endswith(".csv"):
        return _leggi_csv(contenuto)
    raise FileRifiutato([Errore(None, None, "Formato non riconosciuto: caricare un file .csv o .xlsx.")])


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
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
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
