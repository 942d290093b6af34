"""The status rollup: Dalmine's 2018-2020 slide figures, Alto Sebino's evaluated objectives."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from monitoraggio.selectors import attuazione, percentuale
from programmazione.models import Piano

pytestmark = pytest.mark.django_db


def _export(ambito, triennio):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_attuazione", "--ambito", ambito, "--triennio", triennio, stdout=out, stderr=err)
    return list(csv.DictReader(io.StringIO(out.getvalue()))), err.getvalue()


def test_percentages_are_rounded_half_up_to_one_decimal():
    assert percentuale(46, 65) == Decimal("70.8")  # 70,769…
    assert percentuale(6, 65) == Decimal("9.2")  # 9,230…
    assert percentuale(1, 8) == Decimal("12.5")
    assert percentuale(1, 16) == Decimal("6.3")  # 6,25 -> 6,3, not banker's 6,2
    assert percentuale(3, 0) is None


def test_dalmine_2018_2020_reproduces_the_slide_and_computes_the_percentages(demo_db):
    righe, avvisi = _export("Dalmine", "2018-2020")
    assert list(righe[0]) == ["area", "stato", "numero", "percentuale"]
    totale = {r["stato"]: (int(r["numero"]), r["percentuale"]) for r in righe if r["area"] == "TOTALE"}
    # "65 projects: 46 carried out, 13 partly, 6 not" — the percentages are Zona's: the slide
    # prints 70,7 % and 9,3 %, which 46 and 6 of 65 do not give.
    assert totale == {"attuato": (46, "70.8"), "parzialmente_attuato": (13, "20.0"), "non_attuato": (6, "9.2")}
    per_area = {(r["area"], r["stato"]): int(r["numero"]) for r in righe}
    assert per_area[("Minori e famiglia", "attuato")] == 10
    assert per_area[("Disabili", "parzialmente_attuato")] == 3
    # Where the listed projects and the printed counts disagree, Zona says so.
    assert (
        "Le righe per area sommano a 60 (41 attuato, 13 parzialmente attuato, 6 non attuato), il totale stampato è 65."
        in avvisi
    )
    assert "TOTALE, attuato: la fonte stampa 70,7%, ma 46 su 65 fa 70,8%." in avvisi
    assert "Interventi generali e trasversali: la fonte elenca 27 progetti ma ne conta 26" in avvisi


def test_alto_sebino_2018_2020_rollup_from_the_evaluated_objectives(demo_db):
    piano = Piano.objects.get(ambito="alto-sebino", anno_inizio=2018)
    a = attuazione(piano)
    totale = {r.stato: (r.numero, r.percentuale, r.origine) for r in a.totale()}
    # 37 sheets: 12 at 100 %, 1 not started (AS18-26), the others partly.
    assert totale == {
        "attuato": (12, Decimal("32.4"), "obiettivi"),
        "parzialmente_attuato": (24, Decimal("64.9"), "obiettivi"),
        "non_attuato": (1, Decimal("2.7"), "obiettivi"),
    }
    assert a.verifiche == []
    disabilita = {r.stato: r.numero for r in a.righe if r.area == "Disabilità"}
    assert disabilita == {"attuato": 5, "parzialmente_attuato": 8}


def test_export_errors_are_in_italian(demo_db):
    with pytest.raises(CommandError, match="Ambito «Atlantide» sconosciuto"):
        _export("Atlantide", "2018-2020")
    with pytest.raises(CommandError, match="Triennio «2018» non valido"):
        _export("dalmine", "2018")
    with pytest.raises(CommandError, match="non ha un piano per il triennio 2015-2017"):
        _export("dalmine", "2015-2017")


def test_provincial_page_sums_the_ambiti(demo_db, client):
    pagina = client.get("/monitoraggio/?triennio=2018").content.decode()
    assert "Alto Sebino" in pagina and "Dalmine" in pagina
    # 46 + 12 carried out over 65 + 37 objectives.
    assert "<strong>58</strong> (56,9%)" in pagina


def test_api_attuazione_of_dalmine(client, demo_db):
    piano = Piano.objects.get(ambito="dalmine", anno_inizio=2018)
    dati = client.get(f"/api/piani/{piano.pk}/attuazione").json()
    totale = {r["stato"]: (r["numero"], r["percentuale"]) for r in dati["righe"] if r["area"] == "TOTALE"}
    assert totale["attuato"] == (46, "70.8")
    assert any("il totale stampato è 65" in v for v in dati["verifiche"])
    misure = client.get(
        f"/api/obiettivi/{Piano.objects.get(ambito='dalmine', anno_inizio=2021).obiettivi.get().pk}/misurazioni"
    ).json()
    assert [(m["descrizione"][:3], m["valore"]) for m in misure][-1] == ("I3b", "36.0000")
