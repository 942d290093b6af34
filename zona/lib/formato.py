"""How values read for people, everywhere (pages, documents, messages): Italian numbers
(1.234,5), money (1.234,50 €), percentages (12,5%), dates (31/12/2024), Sì/No.

The one Italian formatter: templates use it through the `numeri` template library
(conoscenza/templatetags/numeri.py), documents and messages call it directly. Independent of
the active locale on purpose: a management command or a worker thread may run with no language
activated, and the same data must print the same on the page, in the PDF and in the DOCX."""

import re
from decimal import ROUND_HALF_UP, Decimal

VUOTO = "—"

# Characters that XML 1.0 (DOCX) cannot hold; HTML parsers drop them too. Removed from every
# text so that the two formats print exactly the same thing.
_NON_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def pulisci(testo):
    if testo is None:
        return ""
    return _NON_XML.sub("", str(testo)).replace("\r\n", "\n").replace("\r", "\n")


def numero(valore, decimali=0):
    """1234.5 -> «1.234,5»; rounded half up, as the sources print; None -> «—».
    `decimali=None` keeps the decimals the value has (Decimal("12.50") -> «12,50»)."""
    if valore is None or valore == "":
        return VUOTO
    valore = Decimal(str(valore))
    if decimali is None:
        decimali = max(0, -valore.as_tuple().exponent) if valore.is_finite() else 0
    decimali = int(decimali)
    arrotondato = valore.quantize(Decimal(1).scaleb(-decimali), rounding=ROUND_HALF_UP)
    if arrotondato == 0:
        arrotondato = abs(arrotondato)  # no «-0,0»
    testo = f"{arrotondato:,.{decimali}f}"
    return testo.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def euro(valore):
    return VUOTO if valore is None else f"{numero(valore, 2)} €"


def percentuale(valore, decimali=1):
    return VUOTO if valore is None else f"{numero(valore, decimali)}%"


def data(giorno):
    return VUOTO if giorno is None else giorno.strftime("%d/%m/%Y")


def si_no(valore, motivo=""):
    """Yes/no answers of the regional sheets, with their reason when there is one."""
    risposta = "Non indicato" if valore is None else "Sì" if valore else "No"
    motivo = pulisci(motivo).strip()
    return f"{risposta}. {motivo}" if motivo else risposta


def oppure(testo, alternativa=VUOTO):
    testo = pulisci(testo).strip()
    return testo or alternativa
