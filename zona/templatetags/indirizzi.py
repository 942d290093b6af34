"""`{% indirizzo 'nome' %}`: the URL of a route without arguments, reversed once per process.

Django's `{% url %}` reverses at every render: about 0,1 ms each, and the page header has
eighteen, the same for every page and user (the base layout's links were most of its rendering:
bench/README.md, fondi_national). Keyed by everything `reverse` reads besides the name: the URL
configuration and the script prefix the application is mounted under."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape

register = template.Library()

_INDIRIZZI = {}


class IndirizzoNode(template.Node):
    def __init__(self, nome):
        self.nome = nome

    def render(self, context):
        chiave = (self.nome, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
        url = _INDIRIZZI.get(chiave)
        if url is None:
            # Escaped as `{% url %}` escapes it (always: every template of Zona autoescapes).
            url = _INDIRIZZI[chiave] = escape(reverse(self.nome))
        return url


@register.tag
def indirizzo(parser, token):
    parti = token.split_contents()
    if len(parti) != 2 or parti[1][:1] not in "'\"" or parti[1][-1:] != parti[1][:1]:
        raise template.TemplateSyntaxError("{% indirizzo 'nome' %}: il nome di una rotta senza argomenti, tra apici.")
    return IndirizzoNode(parti[1][1:-1])
