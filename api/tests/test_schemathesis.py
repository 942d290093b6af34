"""API fuzzing with schemathesis against the schema the site serves (/api/openapi.json): a
bounded run (few examples per operation, no shrinking), in-process through Django's WSGI
application on the demo. No answer may be a server error, every answer must be documented
(status code) and match its schema and content type, and no request valid by the schema may
be refused as invalid. Endpoints added later are fuzzed automatically: the
operations are read from the API's own schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from api.api import api

pytestmark = pytest.mark.scansione

# Examples per operation: enough to find crashes on odd input, few enough to keep CI short.
ESEMPI = 12

# Every answer must be documented (status code, schema, content type), and a request the
# schema calls valid must not be refused as invalid (400/422).
CONTROLLI = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    positive_data_acceptance,
]

OPERAZIONI = [
    (metodo.upper(), percorso) for percorso, metodi in api.get_openapi_schema()["paths"].items() for metodo in metodi
]


@pytest.fixture
def schema_servito(demo_db):
    # Each request through the WSGI handler would close the test's database connection (and
    # with it the transaction that holds the demo): not during this test.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        from django.core.wsgi import get_wsgi_application

        yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("metodo,percorso", OPERAZIONI, ids=[f"{m} {p}" for m, p in OPERAZIONI])
def test_api_fuzzing(schema_servito, metodo, percorso):
    operazione = schema_servito[percorso][metodo]

    @given(case=operazione.as_strategy())
    @settings(
        max_examples=ESEMPI,
        deadline=None,
        derandomize=True,  # the same examples on every run: a CI failure can be reproduced
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def prova(case):
        case.call_and_validate(checks=CONTROLLI)

    prova()
