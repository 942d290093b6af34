"""The codice fiscale at the door: checked, read for sex and year of birth, pseudonymised.

The clear code lives only in the local variables of these functions while one row is read: it
is never stored, logged, shown or put in an exception's message (the errors say what is wrong,
never the code). The pseudonym is HMAC-SHA256 of the normalised code with a key of its own
(settings.DOMANDA_CHIAVE_PSEUDONIMO, from the environment, distinct from SECRET_KEY): the same
person gets the same pseudonym in every extract, and nobody without the key can compute it
from a code (a plain hash of a 16-character code with a known structure is reversible by
enumeration).

Omocodia: when two people would get the same code, the Agenzia delle Entrate replaces digits,
from the right, with letters (0-9 -> L M N P Q R S T U V). An omocodic code is a different
person's code, so it is pseudonymised as written; its digits are restored only to read the
date of birth.
"""

import hashlib
import re
import string
import uuid

import numpy as np
from django.conf import settings

from zona.lib.codice_fiscale import _DISPARI, _PARI, controllo_alfanumerico

_LETTERE = string.ascii_uppercase
_CIFRE = "0123456789LMNPQRSTUV"  # a digit, or the letter omocodia puts in its place
_MESI = "ABCDEHLMPRST"
# What each of the 16 characters may be: surname, name, year, month, day, place, check.
_POSIZIONI = [_LETTERE] * 6 + [_CIFRE] * 2 + [_MESI] + [_CIFRE] * 2 + [_LETTERE] + [_CIFRE] * 3 + [_LETTERE]
_FORMA = re.compile("".join(f"[{c}]" for c in _POSIZIONI))
_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")


# The three reasons a code is refused (the Python check below and the SQL one of the
# PostgreSQL loader say the same): never the code itself.
NON_VALIDO = "codice fiscale non valido."
CONTROLLO_ERRATO = "codice fiscale non valido (carattere di controllo errato)."
GIORNO_IMPOSSIBILE = "codice fiscale non valido (giorno di nascita impossibile)."


class CodiceNonValido(ValueError):
    """The code is not a valid codice fiscale; the message never contains it."""


def normalizza(testo):
    return "".join(str(testo or "").split()).upper()


def controlla(testo):
    """The normalised code, or CodiceNonValido (form, date of birth, check character)."""
    codice = normalizza(testo)
    if len(codice) != 16 or not _FORMA.fullmatch(codice):
        raise CodiceNonValido(NON_VALIDO)
    if controllo_alfanumerico(codice[:15]) != codice[15]:
        raise CodiceNonValido(CONTROLLO_ERRATO)
    giorno = int(codice[9:11].translate(_OMOCODIA))
    if not (1 <= giorno <= 31 or 41 <= giorno <= 71):
        raise CodiceNonValido(GIORNO_IMPOSSIBILE)
    return codice


def sesso_e_anno(codice, anno_riferimento):
    """(sex "M"/"F", year of birth) read from a checked code. The code has two digits of the
    year: the century is the latest that is not after `anno_riferimento`."""
    aa = due_cifre_anno(codice)
    giorno = int(codice[9:11].translate(_OMOCODIA))
    secolo = anno_riferimento - anno_riferimento % 100
    anno = secolo + aa if secolo + aa <= anno_riferimento else secolo - 100 + aa
    return ("F" if giorno > 40 else "M"), anno


def due_cifre_anno(codice):
    return int(codice[6:8].translate(_OMOCODIA))


def pseudonimo(codice, chiave=None):
    """The pseudonym of the checked, normalised code, as domanda.models.Episodio keeps it."""
    return uuid.UUID(bytes=firma(chiave)(codice.encode()))


def firma(chiave=None):
    """The function checked, normalised code (ASCII bytes) -> its pseudonym's 16 bytes, the key
    read once (an extract has millions of rows). The pseudonym is HMAC-SHA256 truncated to
    its first 128 bits, as RFC 4868's HMAC-SHA-256-128: the key still decides every bit, and
    two people share a value with a probability of about 10^-25 among ten million
    (domanda.models.Episodio)."""
    chiavi = chiavi_hmac(chiave)
    # RFC 2104 on the keyed states computed once and copied for each code: 0,6 µs a code, the
    # hmac module's copy 1,0 µs (bench/README.md).
    interno = hashlib.sha256(chiavi["chiave_interna"]).copy
    esterno = hashlib.sha256(chiavi["chiave_esterna"]).copy

    def pseudonimo_byte(codice):
        h = interno()
        h.update(codice)
        e = esterno()
        e.update(h.digest())
        return e.digest()[:16]

    return pseudonimo_byte


def _tabella(valori):
    """A lookup table by byte: valori {character: value}, 0 elsewhere."""
    t = np.zeros(256, dtype=np.int16)
    for c, v in valori.items():
        t[ord(c)] = v
    return t


_AMMESSI = np.stack([_tabella(dict.fromkeys(c, 1)) for c in _POSIZIONI]).astype(bool)
_VALORE_DISPARI, _VALORE_PARI = _tabella(_DISPARI), _tabella(_PARI)
_CIFRA = _tabella({c: int(c.translate(_OMOCODIA)) for c in _CIFRE})
ERRORI = (None, NON_VALIDO, CONTROLLO_ERRATO, GIORNO_IMPOSSIBILE)


