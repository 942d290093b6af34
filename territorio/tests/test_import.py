"""Import of memberships: all or nothing, with errors naming row, column and reason."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from territorio.models import AppartenenzaComune
from territorio.services import importa_appartenenze
from zona.lib.tabular import FileRifiutato


def snapshot():
    return sorted(AppartenenzaComune.objects.values_list("comune_id", "ambito_id", "dal", "al"))


def refused(content, name="f.csv"):
    before = snapshot()
    with pytest.raises(FileRifiutato) as exc:
        importa_appartenenze(content, name)
    assert snapshot() == before, "a refused file must change nothing"
    return [str(e) for e in exc.value.errori]


def xlsx(rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.django_db
def test_csv_assigns_the_unclaimed_comune(demo_db):
    n = importa_appartenenze(
        b"codice_istat,comune,ambito,dal,al\n016215,Torre de' Busi,Isola Bergamasca e Bassa Val San "
        b"Martino,01/01/2025,\n",
        "torre.csv",
    )
    assert n == 1
    app = AppartenenzaComune.objects.get(comune_id="016215")
    assert (app.ambito_id, app.dal, app.al) == ("isola-bergamasca", datetime.date(2025, 1, 1), None)
    assert app.fonte == "Importazione file torre.csv"


@pytest.mark.django_db
def test_xlsx_with_names_semicolons_and_aliases(demo_db):
    content = xlsx([["comune", "ambito", "dal"], ["Torre dé Busi", "treviglio", datetime.datetime(2025, 3, 1)]])
    assert importa_appartenenze(content, "torre.xlsx") == 1
    assert AppartenenzaComune.objects.get(comune_id="016215").ambito_id == "treviglio"


@pytest.mark.django_db
def test_semicolon_csv_is_accepted(demo_db):
    assert importa_appartenenze(b"codice_istat;ambito;dal\n16215;treviglio;2025-01-01\n", "x.csv") == 1


@pytest.mark.django_db
def test_reloading_the_same_file_changes_nothing(demo_db):
    content = b"codice_istat,ambito,dal\n016215,treviglio,2025-01-01\n"
    assert importa_appartenenze(content, "x.csv") == 1
    assert importa_appartenenze(content, "x.csv") == 0


@pytest.mark.django_db
def test_one_bad_row_refuses_the_whole_file(demo_db):
    content = (
        b"codice_istat,comune,ambito,dal,al\n"
        b"016215,,treviglio,2025-01-01,\n"  # fine on its own
        b",Zognio,treviglio,2025-01-01,\n"
        b"999999,,treviglio,2025-01-01,\n"
        b"016246,,Ambito Inesistente,2025-01-01,\n"
        b"016128,,alto-sebino,32/01/2025,\n"
        b"016128,,alto-sebino,2025-01-01,2024-01-01\n"
        b"016027,Zogno,valle-brembana,2025-01-01,\n"
        b"016001,,,2025-01-01,\n"
    )
    errors = refused(content)
    assert errors == [
        "riga 3, colonna «comune»: il Comune «Zognio» non è nell'elenco ISTAT né tra i nomi alternativi; "
        "forse: Zogno (016246), Rogno (016182), Pognano (016167). Correggere il nome o aggiungere un nome alternativo.",
        "riga 4, colonna «codice_istat»: il codice ISTAT «999999» non corrisponde a nessun Comune.",
        "riga 5, colonna «ambito»: l'Ambito «Ambito Inesistente» non è in anagrafe.",
        "riga 6, colonna «dal»: «32/01/2025» non è una data del calendario.",
        "riga 7, colonna «al»: la data di fine precede la data di inizio.",
        "riga 8, colonna «comune»: il nome «Zogno» non corrisponde al codice 016027 (Blello).",
        "riga 9, colonna «ambito»: campo obbligatorio vuoto.",
    ]
    assert not AppartenenzaComune.objects.filter(comune_id="016215").exists()


@pytest.mark.django_db
def test_duplicated_rows_are_refused(demo_db):
    errors = refused(b"codice_istat,ambito,dal\n016215,treviglio,2025-01-01\n016215,treviglio,2025-01-01\n")
    assert errors == [
        "riga 3, colonna «comune»: Torre de' Busi compare già alla riga 2 per un periodo che si sovrappone."
    ]


@pytest.mark.django_db
def test_conflict_with_an_existing_membership_is_refused(demo_db):
    # Lovere is in Alto Sebino from 01/01/2021: a different Ambito from the same day conflicts.
    errors = refused(b"codice_istat,ambito,dal\n016128,treviglio,2021-01-01\n")
    assert errors == [
        "riga 2, colonna «ambito»: Lovere ha già un'appartenenza dal 01/01/2021 all'Ambito Alto Sebino: "
        "chiuderla o correggerla prima."
    ]
    # A period that ends after a later existing membership starts overlaps it.
    errors = refused(b"codice_istat,ambito,dal,al\n016128,treviglio,2020-01-01,2021-06-30\n")
    assert errors == [
        "riga 2, colonna «dal»: Lovere appartiene dal 01/01/2021 all'Ambito Alto Sebino: il periodo indicato si "
        "sovrappone."
    ]


@pytest.mark.django_db
def test_missing_columns_empty_and_malformed_files(demo_db):
    assert refused(b"comune,dal\nLovere,2025-01-01\n") == [
        "riga 1, colonna «ambito»: colonna obbligatoria mancante nell'intestazione."
    ]
    assert refused(b"") == ["Il file è vuoto."]
    assert refused(b"codice_istat,ambito,dal\n") == ["Il file non contiene righe di dati."]
    assert refused(b"PK\x03\x04 not really a zip", "f.xlsx") == ["Il file non è un foglio Excel (.xlsx) leggibile."]
    # Not UTF-8: read as Windows-1252/Latin-1 (what Excel writes on Windows), not refused.
    assert refused("codice_istat,ambito,dal\n016128,àèì,2025\n".encode("latin-1")) == [
        "riga 2, colonna «ambito»: l'Ambito «àèì» non è in anagrafe."
    ]
    assert refused(b"x", "f.ods") == ["Formato non riconosciuto: caricare un file .csv o .xlsx."]


@pytest.mark.django_db
def test_xlsx_formulas_are_not_evaluated(demo_db):
    content = xlsx([["codice_istat", "ambito", "dal"], ['=HYPERLINK("x")', "treviglio", "2025-01-01"]])
    errors = refused(content, "f.xlsx")
    assert len(errors) == 1 and errors[0].startswith("riga 2, colonna «codice_istat»")


@pytest.mark.django_db
def test_import_command_exits_with_the_italian_report(demo_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("codice_istat,ambito,dal\n016215,nessuno,2025-01-01\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_appartenenze", str(bad), stderr=err)
    assert str(exc.value) == "File rifiutato (1 errore): non è stato salvato nulla."
    assert "riga 2, colonna «ambito»: l'Ambito «nessuno» non è in anagrafe." in err.getvalue()
