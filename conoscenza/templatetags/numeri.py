"""The Italian formatter (zona/lib/formato.py) as template filters: `{% load numeri %}`, then
`{{ valore|numero:1 }}`, `{{ importo|euro }}`, `{{ quota|percentuale:1 }}`, `{{ giorno|data_it }}`."""

from django import template

from zona.lib import formato

register = template.Library()

register.filter("numero", formato.numero)
register.filter("euro", formato.euro)
register.filter("percentuale", formato.percentuale)
register.filter("data_it", formato.data)
