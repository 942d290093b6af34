"""An estimated amount always has a period; totals are in terms of the plan's triennio."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from programmazione import selectors
from programmazione.forms import ObiettivoForm
from programmazione.models import PeriodoImporto, importo_nel_triennio

pytestmark = pytest.mark.django_db


def test_conversion_to_the_triennio():
    assert importo_nel_triennio(Decimal("54000.00"), PeriodoImporto.ANNUALE, 3) == Decimal("162000.00")
    assert importo_nel_triennio(Decimal("600000.00"), PeriodoImporto.TRIENNIO, 3) == Decimal("600000.00")
    assert importo_nel_triennio(Decimal("5000.00"), PeriodoImporto.UNA_TANTUM, 3) == Decimal("5000.00")
    # A plan extended to four years counts an annual amount four times.
    assert importo_nel_triennio(Decimal("10.00"), PeriodoImporto.ANNUALE, 4) == Decimal("40.00")
    with pytest.raises(ValueError):
        importo_nel_triennio(Decimal("1.00"), "", 3)


def test_the_database_refuses_an_amount_without_a_period(bozza):
    ob = bozza.obiettivi.get()
    ob.budget_stimato = Decimal("100.00")
    ob.periodo_budget = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        ob.save()


def _dati(ob, **extra):
    return {"titolo": ob.titolo, "area_policy": ob.area_policy_id, "versione": ob.versione, **extra}


def test_the_form_asks_for_the_period_of_an_amount(bozza):
    ob = bozza.obiettivi.get()
    form = ObiettivoForm(_dati(ob, budget_stimato="5000"), instance=ob, piano=bozza)
    assert not form.is_valid()
    assert form.errors["periodo_budget"] == ["Indicare se l'importo è all'anno, per il triennio o una tantum."]
    form = ObiettivoForm(_dati(ob, budget_stimato="5000", periodo_budget="una_tantum"), instance=ob, piano=bozza)
    assert form.is_valid(), form.errors
    # A period without an amount is dropped, not kept dangling.
    form = ObiettivoForm(_dati(ob, periodo_budget="annuale"), instance=ob, piano=bozza)
    assert form.is_valid() and form.cleaned_data["periodo_budget"] == ""


def test_plan_total_mixes_no_periods(bozza):
    ob = bozza.obiettivi.get()
    ob.budget_stimato, ob.periodo_budget = Decimal("1000.00"), PeriodoImporto.ANNUALE
    ob.save()
    p = selectors.importi_preventivati(bozza)
    assert [(r.importo, r.importo_triennio) for r in p.righe] == [(Decimal("1000.00"), Decimal("3000.00"))]
    assert p.totale_triennio == Decimal("3000.00")
