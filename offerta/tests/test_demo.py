"""The demo's units carry the places Tab. 3.1 of the Alto Sebino plan prints, say where they
come from, and the LEPS of an Ambito without data say «dato mancante» (never a guess)."""

import io

import pytest
from django.core.management import call_command

from offerta.models import UnitaOfferta

pytestmark = pytest.mark.django_db


def test_demo_units_have_the_places_of_table_3_1_and_their_source(demo_db):
    lovere = {u.tipo_id: u for u in UnitaOfferta.objects.filter(comune__nome="Lovere")}
    # Tab. 3.1: CDD 20, CSE 10, CDI 20, Centro Diurno Anziani 30, Centro Educativo Diurno per Minori 14.
    assert {t: u.posti_accreditati for t, u in lovere.items()} == {
        "cdd": 20,
        "cse": 10,
        "cdi": 20,
        "centro-diurno-anziani": 30,
        "centro-educativo-diurno-minori": 14,
    }
    assert all("Tabella 3.1" in u.fonte and "illustrativi" in u.fonte for u in lovere.values())
    assert "illustrativa" in UnitaOfferta.objects.get(comune__nome="Dalmine").fonte


def test_export_leps_of_alto_sebino_2024_is_all_missing_data(demo_db):
    out = io.StringIO()
    call_command("export_leps", ambito="Alto Sebino", anno="2024", stdout=out)
    righe = out.getvalue().splitlines()
    assert righe[0] == "leps,indicatore,valore,soglia,stato,fonte"
    assert len(righe) == 11 and all(",dato mancante," in r for r in righe[1:])
