"""The demo plans are the seeds' own: counts and figures checked against the documents."""

from decimal import Decimal

import pytest

from programmazione import selectors
from programmazione.models import ObiettivoProvinciale, Piano, Prologo

pytestmark = pytest.mark.django_db


def test_alto_sebino_2021_2023_has_the_23_objectives_of_its_synoptic_table(demo_db):
    piano = Piano.objects.get(ambito="alto-sebino", anno_inizio=2021)
    assert piano.obiettivi.count() == 23
    assert piano.approvato_il.isoformat() == "2021-12-15"
    righe = selectors.sinottica(piano)
    assert [len(r["obiettivi"]) for r in righe] == [9, 7, 6, 1]
    assert [r["macroarea"].titolo.split(" ")[0] for r in righe] == [
        "DOMICILIARITÀ",
        "CONTRASTO",
        "POLITICHE",
        "DIGITALIZZAZIONE",
    ]
    assert [a.codice for a in righe[0]["aree"]] == ["C", "D", "E", "J"]
    # Budget printed by five sheets, e.g. 600.000 € for the integrated child-protection system.
    assert piano.obiettivi.get(codice="AS21-17").budget_stimato == Decimal("600000.00")
    assert sum(o.budget_stimato or 0 for o in piano.obiettivi.all()) == Decimal("929000.00")


def test_the_accordo_counts_its_signatories(demo_db, client):
    piano = Piano.objects.get(ambito="alto-sebino", anno_inizio=2021)
    # 10 Comuni of the Ambito + ATS + ASST Bergamo Est, counted, not typed.
    assert piano.accordo.sottoscrittori.count() == 12
    assert '<strong data-testid="aderenti">12</strong>' in client.get(f"/piani/{piano.pk}/").content.decode()


def test_alto_sebino_2018_2020_has_the_37_evaluated_objectives(demo_db):
    piano = Piano.objects.get(ambito="alto-sebino", anno_inizio=2018)
    assert piano.obiettivi.count() == 37
    assert piano.obiettivi.filter(area_policy="J").count() == 13  # 4.2 Disabilità


def test_prologo_2025_2027_has_six_sociosanitary_and_six_social_objectives(demo_db, client):
    prologo = Prologo.objects.get(anno_inizio=2025)
    assert ObiettivoProvinciale.objects.filter(prologo=prologo, tipo="sociosanitario").count() == 6
    assert ObiettivoProvinciale.objects.filter(prologo=prologo, tipo="sociale").count() == 6
    pagina = client.get("/prologo/").content.decode()
    assert "SS1." in pagina and "S6." in pagina


def test_dalmine_2024_project_sheet_with_its_phases(demo_db):
    piano = Piano.objects.get(ambito="dalmine", anno_inizio=2021)
    ob = piano.obiettivi.get()
    assert ob.area_policy is None  # a system action
    assert ob.azioni.count() == 5
    ultima = ob.azioni.order_by("-ordine").first()
    assert (ultima.scadenza.isoformat(), ultima.completata_il.isoformat()) == ("2024-12-31", "2024-12-16")


def test_pages_of_the_demo_plans(demo_db, client):
    piano = Piano.objects.get(ambito="alto-sebino", anno_inizio=2021)
    sinottica = client.get(f"/piani/{piano.pk}/sinottica/").content.decode()
    assert "Verso una comunità (davvero) educante" in sinottica
    pagina = client.get(f"/obiettivi/{piano.obiettivi.get(codice='AS21-17').pk}/").content.decode()
    assert "600.000,00 €" in pagina
    confronto = client.get("/piani/confronto/?triennio=2021").content.decode()
    assert "Alto Sebino" in confronto and "Dalmine" in confronto


def test_plan_page_shows_the_estimated_amounts_of_the_sheets(demo_db, client):
    piano = Piano.objects.get(ambito="alto-sebino", anno_inizio=2021)
    pagina = client.get(f"/piani/{piano.pk}/").content.decode()
    assert '<dd class="col-sm-7" data-testid="preventivati">929.000,00 € (5 obiettivi)</dd>' in pagina
