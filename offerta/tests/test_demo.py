"""The demo's units carry the places Tab. 3.1 of the Alto Sebino plan prints, say where they
come from, and the LEPS of an Ambito without data say «dato mancante» (never a guess)."""

import datetime
import io
from decimal import Decimal

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


def test_demo_register_gives_the_elderly_coverage_of_alto_sebino_in_2023(demo_db):
    from django.db.models import Sum

    from conoscenza.models import Livello, Osservazione
    from conoscenza.selectors import calcola
    from territorio import selectors as territorio
    from territorio.models import Ambito

    ambito = Ambito.objects.get(nome="Alto Sebino")
    comuni = territorio.comuni_di(ambito, datetime.date(2023, 1, 1)).values("pk")
    anziani = (
        Osservazione.objects.attive()
        .filter(misura_id="popolazione_residente", livello="comune", anno=2023, eta_da__gte=65, comune__in=comuni)
        .aggregate(s=Sum("valore"))["s"]
    )
    valori = calcola(Livello.AMBITO, anni=[2023], indicatori=["copertura_anziani"], territori=[ambito.pk])
    # The demo's CDI (20) and centro diurno anziani (30) in Lovere; no RSA (Tab. 3.1 does not split its 3).
    assert valori[(ambito.pk, 2023, "copertura_anziani")] == (Decimal(50) * 1000 / Decimal(anziani)).normalize()
    assert 1 < valori[(ambito.pk, 2023, "copertura_anziani")] < 20
