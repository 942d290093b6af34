"""Tables offered for download, as CSV or XLSX, the same way everywhere."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from .tabular import cella_sicura

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


def scarica_tabella(nome_file, formato, intestazione, righe, foglio="Dati"):
    """`righe` are lists of cells. CSV: numbers with a dot at full precision; XLSX: numbers
    as numbers. Text that a spreadsheet would run as a formula is neutralised in both."""
    if formato == "xlsx":
        wb = Workbook()
        ws = wb.active
        ws.title = foglio
        ws.append([cella_sicura(v) for v in intestazione])
        for cella in ws[1]:
            cella.font = Font(bold=True)
        for riga in righe:
            ws.append([float(v) if isinstance(v, Decimal) else cella_sicura(v) for v in riga])
        buffer = io.BytesIO()
        wb.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        formato = "csv"
        response = HttpResponse(content_type=f"{CSV}; charset=utf-8")
        scrivi_csv(response, intestazione, righe)
    response["Content-Disposition"] = f'attachment; filename="{nome_file}.{formato}"'
    return response


def scrivi_csv(out, intestazione, righe):
    """Write a CSV table to a file-like `out` (a response, a command's stdout), with formulas
    neutralised: every CSV that Zona writes goes through here."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow([_testo(v) for v in intestazione])
    for riga in righe:
        w.writerow([_testo(v) for v in riga])


def numero_csv(valore):
    """A Decimal with a dot and no exponent, at the precision it has."""
    return format(valore, "f")


def _testo(valore):
    if valore is None:
        return ""
    if isinstance(valore, Decimal):
        return numero_csv(valore)
    return cella_sicura(valore)
