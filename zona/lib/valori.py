"""User text -> bounded values: the one place where numbers, ids, dates and strings from outside
(forms, API parameters, query strings, URL arguments, imported files) are parsed.

Every function takes what a user or a file wrote (text, or an already-typed value) and returns
a plain Python value within the stated limits, or raises `ValoreNonValido` (a ValueError) with
an Italian message that says what is wrong, in which field, and how to fix it.

Why the limits are checked on the text before any arithmetic: `Decimal("1E+500000")` is cheap,
but turning it into an integer, quantizing it or multiplying it by 100 takes minutes of CPU
(issue 17: five such API requests held every worker). So the syntax, the length, the number
of digits and the exponent are checked on the string and on `Decimal.as_tuple()` (plain small
integers) first, and only a value known to be small is ever computed with. Likewise an integer
of 20 digits never reaches SQLite (it overflows its 64-bit INTEGER), a NUL byte never reaches
PostgreSQL (which refuses it in text), and a 10.000-character string is refused by its length
before anything else looks at it.

Numbers: digits, an optional sign, decimals after a point or (Italian) a comma; when a comma
is present dots are thousands separators ("1.234,56"), otherwise the dot is the decimal point
("1234.56"). An exponent ("1E+3") is accepted within `max_cifre`. Spaces, NBSP and "€" are
ignored. Only ASCII digits: Python's int() would also accept "١٢" and full-width digits.
"""

import datetime
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = [
    "ValoreNonValido",
    "decimale",
    "importo",
    "intero",
    "identificativo",
    "anno",
    "data",
    "codice",
    "testo",
    "contiene_nul",
    "mostra",
    "ID_MAX",
    "INTERO_MAX",
]

# The largest integer both databases store (SQLite INTEGER and PostgreSQL bigint: 64 bits);
# BigAutoField ids go up to it. 18 digits by default keeps every sum of a few values inside too.
ID_MAX = 2**63 - 1
INTERO_MAX = 10**18 - 1
# Longer number texts are refused before parsing; 60 characters hold any value Zona stores
# ("-1.234.567.890.123.456,1234" is 27).
_TESTO_NUMERO_MAX = 60
_DATA_MIN = datetime.date(1800, 1, 1)
_DATA_MAX = datetime.date(2200, 12, 31)

_NUMERO = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")
_INTERO = re.compile(r"[+-]?[0-9]+")
_DATA_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATA_IT = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_CODICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_IGNORATI_NEI_NUMERI = str.maketrans("", "", " \u00a0\u202f€'")


class ValoreNonValido(ValueError):
    """A value from outside that cannot be accepted. `str(e)` is the message for the user
    (Italian, naming the field when one was given); `campo` and `motivo` are also kept apart
    for callers that place the field themselves (a form error, an import row's column)."""

    def __init__(self, motivo, campo=None):
        self.motivo = motivo
        self.campo = campo
        testo = f"{campo}: {motivo}" if campo else motivo
        super().__init__(testo[:1].upper() + testo[1:])


def mostra(valore, lunghezza=40):
    """A value as it can be shown back in a message: at most `lunghezza` characters, control
    characters made visible, so a 10k-character or NUL-laden input never lands in a page whole."""
    if isinstance(valore, int) and valore.bit_length() > 4 * lunghezza:
        return f"(un intero di circa {int(valore.bit_length() * 0.30103)} cifre)"  # str() would be slow
    testo = str(valore)
    corto = testo[:lunghezza]
    corto = "".join(f"\\x{ord(c):02x}" if unicodedata.category(c) in ("Cc", "Cs") else c for c in corto)
    return corto + ("…" if len(testo) > lunghezza else "")


def contiene_nul(testo) -> bool:
    return "\x00" in str(testo)


def _vuoto(valore):
    return valore is None or (isinstance(valore, str) and valore.strip() == "")


