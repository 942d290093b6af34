"""The API's error answers are in Italian (issue 17, point 8), with django-ninja's structure:
`type` and `loc` as pydantic gives them, `msg` in Italian."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_422_keeps_its_structure_with_italian_messages(client):
    risposta = client.get("/api/riparto")
    assert risposta.status_code == 422
    assert risposta.json() == {
        "detail": [
            {"type": "missing", "loc": ["query", "importo"], "msg": "Campo obbligatorio."},
            {"type": "missing", "loc": ["query", "anno"], "msg": "Campo obbligatorio."},
        ]
    }


def test_404_and_401_in_italian(client):
    assert client.get("/api/ambiti/non-esiste").json() == {"detail": "Non trovato."}
    risposta = client.get("/api/modifiche")
    assert risposta.status_code == 401 and risposta.json() == {"detail": "Accesso richiesto."}


def test_messages_use_the_limits_and_keep_zona_own_text():
    from api.errori import MESSAGGI, messaggio

    assert messaggio({"type": "decimal_parsing"}) == "Deve essere un numero (es. 1234.56)."
    assert messaggio({"type": "less_than_equal", "ctx": {"le": 1000}}) == "Deve essere al massimo 1000."
    assert messaggio({"type": "string_too_long", "ctx": {"max_length": 60}}) == "Al massimo 60 caratteri."
    assert messaggio({"type": "value_error", "msg": "Value error, importo: troppe cifre."}) == "importo: troppe cifre."
    assert messaggio({"type": "un_tipo_nuovo"}) == "Valore non valido."
    assert all(not m.startswith(("Input", "Field", "Value")) for m in MESSAGGI.values())
