"""Where zona.lib.valori meets Django: the doors through which outside text comes in.

- `RifiutaNulMiddleware`: a NUL byte in the path or the query string is refused at once (404
  for a path, which no route can match; 400, or 422 on the API, for a query), before any view
  or policy passes it to PostgreSQL, which cannot store it in text (a 500 otherwise).
- URL converters, registered here, used as `<id:pk>` in `urls.py` and `{id:pk}` in ninja paths:
  `id` (a positive integer the databases can hold: "5.0", "0" and 20 digits match no route,
  so the policy of the route never sees them), `codice` (an Ambito's or indicator's code) and
  `istat` (six digits).
- Query parameters of pages: `parametro(request, "anno", valori.anno)` parses one with a
  function of zona.lib.valori and turns its error into `ParametroNonValido`, which the views
  show as a message (or `ParametroNonValido.risposta()`, a 400 page).
- Django form fields backed by valori (`CampoDecimale`, `CampoImporto`, `CampoIntero`,
  `CampoAnno`, `CampoData`, `CampoTesto`, `CampoCodice`): the same limits and messages as the
  API and the importers.
- API types (`Importo`, `Anno`, `Id`, `Codice`, `Testo`, `Giorno`) for django-ninja parameters
  and schemas: valori runs before pydantic (so `1E+500000` is refused on its text), and the
  limits are also written in the OpenAPI schema (pattern, maxLength, minimum, maximum), so a
  client and schemathesis know what is valid.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django import forms
from django.http import HttpResponse, JsonResponse
from django.urls import register_converter
from pydantic import BeforeValidator, Field, WithJsonSchema

from . import valori
from .valori import ValoreNonValido

# --- NUL in the path or the query string ----------------------------------------------------


def _in_api(path):
    return path.startswith("/api/")


class RifiutaNulMiddleware:
    """A NUL byte anywhere in the path or query string ends the request here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            return _risposta(request, 404, "L'indirizzo contiene un carattere nullo (NUL): nessuna pagina corrisponde.")
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            stato = 422 if _in_api(request.path_info) else 400
            return _risposta(
                request,
                stato,
                "I parametri dell'indirizzo contengono un carattere nullo (NUL): toglierlo e riprovare.",
            )
        return self.get_response(request)


def _risposta(request, stato, messaggio):
    if _in_api(request.path_info):
        return JsonResponse({"detail": messaggio}, status=stato)
    return HttpResponse(messaggio, status=stato, content_type="text/plain; charset=utf-8")


def non_trovato_api(request, exception=None):
    """The 404 of an address under /api/ that matches no operation (a bad id in the path):
    JSON like every other answer of the API. Pages keep Django's 404 page."""
    from django.views.defaults import page_not_found

    if _in_api(request.path_info):
        return JsonResponse({"detail": "Non trovato."}, status=404)
    return page_not_found(request, exception)


# --- URL converters --------------------------------------------------------------------------


class IdConverter:
    """A row id: 1 to 19 digits, at most 2**63-1; anything else matches no route (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value):
        return valori.identificativo(value)  # ValueError: Django tries the next route

    def to_url(self, value):
        return str(value)


class CodiceConverter:
    """A slug code (Ambito, indicator, area): at most 60 characters."""

    regex = "[A-Za-z0-9][A-Za-z0-9_-]{0,59}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


class IstatConverter:
    """A Comune's ISTAT code: six digits."""

    regex = "[0-9]{6}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")
register_converter(CodiceConverter, "codice")
register_converter(IstatConverter, "istat")


# --- query parameters of pages --------------------------------------------------------------


class ParametroNonValido(ValueError):
    """A query parameter that cannot be used; the message is for the user."""

    def risposta(self):
        return HttpResponse(str(self), status=400, content_type="text/plain; charset=utf-8")


def parametro(request, nome, funzione=valori.testo, predefinito=None, **limiti):
    """`request.GET[nome]` parsed by `funzione` (one of zona.lib.valori) with `limiti`, or
    `predefinito` when absent or empty. Raises ParametroNonValido with valori's message."""
    grezzo = request.GET.get(nome, "")
    if grezzo.strip() == "":
        return predefinito
    try:
        return funzione(grezzo, **{"campo": nome, **limiti})
    except ValoreNonValido as e:
        raise ParametroNonValido(str(e)) from None