def _cifre_significative(cifre: tuple, esponente: int):
    """(integer digits, decimal places) of the Decimal with these digits and exponent, with
    leading zeros and the trailing zeros of the fraction not counted."""
    cifre = list(cifre)
    while len(cifre) > 1 and cifre[0] == 0:
        cifre.pop(0)
    if cifre == [0]:
        return 0, 0
    # Trailing zeros after the point say nothing: 1.50 has one decimal place.
    while esponente < 0 and cifre and cifre[-1] == 0:
        cifre.pop()
        esponente += 1
    if esponente >= 0:
        return len(cifre) + esponente, 0
    decimali = -esponente
    return max(len(cifre) - decimali, 0), decimali


def decimale(
    valore,
    *,
    campo=None,
    max_cifre=20,
    decimali=4,
    minimo=None,
    massimo=None,
    obbligatorio=True,
):
    """A Decimal with at most `max_cifre` digits in all, of which at most `decimali` after the
    point, within [minimo, massimo] when given. Empty text is None when not `obbligatorio`.

    The defaults match the widest DecimalField of the models (20 digits, 4 decimals)."""
    if _vuoto(valore):
        if obbligatorio:
            raise ValoreNonValido("manca il valore: scrivere un numero.", campo)
        return None
    if isinstance(valore, bool):
        raise ValoreNonValido(f"«{valore}» non è un numero.", campo)
    if isinstance(valore, int):
        if valore.bit_length() > 4 * max_cifre:  # no str() of a huge int (slow, and limited)
            raise _troppo_grande(valore, campo, max_cifre, decimali)
        numero = Decimal(valore)
    elif isinstance(valore, float):
        if not math.isfinite(valore):
            raise ValoreNonValido(f"«{valore}» non è un numero finito.", campo)
        numero = Decimal(repr(valore))
    elif isinstance(valore, Decimal):
        numero = valore
    else:
        numero = _decimale_da_testo(str(valore), campo, max_cifre, decimali)
    if not numero.is_finite():
        raise ValoreNonValido(f"«{mostra(valore)}» non è un numero finito.", campo)
    segno, cifre, esponente = numero.as_tuple()
    # A Decimal given as such (from a schema, a spreadsheet) may still carry a huge exponent:
    # the check uses only the tuple's small integers.
    if not any(cifre):
        numero = Decimal(0)  # 0E+500000 is zero: nothing to bound but the range
        _nei_limiti(numero, valore, campo, minimo, massimo)
        return numero
    if len(cifre) > max_cifre + 1000 or esponente > max_cifre:
        raise _troppo_grande(valore, campo, max_cifre, decimali)
    if esponente < -(max_cifre + 1000):
        raise _troppi_decimali(valore, campo, decimali)
    interi, dopo = _cifre_significative(cifre, esponente)
    if dopo > decimali:
        raise _troppi_decimali(valore, campo, decimali)
    if interi > max_cifre - decimali:
        raise _troppo_grande(valore, campo, max_cifre, decimali)
    _nei_limiti(numero, valore, campo, minimo, massimo)
    return numero


def _troppo_grande(valore, campo, max_cifre, decimali):
    return ValoreNonValido(
        f"«{mostra(valore)}» è un numero troppo grande: al massimo {max_cifre - decimali} cifre prima della virgola.",
        campo,
    )


def _troppi_decimali(valore, campo, decimali):
    if decimali == 0:
        return ValoreNonValido(f"«{mostra(valore)}» non può avere decimali: scrivere un numero intero.", campo)
    return ValoreNonValido(f"«{mostra(valore)}» ha troppi decimali: al massimo {decimali} dopo la virgola.", campo)


def _decimale_da_testo(testo, campo, max_cifre, decimali):
    if len(testo) > _TESTO_NUMERO_MAX:
        raise ValoreNonValido(
            f"«{mostra(testo)}» è troppo lungo per un numero ({len(testo)} caratteri).",
            campo,
        )
    pulito = testo.strip().translate(_IGNORATI_NEI_NUMERI)
    if "," in pulito:  # Italian: 1.234,56
        pulito = pulito.replace(".", "").replace(",", ".", 1)
    m = _NUMERO.fullmatch(pulito)
    if not m or not (m.group(2) or m.group(3)):
        raise ValoreNonValido(
            f"«{mostra(testo)}» non è un numero: scrivere solo cifre, con la virgola per i decimali (es. 1234,56).",
            campo,
        )
    esponente = m.group(4)
    # Refused before Decimal() is even built: the exponent's own digits bound the value.
    if esponente is not None and len(esponente.lstrip("+-").lstrip("0")) > 4:
        if esponente.startswith("-"):
            raise _troppi_decimali(testo, campo, decimali)
        raise _troppo_grande(testo, campo, max_cifre, decimali)
    try:
        return Decimal(pulito)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid syntax
        raise ValoreNonValido(f"«{mostra(testo)}» non è un numero.", campo) from None


