"""Hostile uploads: size limit, content that does not match the extension, zip bombs, formulas.
Each is refused with an Italian message and saves nothing, on both import pages."""

import io
import zipfile

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook

from conoscenza.models import Caricamento, Osservazione
from territorio.models import AppartenenzaComune
from zona.lib.tabular import XLSX_MAX_ESPANSO, FileRifiutato, leggi_tabella

MAX = 5 * 1024 * 1024


def xlsx(rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


VALIDO = xlsx([["codice_istat", "ambito", "dal"], ["016215", "treviglio", "2025-01-01"]])


def zip_bomb(espanso):
    """A real XLSX-shaped zip bomb: the parts of a spreadsheet, with a sheet of `espanso` bytes
    of one repeated character (it compresses about a thousand times)."""
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(VALIDO)) as originale,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomba,
    ):
        for info in originale.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                continue
            bomba.writestr(info.filename, originale.read(info.filename))
        with bomba.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as foglio:
            blocco = b" " * (1024 * 1024)
            for _ in range(espanso // len(blocco)):
                foglio.write(blocco)
    return buf.getvalue()


def docx_like():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return buf.getvalue()


def messaggi(contenuto, nome):
    with pytest.raises(FileRifiutato) as e:
        leggi_tabella(contenuto, nome, MAX)
    return " ".join(str(x) for x in e.value.errori)


@pytest.fixture(scope="module")
def bomba_espansa():
    # Declares more than the total limit: refused on the directory, never inflated.
    return zip_bomb(XLSX_MAX_ESPANSO + 1024 * 1024)


@pytest.fixture(scope="module")
def bomba_compressa():
    # Small in total (20 MB) but compressed a thousand times: refused on the ratio.
    return zip_bomb(20 * 1024 * 1024)


def test_valid_xlsx_is_read():
    colonne, righe = leggi_tabella(VALIDO, "f.xlsx", MAX)
    assert colonne == ["codice_istat", "ambito", "dal"]
    assert righe[0].valori["ambito"] == "treviglio"


def test_zip_bombs_are_refused_before_openpyxl_opens_them(bomba_espansa, bomba_compressa, monkeypatch):
    import zona.lib.tabular

    def non_aprire(*a, **k):
        raise AssertionError("openpyxl opened a zip bomb")

    monkeypatch.setattr(zona.lib.tabular, "load_workbook", non_aprire)
    assert len(bomba_espansa) < MAX and len(bomba_compressa) < MAX
    for bomba in (bomba_espansa, bomba_compressa):
        testo = messaggi(bomba, "dati.xlsx")
        assert "è stato rifiutato per sicurezza" in testo
        assert "Il file .xlsx si espande a" in testo


@pytest.mark.parametrize(
    "contenuto,nome,atteso",
    [
        (b"%PDF-1.7\n\x00\x01binary", "dati.xlsx", "ha estensione .xlsx ma non è un foglio Excel."),
        (
            b"codice_istat,ambito,dal\n016215,treviglio,2025-01-01\n",
            "dati.xlsx",
            "se è un CSV, caricarlo con estensione .csv",
        ),
        (VALIDO, "dati.csv", "ha estensione .csv ma è un foglio Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "dati.xlsx", "vecchio formato Excel (.xls)"),
        (docx_like(), "dati.xlsx", "archivio compresso ma non un foglio Excel"),
        (b"PK\x03\x04troncato", "dati.xlsx", "non è un foglio Excel (.xlsx) leggibile"),
        (b"codice_istat,ambito\n\x00\x00\x00", "dati.csv", "non è un CSV di testo"),
        (b"x" * (MAX + 1), "dati.csv", "supera la dimensione massima di 5 MB"),
    ],
    ids=[
        "pdf-rinominato",
        "csv-rinominato",
        "xlsx-rinominato",
        "xls",
        "docx-rinominato",
        "zip-rotto",
        "csv-binario",
        "troppo-grande",
    ],
)
def test_content_must_match_the_extension(contenuto, nome, atteso):
    assert atteso in messaggi(contenuto, nome)


def test_formulas_are_never_evaluated():
    wb = Workbook()
    ws = wb.active
    ws.append(["codice_istat", "ambito", "dal"])
    ws.append(["=10000+6215", '=HYPERLINK("http://example.org","treviglio")', "2025-01-01"])
    buf = io.BytesIO()
    wb.save(buf)
    _, righe = leggi_tabella(buf.getvalue(), "f.xlsx", MAX)
    # openpyxl stores no computed value: the cells read as empty, never as 16215 or a link.
    assert righe[0].valori["codice_istat"] == ""
    assert righe[0].valori["ambito"] == ""


# --- through the import pages: Italian message, nothing saved -------------------------------


def _stato():
    return (
        AppartenenzaComune.objects.count(),
        Caricamento.objects.count(),
        Osservazione.objects.count(),
        LogEntry.objects.count(),
    )


def _carica(client, url, contenuto, nome, **extra):
    return client.post(url, {"file": SimpleUploadedFile(nome, contenuto), **extra})


@pytest.mark.django_db
@pytest.mark.parametrize("url,extra", [("/importa/", {}), ("/dati/carica/", {"formato": "auto"})])
def test_import_pages_refuse_a_zip_bomb_and_save_nothing(client, demo_db, bomba_espansa, url, extra):
    client.force_login(get_user_model().objects.get(username="coordinamento"))
    prima = _stato()
    response = _carica(client, url, bomba_espansa, "appartenenze.xlsx", **extra)
    assert response.status_code == 200
    assert "è stato rifiutato per sicurezza" in response.content.decode()
    assert _stato() == prima


@pytest.mark.django_db
@pytest.mark.parametrize("url,extra", [("/importa/", {}), ("/dati/carica/", {"formato": "auto"})])
def test_import_pages_refuse_a_renamed_file_and_save_nothing(client, demo_db, url, extra):
    client.force_login(get_user_model().objects.get(username="coordinamento"))
    prima = _stato()
    response = _carica(client, url, VALIDO, "appartenenze.csv", **extra)
    assert response.status_code == 200
    assert "ha estensione .csv ma è un foglio Excel" in response.content.decode()
    assert _stato() == prima


@pytest.mark.django_db
@override_settings(ZONA_MAX_UPLOAD_BYTES=1024)
def test_oversized_upload_is_refused_by_the_form(client, demo_db):
    client.force_login(get_user_model().objects.get(username="coordinamento"))
    prima = _stato()
    response = _carica(client, "/importa/", b"codice_istat,ambito,dal\n" + b"1,a,b\n" * 400, "grande.csv")
    assert response.status_code == 200
    assert "Il file pesa 2,4 KB: il massimo è 1 KB." in response.content.decode()
    assert _stato() == prima
