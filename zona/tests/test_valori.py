"""zona/lib/valori.py: user text -> bounded values (issue 17)."""

import datetime
import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zona.lib import valori
from zona.lib.valori import ValoreNonValido


def _errore(funzione, *args, **kwargs):
    with pytest.raises(ValoreNonValido) as e:
        funzione(*args, **kwargs)
    return str(e.value)


@pytest.mark.parametrize("testo", ["1E+500000", "1e999999999999", "-1E+500000", "9" * 60 + "E+9999"])
def test_huge_exponents_are_refused_at_once(testo):
    inizio = time.process_time()
    messaggio = _errore(valori.decimale, testo, campo="importo")
    assert time.process_time() - inizio < 0.5  # CPU seconds: building the integer would take minutes
    assert messaggio.startswith("Importo: ")


def test_huge_decimal_objects_are_refused_without_arithmetic():
    inizio = time.process_time()
    assert "troppo grande" in _errore(valori.decimale, Decimal("1E+500000"))
    assert "troppi decimali" in _errore(valori.decimale, Decimal("1E-500000"))
    assert "troppo grande" in _errore(valori.decimale, 10**100000)
    assert time.process_time() - inizio < 0.5  # CPU seconds: building the integer would take minutes


@pytest.mark.parametrize(
    ("testo", "atteso"),
    [
        ("120000", Decimal("120000")),
        ("120.000,50", Decimal("120000.50")),
        ("1234.5", Decimal("1234.5")),
        (" 1 234,5 € ", Decimal("1234.5")),
        ("-3", Decimal("-3")),
        ("1E+3", Decimal("1000")),
        ("1.50", Decimal("1.50")),
        (".5", Decimal("0.5")),
    ],
)
def test_numbers_in_italian_and_plain_notation(testo, atteso):
    assert valori.decimale(testo) == atteso


def test_decimal_limits_count_digits_not_trailing_zeros():
    assert valori.importo("12.345.678.901,20") == Decimal("12345678901.20")
    assert valori.importo("999999999999,99") == Decimal("999999999999.99")  # 14 digits
    assert "al massimo 12 cifre prima della virgola" in _errore(valori.importo, "1000000000000")
    assert "al massimo 12 cifre" in _errore(valori.importo, "1E+30")
    assert "troppi decimali: al massimo 2" in _errore(valori.importo, "1,001")
    assert valori.importo("1,000") == Decimal("1.000")  # trailing zeros are not decimals
    assert "troppo piccolo: il minimo è 0" in _errore(valori.importo, "-0,01")
    assert "non può avere decimali" in _errore(valori.decimale, "1.5", decimali=0)
    assert "il massimo è 1.000" in _errore(valori.decimale, "1001", massimo=1000)
    assert valori.decimale("0E+999") == 0


@pytest.mark.parametrize("testo", ["abc", "1,2,3", "NaN", "Infinity", "1e", "--1", "", "١٢", "1/2", "0x10", "1_000"])
def test_what_is_not_a_number(testo):
    with pytest.raises(ValoreNonValido):
        valori.decimale(testo)


def test_empty_is_none_when_optional_and_floats_are_checked():
    assert valori.decimale(" ", obbligatorio=False) is None
    assert valori.decimale(0.1) == Decimal("0.1")
    assert "non è un numero finito" in _errore(valori.decimale, float("inf"))
    assert "non è un numero" in _errore(valori.decimale, True)


def test_integers_and_ids():
    assert valori.intero(" 42 ") == 42
    assert valori.identificativo("5") == 5
    for cattivo in ["5.0", "5e0", "0", "-1", "12345678901234567890", "9" * 20, "٣", "5 5", ""]:
        with pytest.raises(ValoreNonValido):
            valori.identificativo(cattivo)
    assert valori.identificativo(str(valori.ID_MAX)) == valori.ID_MAX
    assert "troppo grande" in _errore(valori.identificativo, str(valori.ID_MAX + 1))
    assert "al massimo 18 cifre" in _errore(valori.intero, "1" * 19)
    assert "al massimo 18 cifre" in _errore(valori.intero, 10**18)
    assert valori.intero("000000000000000000000007") == 7  # leading zeros are not digits


def test_years():
    assert valori.anno("2024") == 2024
    assert "troppo grande: il massimo è 2.200" in _errore(valori.anno, "9999")
    assert "al massimo 4 cifre" in _errore(valori.anno, "20240")
    assert valori.anno("", obbligatorio=False) is None


