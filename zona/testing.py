"""Helpers for the tests that go through every route or every text field (issue 7).

Sample URL arguments
    `ESEMPI` gives, for each URL argument, the values to request every route with (the role
    matrix, the hostile-input pages). A key is either an argument name (`"codice"`, used by every
    route with that argument) or `"namespace:name.argument"` for one route only. A value is a
    list, or a function called inside the test (demo loaded) that returns a list. When the
    arguments of a route depend on each other (an indicator of that objective), the key
    `"namespace:name"` gives the whole list of kwargs dicts instead. A route with
    an argument that has no sample makes `argomenti_di_esempio` raise `EsempioMancante`, which
    names it: add the sample here when adding the route. Two values per object argument, when
    possible: one of the Ambito Alto Sebino (where the demo's Ufficio di Piano and Comune users
    work) and one of another Ambito (Dalmine), so that object-level refusals are exercised.

Hostile text
    `rendi_ostili()` rewrites every free-text field of the given models (by default those of the
    registry, the knowledge base and the apps listed in `APP_CON_TESTI`) so that it starts with
    markup; `markup_non_escapato(html)` lists the hostile markup that reached a page unescaped.
    For documents (DOCX, PDF), look for `STRINGHE_OSTILI` in the extracted text: there the
    markup must appear literally, as text.
"""

import re
from html.parser import HTMLParser
from itertools import product

from django.apps import apps
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Left


class EsempioMancante(LookupError):
    pass


def _comune_di(ambito):
    def trova():
        from territorio.models import AppartenenzaComune

        return [
            AppartenenzaComune.objects.filter(ambito_id=ambito, al__isnull=True)
            .order_by("comune_id")
            .values_list("comune_id", flat=True)
            .first()
        ]

    return trova


def _piani():
    from programmazione.models import Piano

    valori = []
    for ambito in ("alto-sebino", "dalmine"):
        piano = Piano.objects.filter(ambito_id=ambito).order_by("-pk").values_list("pk", flat=True).first()
        if piano is not None:
            valori.append(piano)
    return valori


def _obiettivi():
    from programmazione.models import Obiettivo

    valori = []
    for ambito in ("alto-sebino", "dalmine"):
        ob = Obiettivo.objects.filter(piano__ambito_id=ambito).order_by("-pk").values_list("pk", flat=True).first()
        if ob is not None:
            valori.append(ob)
    return valori


def _di_obiettivo(modello, argomento, **fissi):
    """kwargs {obiettivo, <argomento>} for one row of `modello` (an objective's detail) per
    sample Ambito, so the pair always matches."""

    def trova():
        m = apps.get_model(modello)
        combinazioni = []
        for ambito in ("alto-sebino", "dalmine"):
            riga = m.objects.filter(obiettivo__piano__ambito_id=ambito).order_by("pk").first()
            if riga is not None:
                combinazioni.append({"obiettivo": riga.obiettivo_id, argomento: riga.pk, **fissi})
        return combinazioni

    return trova


ESEMPI = {
    "codice": ["alto-sebino", "dalmine"],
    "codice_istat": lambda: ["016128"] + _comune_di("dalmine")(),  # Lovere, and a Comune of Dalmine
    "conoscenza:modello.formato": ["csv", "xlsx"],
    "pk": _piani,
    "api:piano.pk": _piani,
    "api:obiettivi.pk": _piani,
    "obiettivo": _obiettivi,
    "api:obiettivo.obiettivo": _obiettivi,
    "programmazione:dettaglio_elimina": lambda: (
        _di_obiettivo("programmazione.IndicatoreObiettivo", "id", tipo="indicatore")()
        + _di_obiettivo("programmazione.Azione", "id", tipo="azione")()
    ),
    "monitoraggio:misurazione": _di_obiettivo("programmazione.IndicatoreObiettivo", "indicatore"),
    "monitoraggio:stato_azione": _di_obiettivo("programmazione.Azione", "azione"),
}

_ARGOMENTO = re.compile(r"<(?:(\w+):)?(\w+)>")


def argomenti_di_esempio(rotta):
    """Every combination of sample values for the URL arguments of `rotta` (an
    accounts.routes.Rotta), as a list of kwargs dicts."""
    nomi = [nome for _, nome in _ARGOMENTO.findall(rotta.route)]
    if nomi and rotta.name in ESEMPI:
        esempio = ESEMPI[rotta.name]
        combinazioni = list(esempio() if callable(esempio) else esempio)
        if not combinazioni:
            raise EsempioMancante(
                f"The samples of route {rotta.name} ({rotta.route}) found nothing in the demo: "
                "fix ESEMPI in zona/testing.py or the demo data."
            )
        return combinazioni
    valori = []
    for nome in nomi:
        esempio = ESEMPI.get(f"{rotta.name}.{nome}", ESEMPI.get(nome))
        if esempio is None:
            raise EsempioMancante(
                f"No sample value for the URL argument «{nome}» of route {rotta.name} ({rotta.route}): "
                f"add '{nome}' or '{rotta.name}.{nome}' to ESEMPI in zona/testing.py."
            )
        lista = list(esempio() if callable(esempio) else esempio)
        if not lista:
            raise EsempioMancante(
                f"The samples of «{nome}» for route {rotta.name} ({rotta.route}) found nothing in the demo: "
                "fix ESEMPI in zona/testing.py or the demo data."
            )
        valori.append(lista)
    return [dict(zip(nomi, combinazione)) for combinazione in product(*valori)]


def url_di(rotta, kwargs):
    """The path of `rotta` with `kwargs` in place of its arguments."""
    return "/" + _ARGOMENTO.sub(lambda m: str(kwargs[m.group(2)]), rotta.route)


# --- hostile text ---------------------------------------------------------------------------

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
        self._in_script = tag == "script"

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
