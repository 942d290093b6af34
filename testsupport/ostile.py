"""Hostile text for the tests that look for unescaped markup (issue 7).

`rendi_ostili()` rewrites every free-text field of the given models (by default those of the
registry, the knowledge base and the apps listed in `APP_CON_TESTI`) so that it starts with
markup; `markup_non_escapato(html)` lists the hostile markup that reached a page unescaped. For
documents (DOCX, PDF), look for `STRINGHE_OSTILI` in the extracted text: there the markup must
appear literally, as text.
"""

from html.parser import HTMLParser

from django.apps import apps
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Left

STRINGHE_OSTILI = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
OSTILE = "".join(STRINGHE_OSTILI)
# Apps whose models hold text that users or sources write. Others' apps are added here.
APP_CON_TESTI = ["territorio", "conoscenza", "programmazione", "monitoraggio", "documenti"]


def campi_di_testo(modello):
    """The free-text fields of a model: text people write, not codes, keys or choices."""
    campi = []
    for f in modello._meta.concrete_fields:
        if not isinstance(f, (models.CharField, models.TextField)):
            continue
        if f.primary_key or f.choices or not f.editable or isinstance(f, models.SlugField):
            continue
        if f.max_length is not None and f.max_length < len(OSTILE) + 5:
            continue
        campi.append(f)
    return campi


def rendi_ostili(modelli=None, prefisso=OSTILE):
    """Prefix every free-text field of every row of `modelli` with hostile markup, in the
    database (one UPDATE per field; unique values stay unique). Returns {model label: [fields]}."""
    if modelli is None:
        modelli = [m for app in APP_CON_TESTI if app in apps.app_configs for m in apps.get_app_config(app).get_models()]
    toccati = {}
    for modello in modelli:
        campi = campi_di_testo(modello)
        if not campi:
            continue
        aggiornamenti = {}
        for f in campi:
            nuovo = Concat(Value(prefisso), F(f.name), output_field=f)
            aggiornamenti[f.name] = Left(nuovo, f.max_length) if f.max_length else nuovo
        modello._base_manager.update(**aggiornamenti)
        toccati[modello._meta.label] = [f.name for f in campi]
    return toccati


class _CercaEseguibili(HTMLParser):
    """Elements a browser would run: event-handler attributes, the hostile image, scripts
    whose body calls alert. Attribute values are parsed, so escaped text inside them is text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.trovati = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for nome, valore in attrs:
            if nome.startswith("on"):
                self.trovati.append(f"<{tag} {nome}={valore!r}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.trovati.append("<img src=x>")
        # A data block (JSON-LD, JSON) is never run: its text matters only if it closes the
        # element, and then what follows is parsed as markup and checked like the rest.
        tipo = (dict(attrs).get("type") or "text/javascript").lower()
        self._in_script = tag == "script" and ("javascript" in tipo or tipo == "module")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            self.trovati.append(f"<script>{data[:60]}")


def markup_non_escapato(html):
    """The hostile markup a browser would run in `html` (empty list if the page is safe)."""
    trovati = [s for s in STRINGHE_OSTILI if s in html]
    parser = _CercaEseguibili()
    parser.feed(html)
    parser.close()
    return trovati + parser.trovati