def test_dates():
    assert valori.data("2024-12-31") == datetime.date(2024, 12, 31)
    assert valori.data("1/2/2024") == datetime.date(2024, 2, 1)
    assert "non è una data del calendario" in _errore(valori.data, "0000-00-00")
    assert "non è una data del calendario" in _errore(valori.data, "2023-02-29")
    assert "l'ultima ammessa è 31/12/2200" in _errore(valori.data, "9999-12-31")
    assert "non è una data" in _errore(valori.data, "2024-12-31T00:00")
    assert valori.data(datetime.datetime(2024, 1, 2, 3, 4)) == datetime.date(2024, 1, 2)
    assert valori.data(None, obbligatorio=False) is None


def test_codes():
    assert valori.codice(" alto-sebino ") == "alto-sebino"
    for cattivo in ["alto sebino", "a\x00", "../x", "x" * 61, "-x", "àmbito"]:
        with pytest.raises(ValoreNonValido):
            valori.codice(cattivo)


def test_bounded_text():
    assert valori.testo("  Lovere  ") == "Lovere"
    assert _errore(valori.testo, "a\x00b", campo="nome") == (
        "Nome: il testo contiene un carattere nullo (NUL) al carattere 2: toglierlo e riprovare."
    )
    assert "un a capo" in _errore(valori.testo, "a\nb")
    assert valori.testo("a\nb\tc", multilinea=True) == "a\nb\tc"
    assert "carattere di controllo (U+001B)" in _errore(valori.testo, "a\x1bb", multilinea=True)
    assert "U+D800" in _errore(valori.testo, "a\ud800")
    assert "troppo lungo (10000 caratteri): al massimo 200" in _errore(valori.testo, "x" * 10000)
    assert valori.testo("Ünïcødé ‮ 𝔘") == "Ünïcødé ‮ 𝔘"  # printable unicode is the user's business
    assert _errore(valori.testo, "   ", obbligatorio=True) == "Manca il testo."


def test_messages_never_echo_a_whole_hostile_value():
    messaggio = _errore(valori.codice, "\x00" + "x" * 10000, max_lunghezza=20000)
    assert "\x00" not in messaggio and len(messaggio) < 200


# --- properties ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=200)
@given(st.text(max_size=80))
def test_any_text_gives_a_bounded_decimal_or_a_clear_error(testo):
    try:
        numero = valori.decimale(testo, max_cifre=14, decimali=2)
    except ValoreNonValido as e:
        assert str(e) and "\x00" not in str(e)
        return
    assert numero.is_finite()
    assert abs(numero) < Decimal(10) ** 12
    assert numero == numero.quantize(Decimal("0.01"))


@settings(max_examples=300, deadline=200)
@given(
    st.decimals(allow_nan=True, allow_infinity=True)
    | st.builds(lambda m, e: f"{m}E{e:+d}", st.integers(-(10**30), 10**30), st.integers(-(10**7), 10**7))
)
def test_any_decimal_or_exponent_is_bounded(valore):
    try:
        numero = valori.decimale(valore)
    except ValoreNonValido:
        return
    assert abs(numero) < Decimal(10) ** 16


@settings(max_examples=300, deadline=200)
@given(st.integers(min_value=-(10**40), max_value=10**40))
def test_integers_round_trip_within_bounds(n):
    try:
        assert valori.intero(str(n)) == n
    except ValoreNonValido:
        assert abs(n) > valori.INTERO_MAX
    else:
        assert abs(n) <= valori.INTERO_MAX


@settings(max_examples=300, deadline=200)
@given(st.dates())
def test_dates_round_trip_or_are_out_of_range(giorno):
    for forma in (giorno.isoformat(), f"{giorno.day}/{giorno.month}/{giorno.year:04d}"):
        try:
            assert valori.data(forma) == giorno
        except ValoreNonValido:
            assert not datetime.date(1800, 1, 1) <= giorno <= datetime.date(2200, 12, 31)


@settings(max_examples=300, deadline=200)
@given(st.text(max_size=300))
def test_bounded_text_never_returns_what_a_database_refuses(s):
    try:
        risultato = valori.testo(s, max_lunghezza=250, multilinea=True)
    except ValoreNonValido:
        return
    assert len(risultato) <= 250
    assert "\x00" not in risultato
    risultato.encode("utf-8")  # no surrogates