def _nei_limiti(numero, originale, campo, minimo, massimo):
    if minimo is not None and numero < minimo:
        raise ValoreNonValido(f"«{mostra(originale)}» è troppo piccolo: il minimo è {_it(minimo)}.", campo)
    if massimo is not None and numero > massimo:
        raise ValoreNonValido(f"«{mostra(originale)}» è troppo grande: il massimo è {_it(massimo)}.", campo)


def _it(numero):
    """A bound written the Italian way (1.000,5), for messages."""
    if isinstance(numero, int):
        return f"{numero:,}".replace(",", ".")
    testo = f"{numero:,}"
    return testo.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def importo(valore, *, campo=None, max_cifre=14, minimo=Decimal(0), massimo=None, obbligatorio=True):
    """An amount in euro: at most two decimals, not negative unless `minimo` says otherwise."""
    return decimale(
        valore,
        campo=campo,
        max_cifre=max_cifre,
        decimali=2,
        minimo=minimo,
        massimo=massimo,
        obbligatorio=obbligatorio,
    )


def intero(valore, *, campo=None, minimo=None, massimo=None, max_cifre=18, obbligatorio=True):
    """An int written with digits only (an optional sign; no point, no exponent: "5.0" is not
    an integer here), of at most `max_cifre` digits and within [minimo, massimo]."""
    if _vuoto(valore):
        if obbligatorio:
            raise ValoreNonValido("manca il valore: scrivere un numero intero.", campo)
        return None
    if isinstance(valore, bool):
        raise ValoreNonValido(f"«{valore}» non è un numero intero.", campo)
    if isinstance(valore, int):
        if valore.bit_length() > 4 * max_cifre or len(str(abs(valore))) > max_cifre:
            raise _intero_troppo_grande(valore, campo, max_cifre)
        numero = valore
    else:
        testo = str(valore)
        if len(testo) > _TESTO_NUMERO_MAX:
            raise ValoreNonValido(f"«{mostra(testo)}» è troppo lungo per un numero ({len(testo)} caratteri).", campo)
        pulito = testo.strip()
        if not _INTERO.fullmatch(pulito):
            raise ValoreNonValido(
                f"«{mostra(testo)}» non è un numero intero: scrivere solo cifre, senza punto né virgola.", campo
            )
        if len(pulito.lstrip("+-").lstrip("0")) > max_cifre:
            raise _intero_troppo_grande(testo, campo, max_cifre)
        numero = int(pulito)
    _nei_limiti(numero, valore, campo, minimo, massimo)
    return numero


def _intero_troppo_grande(valore, campo, max_cifre):
    return ValoreNonValido(f"«{mostra(valore)}» è un numero troppo grande: al massimo {max_cifre} cifre.", campo)


def identificativo(valore, *, campo="identificativo"):
    """The id of a row (a positive integer that the databases can hold): "5", never "5.0",
    "-1", "0" or 20 digits."""
    return intero(valore, campo=campo, minimo=1, massimo=ID_MAX, max_cifre=19)


def anno(valore, *, campo="anno", minimo=1800, massimo=2200, obbligatorio=True):
    """A year of four digits within [minimo, massimo]."""
    return intero(valore, campo=campo, minimo=minimo, massimo=massimo, max_cifre=4, obbligatorio=obbligatorio)


