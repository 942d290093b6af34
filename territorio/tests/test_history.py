"""Memberships with validity periods: a Comune moves, the past stays visible."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from territorio import selectors
from territorio.models import AppartenenzaComune, Comune


def export(day):
    out = io.StringIO()
    call_command("export_territorio", "--date", day, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_export_has_the_documented_header_and_one_row_per_comune(demo_db):
    lines = export("2026-11-23")
    assert lines[0] == "istat_code,comune,ambito,distretto,asst,ats"
    assert len(lines) == 1 + 243
    assert (
        '016128,Lovere,Alto Sebino,"Distretto Val Cavallina, Monte Bronzone-Basso Sebino, Alto Sebino",ASST Bergamo Est,ATS Bergamo'
        in lines
    )
    assert "016215,Torre de' Busi,,,," in lines
    # Official ISTAT names, not the source's misspellings.
    assert any(line.startswith("016222,Urgnano,Dalmine,") for line in lines)


@pytest.mark.django_db
def test_export_before_the_known_composition_shows_no_memberships(demo_db):
    lines = export("2020-12-31")
    assert len(lines) == 1 + 243
    assert all(line.split(",")[2] == "" for line in lines[1:])


@pytest.mark.django_db
def test_a_merged_comune_leaves_the_export_after_its_suppression(demo_db):
    lovere = Comune.objects.get(pk="016128")
    lovere.soppresso_il = datetime.date(2026, 1, 1)
    lovere.save()
    assert any(line.startswith("016128,") for line in export("2025-12-31"))
    assert not any(line.startswith("016128,") for line in export("2026-01-01"))


@pytest.mark.django_db
def test_history_of_a_comune_that_changes_ambito(demo_db):
    from territorio.services import importa_appartenenze

    importa_appartenenze(b"codice_istat,ambito,dal\n016215,isola-bergamasca,2025-01-01\n", "a.csv")
    importa_appartenenze(b"codice_istat,ambito,dal\n016215,treviglio,01/07/2026\n", "b.csv")
    torre = Comune.objects.get(pk="016215")
    assert selectors.ambito_di(torre, datetime.date(2026, 6, 30)).pk == "isola-bergamasca"
    assert selectors.ambito_di(torre, datetime.date(2026, 7, 1)).pk == "treviglio"
    storia = [(a.ambito_id, a.dal, a.al) for a in selectors.storia_di(torre)]
    assert storia == [
        ("treviglio", datetime.date(2026, 7, 1), None),
        ("isola-bergamasca", datetime.date(2025, 1, 1), datetime.date(2026, 6, 30)),
    ]


@pytest.mark.django_db
def test_database_refuses_an_end_before_the_start(demo_db):
    with pytest.raises(IntegrityError), transaction.atomic():
        AppartenenzaComune.objects.create(
            comune_id="016215", ambito_id="treviglio", dal=datetime.date(2025, 1, 2), al=datetime.date(2025, 1, 1)
        )


@pytest.mark.django_db
def test_export_command_rejects_a_bad_date(demo_db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Data non valida"):
        call_command("export_territorio", "--date", "31/12/2025", stdout=io.StringIO())
