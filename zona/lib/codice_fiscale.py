"""The Italian codice fiscale: the one check of its form and check character.

Two forms exist: 16 characters for a person (surname, name, birth date and place, check
letter) and 11 digits for an organisation (the same number as its partita IVA when it has one,
last digit a Luhn-like check). Third-sector organisations, Comuni, ATS and ASST have the
11-digit form. The check catches typing errors (a swapped or wrong digit); it cannot say that
the number was ever issued.
"""

import re

from .valori import ValoreNonValido, mostra

__all__ = ["codice_fiscale", "controllo_numerico", "controllo_alfanumerico"]

_NUMERICO = re.compile(r"[0-9]{11}")
_ALFANUMERICO = re.compile(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]")

# Values of a character in an odd position (1st, 3rd, ...) of the 16-character form (DM 23/12/1976).
_DISPARI = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
        + [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16]
        + [10, 22, 25, 24, 23],
        strict=True,
    )
)


# Values in an even position: a digit its value, a letter its place in the alphabet.
_PARI = {c: int(c) if c.isdigit() else ord(c) - ord("A") for c in _DISPARI}


def controllo_numerico(cifre10):
    """The check digit of the first 10 digits of an 11-digit codice fiscale (or partita IVA)."""
    somma = 0
    for i, c in enumerate(cifre10):
        n = int(c)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        somma += n
    return str((10 - somma % 10) % 10)


def controllo_alfanumerico(caratteri15):
    """The check letter of the first 15 characters of a 16-character codice fiscale."""
    # Lookups without a Python loop: an extract's import checks two million codes.
    somma = sum(map(_DISPARI.__getitem__, caratteri15[0::2])) + sum(map(_PARI.__getitem__, caratteri15[1::2]))
    return chr(ord("A") + somma % 26)


def codice_fiscale(valore, *, campo="codice fiscale", obbligatorio=False):
    """The codice fiscale in upper case without spaces, or "" when empty and not required;
    ValoreNonValido saying what is wrong (length, characters, check character)."""
    testo = "" if valore is None else str(valore)
    if len(testo) > 40:
        raise ValoreNonValido("troppo lungo: un codice fiscale ha 11 cifre (enti) o 16 caratteri (persone).", campo)
    pulito = re.sub(r"\s+", "", testo).upper()
    if pulito.startswith("IT") and len(pulito) == 13:
        pulito = pulito[2:]  # a partita IVA written with its country prefix
    if not pulito:
        if obbligatorio:
            raise ValoreNonValido("manca il codice fiscale.", campo)
        return ""
    if _NUMERICO.fullmatch(pulito):
        if controllo_numerico(pulito[:10]) != pulito[10]:
            raise ValoreNonValido(f"«{mostra(pulito)}»: l'ultima cifra di controllo non torna, verificare.", campo)
        return pulito
    # A person's code is personal data: the messages below never repeat what was written.
    if _ALFANUMERICO.fullmatch(pulito):
        if controllo_alfanumerico(pulito[:15]) != pulito[15]:
            raise ValoreNonValido("il carattere di controllo del codice fiscale non torna, verificare.", campo)
        return pulito
    raise ValoreNonValido("non è un codice fiscale: 11 cifre per un ente, 16 caratteri per una persona.", campo)
