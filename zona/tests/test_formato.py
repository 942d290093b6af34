"""The one Italian formatter (zona/lib/formato.py): pages, documents and messages print the
same value the same way, whatever locale is active."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from zona.lib import formato


@pytest.mark.parametrize(
    "valore, decimali, atteso",
    [
        (Decimal("1234567.891"), 2, "1.234.567,89"),
        (Decimal("0.05"), 1, "0,1"),  # half up, as the sources print (not banker's rounding)
        (Decimal("0.25"), 1, "0,3"),
        (Decimal("-0.04"), 1, "0,0"),  # never «-0,0»
        (1234, 0, "1.234"),
        (12.5, 1, "12,5"),
        (Decimal("1234.50"), None, "1.234,50"),  # None keeps the decimals the value has
        (Decimal("200"), None, "200"),
        (None, 0, "—"),
        ("", 0, "—"),
    ],
)
def test_numero(valore, decimali, atteso):
    assert formato.numero(valore, decimali) == atteso


def test_money_percentages_dates():
    assert formato.euro(Decimal("1500")) == "1.500,00 €"
    assert formato.percentuale(Decimal("12.345")) == "12,3%"
    assert formato.data(datetime.date(2024, 12, 31)) == "31/12/2024"
    assert formato.euro(None) == formato.percentuale(None) == formato.data(None) == "—"


def test_the_template_filters_are_the_formatter_whatever_the_language():
    modello = engines["django"].from_string(
        "{% load numeri %}{{ v|numero:2 }} {{ v|euro }} {{ v|percentuale:1 }} {{ g|data_it }}"
    )
    contesto = {"v": Decimal("-1234.005"), "g": datetime.date(2025, 1, 2)}
    attesi = (
        f"{formato.numero(contesto['v'], 2)} {formato.euro(contesto['v'])} "
        f"{formato.percentuale(contesto['v'], 1)} 02/01/2025"
    )
    for lingua in ("it", "en"):
        with translation.override(lingua):
            assert modello.render(contesto) == attesi
    assert attesi.startswith("-1.234,01 -1.234,01 €")