def controlla_molti(codici, anno_riferimento):
    """controlla and sesso_e_anno of many codes at once (an extract's import checks two million,
    a few hundred thousand in one call): `codici` an (n, 16) array of bytes (uint8) of the
    normalised codes (upper case ASCII). Returns three arrays: the error (0: valid; else the
    index in ERRORI of controlla's message), whether the person is female, the year of birth
    (meaningful where valid). tests/test_codice_fiscale.py checks them against controlla."""
    codici = np.asarray(codici, dtype=np.uint8).reshape(-1, 16)
    forma = _AMMESSI[np.arange(16), codici].all(axis=1)
    somma = _VALORE_DISPARI[codici[:, 0:15:2]].sum(axis=1) + _VALORE_PARI[codici[:, 1:15:2]].sum(axis=1)
    controllo = somma % 26 + ord("A") == codici[:, 15]
    giorno = _CIFRA[codici[:, 9]] * 10 + _CIFRA[codici[:, 10]]
    possibile = ((giorno >= 1) & (giorno <= 31)) | ((giorno >= 41) & (giorno <= 71))
    errore = np.where(~forma, 1, np.where(~controllo, 2, np.where(~possibile, 3, 0))).astype(np.int8)
    aa = _CIFRA[codici[:, 6]] * 10 + _CIFRA[codici[:, 7]]
    secolo = anno_riferimento - anno_riferimento % 100
    anno = np.where(secolo + aa <= anno_riferimento, secolo + aa, secolo - 100 + aa)
    return errore, giorno > 40, anno


def componi(cognome_nome6, aa, mese, giorno, sesso, comune4):
    """A valid code from its parts (for tests and the synthetic generator, never real people)."""
    gg = giorno + (40 if sesso == "F" else 0)
    primi = f"{cognome_nome6}{aa:02d}{_MESI[mese - 1]}{gg:02d}{comune4}"
    return primi + controllo_alfanumerico(primi)


# The same checks and readings in PostgreSQL's SQL, for the loader that leaves the row work to
# the database (domanda.importa_pg). `x` is an SQL expression of the normalised code (upper
# case, no spaces); each function returns an SQL expression. tests/test_importa_pg.py checks
# that both paths give the same answers and pseudonyms.
_ALFABETO = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def sql_forma_errata(x):
    return f"NOT ({x} ~ '^{_FORMA.pattern}$')"


def sql_carattere_controllo(b):
    """The check character of a code of the right form, `b` its bytes (SQL bytea): each
    character's value looked up in an array by its byte (get_byte: a few times cheaper than
    looking the character up in a string)."""

    def tabella(valore):
        # Bytes 48 ('0') .. 90 ('Z'): index = byte - 47; the seven between '9' and 'A' unused.
        return "ARRAY[" + ",".join(str(valore(chr(c)) if chr(c) in _ALFABETO else 0) for c in range(48, 91)) + "]"

    dispari = tabella(lambda c: _DISPARI[c])
    pari = tabella(lambda c: int(c) if c.isdigit() else ord(c) - 65)
    termini = [f"({dispari if i % 2 == 0 else pari})[get_byte({b}, {i}) - 47]" for i in range(15)]
    return f"chr(65 + mod({' + '.join(termini)}, 26))"


def _sql_cifre(x, inizio, n):
    return f"translate(substr({x}, {inizio}, {n}), 'LMNPQRSTUV', '0123456789')::int"


def sql_giorno(x):
    return _sql_cifre(x, 10, 2)


def sql_giorno_impossibile(x):
    g = sql_giorno(x)
    return f"NOT ({g} BETWEEN 1 AND 31 OR {g} BETWEEN 41 AND 71)"


def sql_sesso(x):
    return f"CASE WHEN {sql_giorno(x)} > 40 THEN 'F' ELSE 'M' END"


def sql_anno(x, anno_riferimento):
    """The year of birth as sesso_e_anno reads it, `anno_riferimento` an int."""
    aa = _sql_cifre(x, 7, 2)
    secolo = anno_riferimento - anno_riferimento % 100
    return f"CASE WHEN {secolo} + {aa} <= {anno_riferimento} THEN {secolo} + {aa} ELSE {secolo - 100} + {aa} END"


def chiavi_hmac(chiave=None):
    """{"chiave_interna": K xor ipad, "chiave_esterna": K xor opad} (RFC 2104, SHA-256's block
    of 64 bytes): the parameters of sql_pseudonimo."""
    chiave = (chiave if chiave is not None else settings.DOMANDA_CHIAVE_PSEUDONIMO).encode()
    if len(chiave) > 64:
        chiave = hashlib.sha256(chiave).digest()
    chiave = chiave.ljust(64, b"\0")
    return {
        "chiave_interna": bytes(b ^ 0x36 for b in chiave),
        "chiave_esterna": bytes(b ^ 0x5C for b in chiave),
    }


def sql_pseudonimo(x):
    """The pseudonym of `x` in SQL (a uuid), equal to pseudonimo(): RFC 2104 on PostgreSQL's own
    sha256() (no extension needed, and twice as fast as pgcrypto's hmac() here), the padded
    keys of chiavi_hmac() as the parameters %(chiave_interna)s and %(chiave_esterna)s."""
    interno = f"sha256(%(chiave_interna)s || convert_to({x}, 'UTF8'))"
    esterno = f"sha256(%(chiave_esterna)s || {interno})"
    return f"encode(substr({esterno}, 1, 16), 'hex')::uuid"
