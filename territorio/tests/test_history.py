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


def test_export_has_the_documented_header_and_one_row_per_comune(registro_minimo):
    lines = export("2026-11-23")
    assert lines[0] == "istat_code,comune,ambito,distretto,asst,ats"
    assert lines[1:] == [
        "016901,Borgo sul Lago,Lago,Distretto Prova,ASST di Prova,ATS di Prova",
        "016902,Monte Alto,Lago,Distretto Prova,ASST di Prova,ATS di Prova",
        "016903,Sant'Andrea,Lago,Distretto Prova,ASST di Prova,ATS di Prova",
        "016904,Campagnola,Pianura,Distretto Prova,ASST di Prova,ATS di Prova",
        "016905,Città di Pianura,Pianura,Distretto Prova,ASST di Prova,ATS di Prova",
        "016906,Isolato,,,,",  # in no Ambito
    ]


def test_export_quotes_names_with_commas(registro_minimo):
    registro_minimo.distretto.nome = "Distretto Lago, Pianura"
    registro_minimo.distretto.save()
    assert '016901,Borgo sul Lago,Lago,"Distretto Lago, Pianura",ASST di Prova,ATS di Prova' in export("2026-11-23")


def test_export_before_the_known_composition_shows_no_memberships(registro_minimo):
    lines = export("2020-12-31")  # the memberships start on 1/1/2021
    assert len(lines) == 1 + 6
    assert all(line.split(",")[2] == "" for line in lines[1:])


def test_a_merged_comune_leaves_the_export_after_its_suppression(registro_minimo):
    monte = Comune.objects.get(pk="016902")
    monte.soppresso_il = datetime.date(2026, 1, 1)
    monte.save()
    assert any(line.startswith("016902,") for line in export("2025-12-31"))
    assert not any(line.startswith("016902,") for line in export("2026-01-01"))


def test_history_of_a_comune_that_changes_ambito(registro_minimo):
    from territorio.services import importa_appartenenze

    importa_appartenenze(b"codice_istat,ambito,dal\n016906,lago,2025-01-01\n", "a.csv")
    importa_appartenenze(b"codice_istat,ambito,dal\n016906,pianura,01/07/2026\n", "b.csv")
    isolato = Comune.objects.get(pk="016906")
    assert selectors.ambito_di(isolato, datetime.date(2024, 12, 31)) is None
    assert selectors.ambito_di(isolato, datetime.date(2026, 6, 30)).pk == "lago"
    assert selectors.ambito_di(isolato, datetime.date(2026, 7, 1)).pk == "pianura"
    storia = [(a.ambito_id, a.dal, a.al) for a in selectors.storia_di(isolato)]
    assert storia == [
        ("pianura", datetime.date(2026, 7, 1), None),
        ("lago", datetime.date(2025, 1, 1), datetime.date(2026, 6, 30)),
    ]


def test_database_refuses_an_end_before_the_start(registro_minimo):
    with pytest.raises(IntegrityError), transaction.atomic():
        AppartenenzaComune.objects.create(
            comune_id="016906", ambito_id="pianura", dal=datetime.date(2025, 1, 2), al=datetime.date(2025, 1, 1)
        )


def test_export_command_rejects_a_bad_date(registro_minimo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Data non valida"):
        call_command("export_territorio", "--date", "31/12/2025", stdout=io.StringIO())