def data(valore, *, campo="data", minimo=_DATA_MIN, massimo=_DATA_MAX, obbligatorio=True):
    """A date, written 2024-12-31 or 31/12/2024, within [minimo, massimo] (by default the
    years 1800-2200: a 0000-00-00 or 9999-12-31 is a typing error, and far dates break date
    arithmetic later)."""
    if _vuoto(valore):
        if obbligatorio:
            raise ValoreNonValido("manca la data: scriverla come 31/12/2024.", campo)
        return None
    if isinstance(valore, datetime.datetime):
        giorno = valore.date()
    elif isinstance(valore, datetime.date):
        giorno = valore
    else:
        testo = str(valore)
        pulito = testo.strip()[:20]
        if m := _DATA_ISO.fullmatch(pulito):
            a, me, g = m.groups()
        elif m := _DATA_IT.fullmatch(pulito):
            g, me, a = m.groups()
        else:
            raise ValoreNonValido(f"«{mostra(testo)}» non è una data: scriverla come 31/12/2024 o 2024-12-31.", campo)
        try:
            giorno = datetime.date(int(a), int(me), int(g))
        except ValueError:
            raise ValoreNonValido(f"«{mostra(testo)}» non è una data del calendario.", campo) from None
    if minimo is not None and giorno < minimo:
        raise ValoreNonValido(
            f"la data {giorno:%d/%m/%Y} è troppo lontana: la prima ammessa è {minimo:%d/%m/%Y}.", campo
        )
    if massimo is not None and giorno > massimo:
        raise ValoreNonValido(
            f"la data {giorno:%d/%m/%Y} è troppo lontana: l'ultima ammessa è {massimo:%d/%m/%Y}.", campo
        )
    return giorno


def codice(valore, *, campo="codice", max_lunghezza=60, forma=_CODICE, obbligatorio=True):
    """A code or slug key (an Ambito's code, an ISTAT code, an indicator's code): ASCII
    letters, digits, '-', '_', '.', at most `max_lunghezza` characters. `forma` (a compiled
    pattern, matched whole) narrows it further, e.g. six digits for an ISTAT code."""
    if _vuoto(valore):
        if obbligatorio:
            raise ValoreNonValido("manca il codice.", campo)
        return None
    testo = str(valore)
    if len(testo) > max_lunghezza:
        raise ValoreNonValido(
            f"«{mostra(testo)}» è troppo lungo per un codice: al massimo {max_lunghezza} caratteri.", campo
        )
    pulito = testo.strip()
    if not forma.fullmatch(pulito):
        raise ValoreNonValido(
            f"«{mostra(testo)}» non è un codice valido: usare lettere, cifre e trattini, senza spazi.", campo
        )
    return pulito


# Control characters never belong in what people write, except line breaks and tabs in a
# text of several lines. Surrogates cannot even be stored (they are not UTF-8).
_VIETATI = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_VIETATI_MULTILINEA = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def testo(valore, *, campo=None, max_lunghezza=200, multilinea=False, obbligatorio=False, spazi=True):
    """A string of at most `max_lunghezza` characters with no NUL byte, no surrogate and no
    control character (line breaks and tabs allowed when `multilinea`). Stripped of spaces at
    both ends unless `spazi` is False. Empty is "" (or an error when `obbligatorio`)."""
    stringa = "" if valore is None else str(valore)
    if spazi:
        stringa = stringa.strip()
    if len(stringa) > max_lunghezza:
        raise ValoreNonValido(
            f"il testo è troppo lungo ({len(stringa)} caratteri): al massimo {max_lunghezza}.",
            campo,
        )
    if m := (_VIETATI_MULTILINEA if multilinea else _VIETATI).search(stringa):
        carattere, posizione = m.group(), m.start() + 1
        if carattere == "\x00":
            nome = "un carattere nullo (NUL)"
        elif carattere in "\n\r\t":
            nome = "un a capo o una tabulazione"
        elif "\ud800" <= carattere <= "\udfff":
            nome = f"un carattere non valido (U+{ord(carattere):04X})"
        else:
            nome = f"un carattere di controllo (U+{ord(carattere):04X})"
        raise ValoreNonValido(f"il testo contiene {nome} al carattere {posizione}: toglierlo e riprovare.", campo)
    if obbligatorio and not stringa:
        raise ValoreNonValido("manca il testo.", campo)
    return stringa