def scelta(request, nome, ammessi, predefinito=None):
    """A query parameter that must be one of `ammessi` (a format, an ordering)."""
    grezzo = request.GET.get(nome, "")
    if grezzo == "":
        return predefinito
    if grezzo not in ammessi:
        raise ParametroNonValido(
            f"{nome}: «{valori.mostra(grezzo)}» non è ammesso: usare {', '.join(sorted(map(str, ammessi)))}."
        )
    return grezzo


# --- form fields -----------------------------------------------------------------------------


class _CampoValori(forms.Field):
    """A form field whose text goes through a function of zona.lib.valori."""

    funzione = staticmethod(valori.testo)

    def __init__(self, *, limiti=None, **kwargs):
        self.limiti = limiti or {}
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.funzione(value, **self.limiti)
        except ValoreNonValido as e:
            # The form shows the label next to the message: the message says the rest.
            messaggio = e.motivo[:1].upper() + e.motivo[1:]
            raise forms.ValidationError(messaggio, code="invalid") from None


class CampoDecimale(_CampoValori):
    funzione = staticmethod(valori.decimale)

    def __init__(self, *, max_cifre=20, decimali=4, minimo=None, massimo=None, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        limiti = {"max_cifre": max_cifre, "decimali": decimali, "minimo": minimo, "massimo": massimo}
        super().__init__(limiti=limiti, **kwargs)


class CampoImporto(CampoDecimale):
    def __init__(self, *, max_cifre=14, minimo=Decimal(0), massimo=None, **kwargs):
        super().__init__(max_cifre=max_cifre, decimali=2, minimo=minimo, massimo=massimo, **kwargs)


class CampoIntero(_CampoValori):
    funzione = staticmethod(valori.intero)

    def __init__(self, *, minimo=None, massimo=None, max_cifre=18, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(limiti={"minimo": minimo, "massimo": massimo, "max_cifre": max_cifre}, **kwargs)


class CampoAnno(CampoIntero):
    def __init__(self, *, minimo=1800, massimo=2200, **kwargs):
        super().__init__(minimo=minimo, massimo=massimo, max_cifre=4, **kwargs)


class CampoData(_CampoValori):
    funzione = staticmethod(valori.data)

    def __init__(self, *, minimo=datetime.date(1800, 1, 1), massimo=datetime.date(2200, 12, 31), **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(limiti={"minimo": minimo, "massimo": massimo}, **kwargs)


class CampoTesto(_CampoValori):
    funzione = staticmethod(valori.testo)

    def __init__(self, *, max_lunghezza=200, multilinea=False, **kwargs):
        if multilinea:
            kwargs.setdefault("widget", forms.Textarea)
        super().__init__(limiti={"max_lunghezza": max_lunghezza, "multilinea": multilinea}, **kwargs)
        self.widget.attrs.setdefault("maxlength", str(max_lunghezza))

    def to_python(self, value):
        return super().to_python(value) or ""


class CampoCodice(_CampoValori):
    funzione = staticmethod(valori.codice)

    def __init__(self, *, max_lunghezza=60, **kwargs):
        super().__init__(limiti={"max_lunghezza": max_lunghezza}, **kwargs)


# --- limits on every field of a form ---------------------------------------------------------

# Text fields without a max_length (notes, descriptions) stop here.
TESTO_MAX = 20_000


class _SenzaControllo:
    """No control characters in a text field (line breaks and tabs in a multi-line one): they
    cannot be written in a DOCX and mean nothing in a name. NUL is Django's own check."""

    def __init__(self, multilinea):
        self.multilinea = multilinea

    def __call__(self, value):
        try:
            valori.testo(value, max_lunghezza=len(value), multilinea=self.multilinea, spazi=False)
        except ValoreNonValido as e:
            raise forms.ValidationError(e.motivo[:1].upper() + e.motivo[1:], code="controllo") from None

    def __eq__(self, other):
        return isinstance(other, _SenzaControllo) and other.multilinea == self.multilinea


def limita_campi(form):
    """Give every field of `form` the limits of zona.lib.valori that Django's own fields lack:
    integers within 18 digits, decimals within 20 digits, dates within 1800-2200, text without
    control characters and at most TESTO_MAX characters. Called by `Limitato` (and so by
    every form that uses zona.lib.forms.Bootstrap)."""
    from django.core import validators as v

    for campo in form.fields.values():
        if isinstance(campo, _CampoValori | forms.ChoiceField | forms.FileField | forms.BooleanField):
            continue
        if isinstance(campo, forms.CharField):
            if campo.max_length is None:
                campo.max_length = TESTO_MAX
                campo.validators.append(v.MaxLengthValidator(TESTO_MAX))
            campo.validators.append(_SenzaControllo(isinstance(campo.widget, forms.Textarea)))
        elif isinstance(campo, forms.DecimalField):  # before IntegerField: it is a subclass
            if campo.max_digits is None:
                campo.validators.append(v.DecimalValidator(20, 4))
        elif isinstance(campo, forms.FloatField):
            campo.validators.append(v.MaxValueValidator(1e15))
            campo.validators.append(v.MinValueValidator(-1e15))
        elif isinstance(campo, forms.IntegerField):
            if campo.max_value is None:
                campo.validators.append(v.MaxValueValidator(valori.INTERO_MAX))
            if campo.min_value is None:
                campo.validators.append(v.MinValueValidator(-valori.INTERO_MAX))
        elif isinstance(campo, forms.DateField):
            campo.validators.append(v.MinValueValidator(_DATA_MIN, message="La data è troppo lontana: dal 01/01/1800."))
            campo.validators.append(
                v.MaxValueValidator(_DATA_MAX, message="La data è troppo lontana: fino al 31/12/2200.")
            )


_DATA_MIN, _DATA_MAX = datetime.date(1800, 1, 1), datetime.date(2200, 12, 31)


class Limitato:
    """Form mixin: `limita_campi` on every instance."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limita_campi(self)


# --- API types (django-ninja / pydantic) ----------------------------------------------------

_FORMA_CODICE = "^[A-Za-z0-9][A-Za-z0-9._-]*$"
# No control characters: what valori.testo refuses on one line.
_FORMA_TESTO = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"


def _con(funzione, **limiti):
    def valida(valore):
        if isinstance(valore, str | int | float | Decimal | datetime.date):
            return funzione(valore, **limiti)
        return valore

    return BeforeValidator(valida)


ID_API = Annotated[int, Field(ge=1, le=valori.ID_MAX)]
"""A row id in an API path (`{id:pk}` already refuses anything else)."""

Anno = Annotated[int, Field(ge=1800, le=2200)]
Codice = Annotated[str, Field(min_length=1, max_length=60, pattern=_FORMA_CODICE)]
Testo = Annotated[str, Field(max_length=200, pattern=_FORMA_TESTO)]


def importo_api(massimo=Decimal("999999999999.99")):
    """An amount in euro with two decimals up to `massimo`, refused on its text when it is
    not one (before pydantic builds the Decimal). Written in the schema as the text it is in a
    query: digits, a point and at most two decimals."""
    interi = len(str(int(massimo)))
    return Annotated[
        Decimal,
        _con(valori.importo, campo="importo", massimo=massimo),
        WithJsonSchema(
            {
                "type": "string",
                "pattern": f"^[0-9]{{1,{interi}}}(\\.[0-9]{{1,2}})?$",
                "description": f"Importo in euro, al massimo {interi} cifre e due decimali (es. 120000.00).",
            }
        ),
    ]


Importo = importo_api()


def intero_api(minimo, massimo):
    return Annotated[int, Field(ge=minimo, le=massimo)]


def _giorno(valore):
    if isinstance(valore, str) and len(valore) > 20:
        raise ValoreNonValido(f"«{valori.mostra(valore)}» non è una data: scriverla come 2024-12-31.", "data")
    return valore


Giorno = Annotated[datetime.date, BeforeValidator(_giorno)]
"""A date in ISO form (2024-12-31); pydantic's own parser, its length bounded first."""


# Every error answer of the API: {"detail": message} from HttpError and the middleware, or the
# list of ninja's validation errors. api.ZonaAPI documents it on every operation.
ERRORE = {
    "title": "Errore",
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}],
            "title": "Dettaglio",
        }
    },
    "required": ["detail"],
}


def risposta_errore(descrizione):
    """An error answer in the OpenAPI schema, for `openapi_extra={"responses": {404: ...}}` of
    an operation that gives one the general rules of api.ZonaAPI do not foresee."""
    return {
        "description": descrizione,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errore"}}},
    }
