"""`{% indirizzo %}` (zona/templatetags/indirizzi.py): the URL `{% url %}` gives, reversed once
per process, also under a script prefix."""

import pytest
from django.template import TemplateSyntaxError, engines
from django.urls import reverse, set_script_prefix


def _rendi(testo):
    return engines["django"].from_string("{% load indirizzi %}" + testo).render({})


def test_the_same_url_as_the_url_tag_and_the_script_prefix_followed():
    assert _rendi("{% indirizzo 'fondi:provincia' %}") == reverse("fondi:provincia") == "/fondi/"
    set_script_prefix("/zona/")
    try:
        assert _rendi("{% indirizzo 'fondi:provincia' %}") == "/zona/fondi/"
    finally:
        set_script_prefix("/")
    assert _rendi("{% indirizzo 'fondi:provincia' %}") == "/fondi/"


@pytest.mark.parametrize("testo", ["{% indirizzo fondi:provincia %}", "{% indirizzo 'fondi:storia' 'x' %}"])
def test_only_a_quoted_name(testo):
    with pytest.raises(TemplateSyntaxError, match="tra apici"):
        _rendi(testo)
