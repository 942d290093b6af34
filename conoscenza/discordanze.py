"""Where the sources disagree: the differences Zona knows between two figures of the same
thing, with their explanation, kept as data (conoscenza/data/discordanze.csv) and read by the
pages, the plan document and the tests of the source tables alike.

Each row names its source document (conoscenza/data/documenti_fonte.csv), the place in it, the
territory, year and measure or indicator, the two figures with where each comes from, and why
they differ. Pure Python (no Django import): test_fonti.py reads it without a database.
"""

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Documento:
    codice: str
    titolo: str
    prefisso_file: str  # the extracted tables of the document are the files named so


@dataclass(frozen=True)
class Discordanza:
    documento: str
    riferimento: str
    territorio: str
    anno: int
    misura: str
    prima_fonte: str
    prima_cifra: Decimal
    seconda_fonte: str
    seconda_cifra: Decimal
    spiegazione: str

    @property
    def differenza(self):
        return self.prima_cifra - self.seconda_cifra

    @property
    def decimali(self):
        """The precision the two figures are written with (for the Italian formatter)."""
        return max(0, -min(self.prima_cifra.as_tuple().exponent, self.seconda_cifra.as_tuple().exponent))


def _leggi(nome):
    with open(DATA / nome, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@functools.cache
def documenti():
    return {r["codice"]: Documento(**r) for r in _leggi("documenti_fonte.csv")}


@functools.cache
def tutte():
    return tuple(
        Discordanza(
            **{
                **r,
                "anno": int(r["anno"]),
                "prima_cifra": Decimal(r["prima_cifra"]),
                "seconda_cifra": Decimal(r["seconda_cifra"]),
            }
        )
        for r in _leggi("discordanze.csv")
    )


def di_documento(codice):
    return [d for d in tutte() if d.documento == codice]


def del_territorio(codice):
    return [d for d in tutte() if d.territorio == codice]


def trova(misura, anno, territorio="alto-sebino", prima_fonte=""):
    """The one difference of a measure, year and territory (the first source containing
    `prima_fonte`, when a measure has several): what the tests of the source tables assert."""
    trovate = [
        d
        for d in tutte()
        if (d.misura, d.anno, d.territorio) == (misura, anno, territorio) and prima_fonte in d.prima_fonte
    ]
    if len(trovate) != 1:
        raise LookupError(f"{len(trovate)} discordanze per {misura} {anno} {territorio} «{prima_fonte}»")
    return trovate[0]
