"""The API's error answers in Italian, with django-ninja's structure unchanged.

A 422 keeps `{"detail": [{"type", "loc", "msg", "ctx"?}, ...]}`: `type` and `loc` stay as
pydantic gives them (clients may switch on them), `msg` is the Italian sentence for the type.
A message written by Zona's own validators (a `ValueError` with Italian text) is kept, without
pydantic's English prefix. 404 and 401 say the same in Italian.
"""

from django.http import Http404
from ninja.errors import AuthenticationError, ValidationError

# pydantic's error type -> Italian message; {names} come from the error's `ctx`.
MESSAGGI = {
    "missing": "Campo obbligatorio.",
    "int_parsing": "Deve essere un numero intero.",
    "int_type": "Deve essere un numero intero.",
    "int_from_float": "Deve essere un numero intero, senza decimali.",
    "int_parsing_size": "Numero intero troppo grande.",
    "float_parsing": "Deve essere un numero.",
    "float_type": "Deve essere un numero.",
    "decimal_parsing": "Deve essere un numero (es. 1234.56).",
    "decimal_type": "Deve essere un numero (es. 1234.56).",
    "decimal_max_digits": "Al massimo {max_digits} cifre.",
    "decimal_max_places": "Al massimo {decimal_places} decimali.",
    "decimal_whole_digits": "Al massimo {whole_digits} cifre prima della virgola.",
    "finite_number": "Deve essere un numero finito.",
    "bool_parsing": "Deve essere vero o falso (true o false).",
    "bool_type": "Deve essere vero o falso (true o false).",
    "string_type": "Deve essere un testo.",
    "string_too_short": "Almeno {min_length} caratteri.",
    "string_too_long": "Al massimo {max_length} caratteri.",
    "string_pattern_mismatch": "Formato non valido.",
    "greater_than": "Deve essere maggiore di {gt}.",
    "greater_than_equal": "Deve essere almeno {ge}.",
    "less_than": "Deve essere minore di {lt}.",
    "less_than_equal": "Deve essere al massimo {le}.",
    "multiple_of": "Deve essere un multiplo di {multiple_of}.",
    "date_parsing": "Data non valida: usare AAAA-MM-GG.",
    "date_from_datetime_parsing": "Data non valida: usare AAAA-MM-GG.",
    "date_from_datetime_inexact": "Data non valida: usare AAAA-MM-GG, senza ora.",
    "date_type": "Data non valida: usare AAAA-MM-GG.",
    "datetime_parsing": "Data e ora non valide: usare AAAA-MM-GGTHH:MM:SS.",
    "datetime_from_date_parsing": "Data e ora non valide: usare AAAA-MM-GGTHH:MM:SS.",
    "datetime_type": "Data e ora non valide: usare AAAA-MM-GGTHH:MM:SS.",
    "enum": "Valore non ammesso: usare {expected}.",
    "literal_error": "Valore non ammesso: usare {expected}.",
    "list_type": "Deve essere un elenco.",
    "too_short": "Almeno {min_length} elementi.",
    "too_long": "Al massimo {max_length} elementi.",
    "dict_type": "Deve essere un oggetto JSON.",
    "model_type": "Deve essere un oggetto JSON.",
    "model_attributes_type": "Deve essere un oggetto JSON.",
    "json_invalid": "JSON non valido.",
    "json_type": "JSON non valido.",
    "extra_forbidden": "Campo non previsto.",
    "url_parsing": "Indirizzo web non valido.",
    "url_scheme": "Indirizzo web non valido: deve iniziare con http:// o https://.",
    "url_type": "Indirizzo web non valido.",
    "uuid_parsing": "Identificativo non valido.",
    "uuid_type": "Identificativo non valido.",
}
GENERICO = "Valore non valido."
# pydantic prefixes the text of a validator's exception with these.
PREFISSI = ("Value error, ", "Assertion failed, ")


def messaggio(errore):
    """The Italian `msg` of one pydantic error dict."""
    tipo = errore.get("type", "")
    if tipo in ("value_error", "assertion_error"):
        testo = str(errore.get("msg", ""))
        for prefisso in PREFISSI:
            testo = testo.removeprefix(prefisso)
        return testo or GENERICO
    modello = MESSAGGI.get(tipo)
    if modello is None:
        return GENERICO
    try:
        return modello.format(**{k: str(v) for k, v in (errore.get("ctx") or {}).items()})
    except (KeyError, IndexError):
        return GENERICO


def registra(api):
    """Install the Italian handlers on `api` (a NinjaAPI)."""

    def validazione(request, exc):
        return api.create_response(request, {"detail": [{**e, "msg": messaggio(e)} for e in exc.errors]}, status=422)

    def non_trovato(request, exc):
        return api.create_response(request, {"detail": "Non trovato."}, status=404)

    def autenticazione(request, exc):
        return api.create_response(request, {"detail": "Accesso richiesto."}, status=exc.status_code)

    api.add_exception_handler(ValidationError, validazione)
    api.add_exception_handler(Http404, non_trovato)
    api.add_exception_handler(AuthenticationError, autenticazione)
