"""Importing data files: every bad input is refused with row, column and reason, and the
database is left as it was."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from conoscenza.demo import csv_istat_popolazione
from conoscenza.models import Caricamento, Osservazione, ValorePubblicato
from conoscenza.selectors import calcola
from conoscenza.services import importa_dati
from zona.lib.tabular import FileRifiutato

HEADER = "livello,codice_territorio,anno,misura,eta_da,eta_a,sesso,categoria,valore\n"


def stato():
    return (
        Osservazione.objects.count(),
        Osservazione.objects.filter(attiva=True).count(),
        Caricamento.objects.count(),
        ValorePubblicato.objects.count(),
    )


def refused(testo, nome="dati.csv", **kwargs):
    prima = stato()
    contenuto = testo.encode() if isinstance(testo, str) else testo
    with pytest.raises(FileRifiutato) as exc:
        importa_dati(contenuto, nome, **kwargs)
    assert stato() == prima, "a refused file must change nothing"
    return [str(e) for e in exc.value.errori]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "riga, errore",
    [
        (
            "comune,999999,2023,utenti,,,,SAD,10",
            "riga 2, colonna «codice_territorio»: il codice ISTAT «999999» non corrisponde a nessun Comune.",
        ),
        (
            "comune,Zognio,2023,utenti,,,,SAD,10",
            "riga 2, colonna «codice_territorio»: il Comune «Zognio» non è nell'elenco ISTAT né tra i nomi "
            "alternativi; forse: Zogno (016246), Rogno (016182), Pognano (016167). Correggere il nome o aggiungere "
            "un nome alternativo.",
        ),
        (
            "ambito,atlantide,2023,utenti,,,,SAD,10",
            "riga 2, colonna «codice_territorio»: «atlantide» non è un territorio di livello ambito in anagrafe.",
        ),
        (
            "comune,016128,2023,abitanti_felici,,,,,10",
            "riga 2, colonna «misura»: la misura «abitanti_felici» non è nel catalogo.",
        ),
        (
            "comune,016128,23,utenti,,,,SAD,10",
            "riga 2, colonna «anno»: «23» è troppo piccolo: il minimo è 1.861.",
        ),
        (
            "comune,016128,2023,utenti,,,,SAD,dieci",
            "riga 2, colonna «valore»: «dieci» non è un numero: scrivere solo cifre",
        ),
        (
            "comune,016128,2023,utenti,,,,SAD,-3",
            "riga 2, colonna «valore»: valore negativo (-3) per una misura che conta (persone).",
        ),
        ("contea,016128,2023,utenti,,,,SAD,3", "riga 2, colonna «livello»: livello «contea» non valido"),
        ("comune,016128,2023,utenti,,,X,SAD,3", "riga 2, colonna «sesso»: sesso «X» non valido: M, F o vuoto."),
        ("comune,016128,2023,utenti,70,60,,SAD,3", "riga 2, colonna «eta_a»: classe di età non valida."),
        # Odd values (issue 17): refused at once as row errors, never a server error.
        (
            "comune,016128,2023,utenti,1E+400000,,,SAD,3",
            "riga 2, colonna «eta_da»: «1E+400000» non è un numero intero",
        ),
        (
            "comune,016128,2023,utenti,,,,SAD,1E+30",
            "riga 2, colonna «valore»: «1E+30» è un numero troppo grande: al massimo 16 cifre prima della virgola.",
        ),
        (
            "comune,016128,2023,utenti,,,," + "C" * 121 + ",3",
            "riga 2, colonna «categoria»: il testo è troppo lungo (121 caratteri): al massimo 120.",
        ),
    ],
)
def test_bad_rows_are_refused_with_their_reason(demo_db, riga, errore):
    errori = refused(HEADER + "comune,016128,2023,utenti,,,,ADM,5\n" + riga + "\n")
    assert len(errori) == 1
    assert errori[0].startswith(errore.replace("riga 2", "riga 3"))


@pytest.mark.django_db
def test_duplicated_rows_and_mixed_totals(demo_db):
    errori = refused(HEADER + "comune,016128,2023,utenti,,,,SAD,10\ncomune,Lovere,2023,utenti,,,,SAD,11\n")
    assert errori == ["riga 3: riga duplicata: stessi territorio, anno, misura e disaggregazione della riga 2."]
    errori = refused(HEADER + "comune,016128,2023,utenti,,,,SAD,10\ncomune,016128,2023,utenti,65,,,SAD,4\n")
    assert errori == [
        "riga 3: la riga 2 e questa mescolano totali e dati per età o sesso dello stesso territorio e anno."
    ]


@pytest.mark.django_db
def test_missing_columns_and_empty_files(demo_db):
    assert refused("livello,codice_territorio,anno,valore\ncomune,016128,2023,1\n") == [
        "riga 1, colonna «misura»: colonna obbligatoria mancante nell'intestazione."
    ]
    assert refused(HEADER) == ["Il file non contiene righe di dati."]
    assert refused(b"", "x.csv") == ["Il file è vuoto."]


@pytest.mark.django_db
def test_xlsx_in_the_zona_layout(demo_db):
    wb = Workbook()
    wb.active.append(HEADER.strip().split(","))
    wb.active.append(["comune", "016128", 2023, "utenti", None, None, None, "SAD", 12])
    buf = io.BytesIO()
    wb.save(buf)
    caricamento = importa_dati(buf.getvalue(), "utenti.xlsx")
    assert caricamento.righe == 1
    assert Osservazione.objects.get(caricamento=caricamento).valore == 12


@pytest.mark.django_db
def test_published_values_are_kept_apart(demo_db):
    importa_dati((HEADER + "ambito,alto-sebino,2015,indice_vecchiaia,,,,,170.3\n").encode(), "tab.csv")
    valore = ValorePubblicato.objects.get(codice_territorio="alto-sebino", anno=2015, indicatore="indice_vecchiaia")
    assert valore.valore == Decimal("170.3")
    assert not Osservazione.objects.filter(codice_territorio="alto-sebino", anno=2015).exists()


@pytest.mark.django_db
def test_reload_replaces_and_keeps_history(demo_db):
    primo = importa_dati((HEADER + "comune,016128,2023,utenti,,,,SAD,10\n").encode(), "sad.csv")
    secondo = importa_dati((HEADER + "comune,016128,2023,utenti,,,,SAD,12\n").encode(), "sad-corretto.csv")
    primo.refresh_from_db()
    assert primo.sostituito_da == secondo
    attive = Osservazione.objects.attive().filter(misura="utenti", codice_territorio="016128")
    assert [o.valore for o in attive] == [12]
    # Kept for the history; the load, not each of its values, is marked as superseded.
    assert Osservazione.objects.filter(caricamento=primo).count() == 1
    assert not Osservazione.objects.attive().filter(caricamento=primo).exists()


@pytest.mark.django_db
def test_reload_of_part_of_a_load_keeps_the_rest_in_use(demo_db):
    primo = importa_dati(
        (HEADER + "comune,016128,2022,utenti,,,,SAD,9\ncomune,016128,2023,utenti,,,,SAD,10\n").encode(), "sad.csv"
    )
    secondo = importa_dati((HEADER + "comune,016128,2023,utenti,,,,SAD,12\n").encode(), "sad-2023.csv")
    primo.refresh_from_db()
    assert primo.sostituito_da is None  # its 2022 value is still the one in use
    attive = Osservazione.objects.attive().filter(misura="utenti", codice_territorio="016128").order_by("anno")
    assert [(o.anno, o.valore, o.caricamento_id) for o in attive] == [(2022, 9, primo.pk), (2023, 12, secondo.pk)]
    # A third file with both years supersedes the rest of the first and all of the second.
    terzo = importa_dati(
        (HEADER + "comune,016128,2022,utenti,,,,SAD,8\ncomune,016128,2023,utenti,,,,SAD,11\n").encode(), "sad-tutto.csv"
    )
    primo.refresh_from_db()
    secondo.refresh_from_db()
    assert primo.sostituito_da == terzo and secondo.sostituito_da == terzo
    attive = Osservazione.objects.attive().filter(misura="utenti", codice_territorio="016128").order_by("anno")
    assert [(o.anno, o.valore) for o in attive] == [(2022, 8), (2023, 11)]


@pytest.mark.django_db
def test_reload_of_many_categories_replaces_exactly_the_pairs_it_brings(demo_db):
    righe = "".join(
        f"comune,{c},2023,utenti,,,,Categoria {k:03d},{k}\n" for k in range(300) for c in ("016128", "016024")
    )
    primo = importa_dati((HEADER + righe).encode(), "categorie.csv")
    # Again half of the categories for Lovere only: the other pairs stay in use from the first.
    righe = "".join(f"comune,016128,2023,utenti,,,,Categoria {k:03d},{k + 1000}\n" for k in range(0, 300, 2))
    secondo = importa_dati((HEADER + righe).encode(), "categorie-lovere.csv")
    primo.refresh_from_db()
    assert primo.sostituito_da is None
    attive = Osservazione.objects.attive().filter(misura="utenti", anno=2023)
    assert attive.count() == 600
    assert attive.filter(caricamento=secondo).count() == 150
    assert attive.get(codice_territorio="016128", categoria="Categoria 002").valore == 1002
    assert attive.get(codice_territorio="016128", categoria="Categoria 003").valore == 3
    assert attive.get(codice_territorio="016024", categoria="Categoria 002").valore == 2


@pytest.mark.django_db
def test_reload_of_other_territories_supersedes_nothing(demo_db):
    primo = importa_dati((HEADER + "comune,016128,2023,utenti,,,,SAD,10\n").encode(), "sad-lovere.csv")
    importa_dati((HEADER + "comune,016024,2023,utenti,,,,SAD,300\n").encode(), "sad-bergamo.csv")
    primo.refresh_from_db()
    assert primo.sostituito_da is None
    assert Osservazione.objects.attive().filter(misura="utenti", anno=2023).count() == 2


@pytest.mark.django_db
def test_istat_layout_reload_of_a_year(demo_db):
    contenuto = csv_istat_popolazione(2023, [16])
    prima = calcola("ambito", anni=[2023], indicatori=["popolazione"], territori=["alto-sebino"])
    importa_dati(contenuto, "popolazione_2023_di_nuovo.csv", formato="istat")
    dopo = calcola("ambito", anni=[2023], indicatori=["popolazione"], territori=["alto-sebino"])
    assert prima == dopo  # replaced, not added twice


@pytest.mark.django_db
def test_istat_layout_checks_its_own_totals(demo_db):
    testo = (
        "Popolazione residente al 1° gennaio 2024 per età e sesso\n"
        "Codice comune;Comune;Età;Totale maschi;Totale femmine;Totale\n"
        "016128;Lovere;0;10;12;22\n"
        "016128;Lovere;1;11;9;20\n"
        "016128;Lovere;999;21;22;43\n"
    )
    assert refused(testo, "istat.csv") == [
        "riga 5, colonna «Totale femmine»: il totale del Comune 016128 (22) non è la somma delle età (21)."
    ]
    assert refused(testo.replace("1° gennaio 2024", "gennaio"), "istat.csv", formato="istat") == [
        "Anno non indicato: il titolo non riporta «1° gennaio AAAA»; indicare l'anno."
    ]
    caricamento = importa_dati(testo.replace("999;21;22;43", "999;21;21;42").encode(), "istat.csv")
    assert caricamento.formato == "istat" and caricamento.righe == 4


@pytest.mark.django_db
def test_an_istat_file_in_latin1_is_recognised_and_read(demo_db):
    testo = (
        "Popolazione residente al 1° gennaio 2024 per età e sesso\n"
        "Codice comune;Comune;Età;Totale maschi;Totale femmine;Totale\n"
        "016128;Lovere;0;10;12;22\n"
        "016128;Lovere;999;10;12;22\n"
    )
    caricamento = importa_dati(testo.encode("latin-1"), "istat.csv")  # formato automatico
    assert caricamento.formato == "istat" and caricamento.righe == 2


@pytest.mark.django_db
def test_import_command_reports_on_stderr_and_exits_non_zero(demo_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "comune,016128,2023,utenti,,,,SAD,dieci\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_dati", str(bad), stderr=err)
    assert str(exc.value) == "File rifiutato (1 errore): non è stato salvato nulla."
    assert "riga 2, colonna «valore»" in err.getvalue()
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "comune,016128,2023,utenti,,,,SAD,10\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_dati", str(good), stdout=out)
    assert "Caricate 1 righe (zona) da good.csv." in out.getvalue()
