from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def numero(valore, decimali=0):
    """1234.5 -> «1.234,5»: Italian separators, rounded half up (as the sources print)."""
    if valore is None or valore == "":
        return "—"
    quantum = Decimal(1).scaleb(-int(decimali))
    arrotondato = Decimal(str(valore)).quantize(quantum, rounding=ROUND_HALF_UP)
    return number_format(arrotondato, decimal_pos=int(decimali), use_l10n=True, force_grouping=True)
