"""ISTAT's population file: regular lines are stored in a few operations each, irregular but
valid ones are read too, and every bad line gets its message, with nothing saved."""

import datetime

import pytest

from conoscenza.models import Caricamento, Osservazione
from conoscenza.services import importa_dati
from zona.lib.tabular import FileRifiutato

from .test_import_dati import stato

TITOLO = "Popolazione residente al 1° gennaio 2024 per età e sesso\n"
HEADER = "Codice comune;Comune;Età;Totale maschi;Totale femmine;Totale\n"


def file_istat(comuni=("016128", "016033", "016065"), eta=range(101), totali=True):
    righe = []
    for i, codice in enumerate(comuni):
        tm = tf = 0
        for e in eta:
            m, f = 10 + e % 7 + i, 12 + e % 5
            tm, tf = tm + m, tf + f
            righe.append(f"{codice};X;{e};{m};{f};{m + f}\n")
        if totali:
            righe.append(f"{codice};X;999;{tm};{tf};{tm + tf}\n")
    return TITOLO + HEADER + "".join(righe)


def righe_salvate(caricamento):
    campi = [
        "misura_id",
        "livello",
        "codice_territorio",
        "comune_id",
        "anno",
        "data_riferimento",
        "eta_da",
        "eta_a",
        "sesso",
        "categoria",
        "valore",
    ]
    return sorted(Osservazione.objects.filter(caricamento=caricamento).values_list(*campi), key=str)


def refused(testo, **kwargs):
    prima = stato()
    with pytest.raises(FileRifiutato) as exc:
        importa_dati(testo.encode(), "istat.csv", formato="istat", **kwargs)
    assert stato() == prima, "a refused file must change nothing"
    return [str(e) for e in exc.value.errori]


@pytest.mark.django_db
def test_regular_lines_are_stored_as_two_values_each(demo_db):
    caricamento = importa_dati(file_istat().encode(), "istat.csv")
    salvate = righe_salvate(caricamento)
    assert caricamento.righe == len(salvate) == 3 * 101 * 2
    assert salvate[0][:6] == ("popolazione_residente", "comune", "016033", "016033", 2024, datetime.date(2024, 1, 1))
    assert (0, 0) in {(r[6], r[7]) for r in salvate}
    assert (100, None) in {(r[6], r[7]) for r in salvate}  # 100 means "100 and over"
    # Loaded again: the second load supersedes the first as a whole.
    di_nuovo = importa_dati(file_istat().encode(), "istat.csv")
    caricamento.refresh_from_db()
    assert caricamento.sostituito_da == di_nuovo


@pytest.mark.django_db
def test_codes_without_their_leading_zero_are_read(demo_db):
    # Codes that lost their leading zero (a file opened in a spreadsheet).
    caricamento = importa_dati(file_istat(comuni=("16128", "16033")).encode(), "istat.csv")
    assert {r[2] for r in righe_salvate(caricamento)} == {"016128", "016033"}


@pytest.mark.django_db
def test_an_irregular_but_valid_file_is_read_by_the_general_reader(demo_db):
    # Age 101 (ISTAT's older files), a name instead of a code: the fast reader hands over.
    testo = file_istat(comuni=("016128",), eta=range(100)).replace("016128;X;999", "Lovere;X;101;1;0;1\n016128;X;999")
    caricamento = importa_dati(testo.encode(), "istat.csv")
    salvate = righe_salvate(caricamento)
    assert len(salvate) == 101 * 2
    assert salvate[0][:5] == ("popolazione_residente", "comune", "016128", "016128", 2024)
    assert {(r[6], r[7]) for r in salvate if r[6] == 101} == {(101, 101)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "nuovo, errore",
    [
        (
            "999999;X;50;12;12;24",
            "colonna «Codice comune»: il codice ISTAT «999999» non corrisponde a nessun Comune.",
        ),
        ("Lovre;X;50;12;12;24", "colonna «Codice comune»: il Comune «Lovre» non è nell'elenco ISTAT"),
        ("016065;X;cinquanta;12;12;24", "colonna «Età»: «cinquanta» non è un numero intero"),
        ("016065;X;1E+400000;12;12;24", "colonna «Età»: «1E+400000» non è un numero intero"),
        ("016065;X;50;1l;12;24", "colonna «Totale maschi»: «1l» non è un numero intero"),
        ("016065;X;50;-11;12;1", "colonna «Totale maschi»: «-11» è troppo piccolo: il minimo è 0."),
        ("016065;X;49;12;12;24", "riga duplicata: stessi Comune ed età della riga {prima}."),
        (
            "016065;X;50;12345678901234567;12;24",
            "colonna «Totale maschi»: «12345678901234567» è un numero troppo grande",
        ),
    ],
)
def test_bad_lines_get_the_general_message_and_save_nothing(demo_db, nuovo, errore):
    # No total rows here, so that the file's own totals do not speak first.
    linee = file_istat(totali=False).splitlines(keepends=True)
    i = next(n for n, linea in enumerate(linee) if linea.startswith("016065;X;50;"))
    linee[i] = nuovo + "\n"
    # The rows before it were already written when the line is met: they are rolled back.
    errori = refused("".join(linee))
    numero = i + 1
    atteso = (
        f"riga {numero}"
        + ("" if errore.startswith("riga duplicata") else ", ")
        + (": " + errore.format(prima=numero - 1) if errore.startswith("riga duplicata") else errore)
    )
    assert errori[0].startswith(atteso), errori
    assert len(errori) == 1


@pytest.mark.django_db
def test_errors_are_all_reported_to_the_end_of_the_file(demo_db):
    testo = file_istat().replace("016128;X;3;", "016128;X;tre;").replace("016065;X;99;", "016065;X;novantanove;")
    errori = refused(testo)
    assert [e.split(":")[0] for e in errori] == ["riga 6, colonna «Età»", "riga 306, colonna «Età»"]


@pytest.mark.django_db
def test_short_lines_are_errors_not_crashes(demo_db):
    errori = refused(file_istat(comuni=("016128",)).replace("016128;X;7;", "016128;X\n016128;X;7;", 1))
    assert errori == [
        "riga 10, colonna «Età»: manca il valore: scrivere un numero intero.",
        "riga 10, colonna «Totale maschi»: manca il valore: scrivere un numero intero.",
        "riga 10, colonna «Totale femmine»: manca il valore: scrivere un numero intero.",
    ]


@pytest.mark.django_db
def test_territories_outside_the_role_are_refused_in_istat_files(demo_db):
    errori = refused(file_istat(), consentito=lambda livello, codice: codice == "016128")
    assert (
        errori[0]
        == "riga 105, colonna «Codice comune»: «016033» non è un territorio per cui il tuo ruolo può caricare dati."
    )
    caricamento = importa_dati(
        file_istat(comuni=("016128",)).encode(), "istat.csv", consentito=lambda lv, c: c == "016128"
    )
    assert caricamento.righe == 202


@pytest.mark.django_db
def test_progress_is_reported_up_to_the_rows_written(demo_db):
    chiamate = []
    caricamento = importa_dati(
        file_istat(comuni=("016128",) * 1).encode(), "istat.csv", progresso=lambda f, t: chiamate.append((f, t))
    )
    assert chiamate[-1] == (caricamento.righe, caricamento.righe)
    assert Caricamento.objects.get(pk=caricamento.pk).righe == 202
