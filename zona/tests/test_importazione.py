"""The row-import framework (zona.lib.importazione): every error reported with row, column and
reason, all or nothing, rows streamed to the writer, bounded reading of CSV and XLSX."""

import io

import pytest
from openpyxl import Workbook

from territorio.models import Regione
from zona.lib import importazione, tabular, valori
from zona.lib.importazione import Colonna, RigaErrata, Scrittore, Tracciato
from zona.lib.tabular import Errore, FileRifiutato

TRACCIATO = Tracciato(
    Colonna("codice", "Codice regione", obbligatoria=True),
    Colonna("nome", obbligatoria=True),
    Colonna("abitanti", "Abitanti (numero)"),
)


def riga(r):
    codice = r.valore("codice", valori.codice, max_lunghezza=2)
    nome = r.valore("nome", valori.testo, max_lunghezza=20, obbligatorio=True)
    r.valore("abitanti", valori.intero, minimo=0, obbligatorio=False)
    if codice and (prima := r.gia_vista(codice)):
        raise RigaErrata("codice", f"codice ripetuto (già alla riga {prima}).")
    return Regione(codice=codice, nome=nome)


def importa(testo, nome_file="r.csv", **kwargs):
    contenuto = testo.encode() if isinstance(testo, str) else testo
    return importazione.importa(importazione.apri(contenuto, nome_file), TRACCIATO, riga, **kwargs)


def rifiutato(testo, nome_file="r.csv", **kwargs):
    prima = list(Regione.objects.values_list("codice", flat=True))
    with pytest.raises(FileRifiutato) as exc:
        importa(testo, nome_file, **kwargs)
    assert list(Regione.objects.values_list("codice", flat=True)) == prima, "a refused file stores nothing"
    return [str(e) for e in exc.value.errori]


@pytest.mark.django_db
def test_valid_rows_are_streamed_to_the_writer_and_counted():
    n = importa("Codice regione;Nome;Abitanti (numero)\n91;Alfa;10\n\n92;Beta;\n", scrivi=Scrittore(Regione, lotto=1))
    assert n == 2
    assert sorted(Regione.objects.filter(codice__in=["91", "92"]).values_list("codice", "nome")) == [
        ("91", "Alfa"),
        ("92", "Beta"),
    ]


@pytest.mark.django_db
def test_every_error_is_reported_with_row_and_column_label_and_nothing_is_stored():
    # Row 2 is valid and reaches the writer (lotto=1) before row 3 fails: it is rolled back.
    errori = rifiutato(
        "codice,nome,abitanti\n91,Alfa,1\n9x1,,1E+400000\n91,Gamma,2\n",
        scrivi=Scrittore(Regione, lotto=1),
    )
    assert errori == [
        "riga 3, colonna «Codice regione»: «9x1» è troppo lungo per un codice: al massimo 2 caratteri.",
        "riga 3, colonna «nome»: manca il testo.",
        "riga 3, colonna «Abitanti (numero)»: «1E+400000» non è un numero intero: scrivere solo cifre, "
        "senza punto né virgola.",
        "riga 4, colonna «Codice regione»: codice ripetuto (già alla riga 2).",
    ]


@pytest.mark.django_db
def test_an_error_of_the_writer_goes_to_its_row_and_rolls_back_what_was_written():
    scritte = []

    def scrivi(regione):
        if regione.codice == "93":
            raise RigaErrata("nome", "già in anagrafe con un altro nome.")
        regione.save()
        scritte.append(regione.codice)

    assert rifiutato("codice,nome\n91,Alfa\n93,Beta\n94,Gamma\n", scrivi=scrivi) == [
        "riga 3, colonna «nome»: già in anagrafe con un altro nome."
    ]
    assert scritte == ["91"], "after the first error nothing more is written"


@pytest.mark.django_db
def test_whole_file_checks_come_first_and_run_also_after_row_errors():
    def concludi():
        return [Errore(None, "nome", "il totale non torna.")]

    assert rifiutato("codice,nome\n91,Alfa\n", concludi=concludi) == ["colonna «nome»: il totale non torna."]
    assert rifiutato("codice,nome\n999,Alfa\n", concludi=concludi)[0] == "colonna «nome»: il totale non torna."


@pytest.mark.django_db
def test_header_errors_name_every_missing_or_unknown_column():
    assert rifiutato("nome,colore\nAlfa,blu\n") == [
        "riga 1, colonna «Codice regione»: colonna obbligatoria mancante nell'intestazione."
    ]
    stretto = Tracciato(Colonna("codice"), Colonna("nome"), sconosciute="errore", una_tra=[("codice", "nome")])
    with pytest.raises(FileRifiutato) as exc:
        importazione.importa(importazione.apri(b"Colore,Peso\nblu,1\n", "f.csv"), stretto, riga)
    assert [str(e) for e in exc.value.errori] == [
        "riga 1: colonne non riconosciute: «colore», «peso».",
        "riga 1, colonna «codice o nome»: colonna obbligatoria mancante nell'intestazione.",
    ]


@pytest.mark.django_db
def test_empty_files_and_the_cap_on_reported_errors(monkeypatch):
    assert rifiutato("codice,nome\n") == ["Il file non contiene righe di dati."]
    monkeypatch.setattr(importazione, "MAX_ERRORI", 3)
    errori = rifiutato("codice,nome\n" + "".join(f"{i:03d},x\n" for i in range(10)))
    assert len(errori) == 4 and errori[-1] == "… e altri 7 errori."


@pytest.mark.django_db
def test_a_latin1_or_windows_csv_is_read():
    assert importa("codice,nome\n91,Forlì-Cesena\n".encode("cp1252"), scrivi=Scrittore(Regione)) == 1
    assert Regione.objects.get(codice="91").nome == "Forlì-Cesena"


def _xlsx(righe):
    wb = Workbook()
    for r in righe:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.django_db
def test_files_above_the_row_or_cell_caps_are_refused_while_reading(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_RIGHE", 5)
    testo = "codice,nome\n" + "".join(f"{i},x\n" for i in range(10, 20))
    assert rifiutato(testo) == ["Il file ha più di 5 righe di dati: dividerlo in più file."]
    assert rifiutato(_xlsx([["codice", "nome"]] + [[i, "x"] for i in range(10, 20)]), "f.xlsx") == [
        "Il file ha più di 5 righe di dati: dividerlo in più file."
    ]
    monkeypatch.setattr(tabular, "MAX_RIGHE", 1000)
    monkeypatch.setattr(tabular, "XLSX_MAX_CELLE", 7)
    # Only the header's columns count: the extra cells of a wide row are not read.
    assert importa(_xlsx([["codice", "nome"], [91, "a", 1, 2, 3, 4, 5, 6]]), "f.xlsx") == 1
    assert rifiutato(_xlsx([["codice", "nome"]] + [[i, "x"] for i in range(10, 20)]), "f.xlsx") == [
        "Il foglio ha più di 7 celle: dividerlo in più file."
    ]
