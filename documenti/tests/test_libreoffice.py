"""The DOCX as a real consumer reads it: LibreOffice (headless, installed by scripts/test.sh)
converts a document with an indicator table to PDF, and the «Indicatore» column keeps several
words per line (it was squeezed to one word per line while empty target columns took the space)."""

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from documenti.docx import genera_docx
from documenti.modello import Documento
from documenti.tests.test_larghezze import DESCRIZIONE, _indicatori

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.senza_database


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice not installed (scripts/test.sh installs libreoffice-writer-nogui)"
)
def test_libreoffice_apre_il_docx_e_la_colonna_indicatore_non_e_schiacciata(tmp_path):
    doc = Documento(titolo="Prova", ente="Ente", frontespizio=[], intestazione="Prova", nome_file="prova")
    doc.capitolo("Indicatori").blocchi.append(_indicatori())
    (tmp_path / "prova.docx").write_bytes(genera_docx(doc))
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path}/profilo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "prova.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    testo = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO((tmp_path / "prova.pdf").read_bytes())).pages)
    righe = [r for r in testo.splitlines() if r.strip()]
    # The description's first words stand on one line (one word per line before the fix).
    assert any("Numero di anziani" in r for r in righe), righe
    parole = DESCRIZIONE.split()
    righe_descrizione = [r for r in righe if any(p in r.split() for p in parole[3:6])]
    assert righe_descrizione and max(len(r.split()) for r in righe_descrizione) >= 4, righe
