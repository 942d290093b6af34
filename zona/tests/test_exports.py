"""Every CSV/XLSX that Zona writes neutralises cells a spreadsheet would run as a formula
(text starting with = + - @, tab or carriage return): hostile names are put in the registry
and the catalogue, and every export is read back cell by cell."""

import csv
import io
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from conoscenza.models import Indicatore
from territorio.models import ATS, Ambito, Comune, Distretto

ROOT = Path(__file__).resolve().parents[2]

OSTILI = {
    "comune": '=HYPERLINK("http://example.org/x","Lovere")',
    "ambito": "+1+cmd|' /C calc'!A0",
    "distretto": "@SUM(1+1)*cmd|' /C calc'!A0",
    "ats": "-2+3+cmd|' /C calc'!A0",
    "indicatore": "=1+1",
}

# Every download: (URL or management command with arguments, format).
EXPORTS = [
    ("/export/?formato=csv", "csv"),
    ("/export/?formato=xlsx", "xlsx"),
    ("/ambiti/alto-sebino/quadro-conoscitivo/?formato=csv", "csv"),
    ("/ambiti/alto-sebino/quadro-conoscitivo/?formato=xlsx", "xlsx"),
    ("/quadro-conoscitivo/?formato=csv&indicatore=indice_vecchiaia", "csv"),
    ("/quadro-conoscitivo/?formato=xlsx&indicatore=indice_vecchiaia", "xlsx"),
    ("/dati/modello.csv", "csv"),
    ("/dati/modello.xlsx", "xlsx"),
    ("/dati-aperti/anagrafe-territoriale/comuni.csv", "csv"),
    ("/dati-aperti/indicatori/ambito.csv", "csv"),
    (("export_territorio",), "csv"),
    (("export_indicatori", "--livello", "ambito", "--anno", "2023"), "csv"),
    (("export_indicatori", "--livello", "comune", "--anno", "2023"), "csv"),
    ("/ambiti/alto-sebino/domanda/?formato=csv&anno=2024", "csv"),
    ("/ambiti/alto-sebino/domanda/?formato=xlsx&anno=2024", "xlsx"),
    (("export_domanda", "--livello", "comune", "--anno", "2024"), "csv"),
    (("export_nomenclatore",), "csv"),
]
# Downloads of fixed content (no user data to neutralise): the hostile names cannot appear.
SENZA_DATI = {"/dati/modello.csv", "/dati/modello.xlsx", ("export_nomenclatore",)}


def celle(contenuto, formato):
    """Every cell of a CSV (text) or XLSX (bytes) export; XLSX formulas come back as
    ('FORMULA', text) so that a test can refuse them."""
    if formato == "csv":
        testo = contenuto if isinstance(contenuto, str) else contenuto.decode("utf-8")
        return [c for riga in csv.reader(io.StringIO(testo)) for c in riga]
    wb = load_workbook(io.BytesIO(contenuto))  # not data_only: formulas stay visible
    risultato = []
    for ws in wb.worksheets:
        for riga in ws.iter_rows():
            for c in riga:
                risultato.append(("FORMULA", c.value) if c.data_type == "f" else c.value)
    return risultato


def _numero(testo):
    try:
        Decimal(testo)
        return True
    except InvalidOperation:
        return False


def celle_pericolose(valori):
    """Cells a spreadsheet would run: formulas, or text starting with = + - @ tab CR that
    is not a plain number."""
    return [
        v
        for v in valori
        if (isinstance(v, tuple) and v[0] == "FORMULA")
        or (isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") and not _numero(v))
    ]


@pytest.fixture
def nomi_ostili(demo_db):
    Comune.objects.filter(pk="016128").update(nome=OSTILI["comune"])
    Ambito.objects.filter(pk="alto-sebino").update(nome=OSTILI["ambito"])
    Distretto.objects.update(nome=OSTILI["distretto"])
    ATS.objects.update(nome=OSTILI["ats"])
    Indicatore.objects.filter(pk="indice_vecchiaia").update(nome=OSTILI["indicatore"])


def _scarica(origine, formato):
    if isinstance(origine, tuple):
        out = io.StringIO()
        call_command(*origine, stdout=out)
        return out.getvalue()
    response = Client().get(origine)
    assert response.status_code == 200, origine
    assert "attachment" in response["Content-Disposition"]
    return response.content


@pytest.mark.django_db
@pytest.mark.parametrize("origine,formato", EXPORTS, ids=[str(e[0]) for e in EXPORTS])
def test_every_export_neutralises_formulas(nomi_ostili, origine, formato):
    valori = celle(_scarica(origine, formato), formato)
    assert valori, "empty export"
    assert not celle_pericolose(valori), celle_pericolose(valori)[:5]
    if origine not in SENZA_DATI:
        neutralizzate = [v for v in valori if isinstance(v, str) and re.match(r"'[=+\-@]", v)]
        assert neutralizzate, "no hostile name reached this export: the test would prove nothing"


# Modules allowed to write CSV/XLSX without zona.lib.downloads, and why.
SCRITTORI_AMMESSI = {
    "conoscenza/demo.py": "writes the demo's own source files, not user data for a spreadsheet",
}
NON_CODICE = {"bench", "staticfiles", "test-artifacts", "node_modules"}
_SCRITTURA = re.compile(r"csv\.(writer|DictWriter)\(|Workbook\(\)|text/csv")
_NEUTRALIZZA = re.compile(r"cella_sicura|scarica_tabella|scrivi_csv")


def test_every_csv_or_xlsx_writer_neutralises_cells():
    """A new export written by hand (csv.writer, openpyxl Workbook) must go through
    zona.lib.downloads (scarica_tabella, scrivi_csv) or call zona.lib.tabular.cella_sicura."""
    sospetti = []
    cartelle = [d for d in ROOT.iterdir() if d.is_dir() and not d.name.startswith(".") and d.name not in NON_CODICE]
    for path in sorted(p for d in cartelle for p in d.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel:
            continue
        if rel in SCRITTORI_AMMESSI or rel in ("zona/lib/downloads.py", "zona/lib/tabular.py"):
            continue
        testo = path.read_text(encoding="utf-8")
        if _SCRITTURA.search(testo) and not _NEUTRALIZZA.search(testo):
            sospetti.append(rel)
    assert not sospetti, (
        f"CSV/XLSX written without neutralising formulas in: {sospetti}; write CSV with "
        "zona.lib.downloads.scrivi_csv (or scarica_tabella for a download), XLSX cells through cella_sicura"
    )
