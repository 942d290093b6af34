"""Structured logs: JSON lines on stderr with the request id, which the response carries too."""

import json
import logging

import pytest

from zona.log import JsonFormatter, RequestIdFilter


@pytest.fixture
def righe():
    """Log records formatted as the production handler does, as parsed JSON."""
    uscita = []

    class Raccogli(logging.Handler):
        def emit(self, record):
            uscita.append(json.loads(self.format(record)))

    handler = Raccogli()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    radice = logging.getLogger()
    richieste = logging.getLogger("zona.richieste")
    livello = richieste.level
    richieste.setLevel(logging.INFO)
    radice.addHandler(handler)
    yield uscita
    radice.removeHandler(handler)
    richieste.setLevel(livello)


@pytest.mark.django_db
def test_each_request_logs_one_json_line_with_its_id(client, righe):
    response = client.get("/salute/")
    rid = response["X-Request-ID"]
    assert len(rid) == 32
    riga = next(r for r in righe if r["logger"] == "zona.richieste")
    assert riga["request_id"] == rid
    assert (riga["method"], riga["path"], riga["status"], riga["user_id"]) == ("GET", "/salute/", 200, None)
    assert riga["level"] == "INFO" and riga["duration_ms"] >= 0


@pytest.mark.django_db
def test_the_proxy_request_id_is_kept_when_sane(client, righe):
    assert client.get("/salute/", headers={"X-Request-ID": "proxy-123.abc"})["X-Request-ID"] == "proxy-123.abc"
    ostile = client.get("/salute/", headers={"X-Request-ID": 'x"\n{"level": "CRITICAL"}'})
    assert ostile["X-Request-ID"] != 'x"\n{"level": "CRITICAL"}' and len(ostile["X-Request-ID"]) == 32


def test_exceptions_and_extra_fields_stay_on_one_line(righe):
    try:
        raise ValueError("riga 1\nriga 2")
    except ValueError:
        logging.getLogger("zona.prova").exception("caricamento fallito", extra={"file": "dati.csv"})
    riga = righe[-1]
    assert riga["message"] == "caricamento fallito"
    assert riga["file"] == "dati.csv"
    assert "ValueError: riga 1\nriga 2" in riga["exception"]
    assert riga["request_id"] is None
