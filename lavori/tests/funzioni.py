"""Job functions of the tests (registered like an app's)."""

from dataclasses import dataclass

from lavori.services import ErroreLavoro, Esito, eseguibile
from zona.lib.tabular import Errore, FileRifiutato


@dataclass
class File:
    contenuto: bytes
    nome: str
    content_type: str


@eseguibile
def conta(lavoro, avanzamento):
    n = lavoro.parametri["n"]
    for i in range(1, n + 1):
        avanzamento(i, n)
    return Esito(f"Contate {n} righe.", url="/dati/caricamenti/")


@eseguibile
def file_pronto(lavoro, avanzamento):
    avanzamento(3, 3)
    return Esito("Documento pronto.", file=File(b"%PDF-finto", "piano.pdf", "application/pdf"))


@eseguibile
def rifiutato(lavoro, avanzamento):
    raise ErroreLavoro("Il piano non esiste più.")


@eseguibile
def righe_errate(lavoro, avanzamento):
    raise FileRifiutato([Errore(4, "valore", "«abc» non è un numero.")])


@eseguibile
def guasto(lavoro, avanzamento):
    raise RuntimeError("segreto interno")
