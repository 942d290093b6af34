"""Dividing an amount among Ambiti in proportion to a weight (usually their population).

The Prologo 2025-2027 splits 120.000 € a year by inhabitants and prints parts that add up to
120.000,01: rounding each part on its own cannot guarantee the total. Here the split is done
in whole cents with the largest-remainder method, so the parts always add up to the amount.
"""

from decimal import Decimal

from zona.lib import valori


class RipartoNonValido(ValueError):
    """The amount or the weights cannot be split; the message is for the user."""


class DatiMancanti(RipartoNonValido):
    """The request is well formed but the data it needs (an Ambito, a year's population) is
    not there: a 404 on the API, where a bad amount is a 422."""


# Amounts up to a thousand billion euro: 14 digits with the cents.
IMPORTO_MAX = Decimal("999999999999.99")


def in_centesimi(importo) -> int:
    # Bounded by zona.lib.valori before any arithmetic: 1E+500000 * 100 would take minutes.
    try:
        valore = valori.importo(importo, campo="importo da ripartire", massimo=IMPORTO_MAX)
    except valori.ValoreNonValido as e:
        raise RipartoNonValido(str(e)) from None
    return int(valore * 100)


def riparto(importo, pesi: dict) -> dict:
    """{key: Decimal quota with 2 decimals} adding up exactly to `importo`.

    Each key first gets the cents its share rounds down to; the cents left over go one each
    to the largest remainders (ties: larger weight first, then key order), as in Hamilton's
    method. Integer arithmetic only, so the result does not depend on float rounding.
    """
    centesimi = in_centesimi(importo)
    if not pesi:
        raise RipartoNonValido("Scegliere almeno un Ambito.")
    for chiave, peso in pesi.items():
        if peso is None:
            raise RipartoNonValido(f"Manca il peso (popolazione) di «{chiave}».")
        if peso < 0:
            raise RipartoNonValido(f"Il peso di «{chiave}» non può essere negativo.")
    totale = sum(pesi.values())
    if totale <= 0:
        raise RipartoNonValido("La somma dei pesi è zero: non c'è nulla su cui ripartire.")
    quote, resti = {}, []
    for chiave, peso in pesi.items():
        quota, resto = divmod(centesimi * peso, totale)
        quote[chiave] = quota
        resti.append((-resto, -peso, str(chiave), chiave))
    avanzo = centesimi - sum(quote.values())
    for *_, chiave in sorted(resti)[:avanzo]:
        quote[chiave] += 1
    return {chiave: Decimal(q).scaleb(-2) for chiave, q in quote.items()}
