"""The demo plans are the seeds' own: counts and figures checked against the documents."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from programmazione import selectors
from programmazione.models import ObiettivoProvinciale, Piano, Prologo
from testsupport.fabbriche import utente

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
    # The sheets print annual costs (AS21-08, AS21-18) beside amounts for the whole triennio.
    periodi = dict(piano.obiettivi.exclude(budget_stimato=None).values_list("codice", "periodo_budget"))
    assert periodi == {
        "AS21-08": "annuale",
        "AS21-17": "triennio",
        "AS21-18": "annuale",
        "AS21-19": "triennio",
        "AS21-23": "triennio",
    }
    assert selectors.importi_preventivati(piano).totale_triennio == Decimal("1107000.00")


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


def test_dalmine_2024_project_sheet_is_a_project_of_the_extended_2021_2023_plan(demo_db, client):
    piano = Piano.objects.get(ambito="dalmine", anno_inizio=2021)
    # A triennio extended to 31.12.2024 by Regione Lombardia, not a four-year plan "2021-2024".
    assert (piano.triennio, piano.fine_vigenza, piano.anni_in_vigore) == (
        "2021-2023",
        datetime.date(2024, 12, 31),
        [2021, 2022, 2023, 2024],
    )
    proroga = piano.proroga()
    assert proroga.atto_ente == "Regione Lombardia" and proroga.chiusa_il is not None
    progetto = piano.progetti.get()
    assert (progetto.numero, progetto.anno) == ("2/2024", 2024)
    ob = piano.obiettivi.get()
    assert progetto.obiettivo == ob and list(proroga.obiettivi_prorogati.all()) == [ob]
    assert ob.area_policy is None  # a system action
    assert ob.azioni.count() == 5
    ultima = ob.azioni.order_by("-ordine").first()
    assert (ultima.scadenza.isoformat(), ultima.completata_il.isoformat()) == ("2024-12-31", "2024-12-16")
    # The trienni on offer: no phantom "2021-2024" beside 2021-2023.
    assert (2021, 2024) not in selectors.trienni_disponibili() and (2021, 2023) in selectors.trienni_disponibili()
    # Provincial totals of 2021-2023: the 23 objectives of Alto Sebino and Dalmine's system
    # action, each once (the system action used to count 0 in the total, being outside A-J).
    righe = {r["piano"].ambito_id: r for r in selectors.confronto_piani(2021, utente("coordinamento"))["righe"]}
    assert (righe["alto-sebino"]["obiettivi"], righe["dalmine"]["obiettivi"], righe["dalmine"]["sistema"]) == (
        23,
        1,
        1,
    )
    pagina = client.get(f"/piani/{piano.pk}/").content.decode()
    assert "31/12/2024" in pagina and "Scheda 2/2024 (2024" in pagina


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
    # 54.000 and 35.000 a year over three years, plus 600.000, 200.000 and 40.000 for the triennio:
    # never the 929.000 of the printed figures added as they are.
    assert '<span data-testid="preventivati">1.107.000,00 € (5 obiettivi)</span>' in pagina
    assert "<li>AS21-08: 54.000,00 € all&#x27;anno × 3 anni = 162.000,00 €</li>" in pagina
    assert "<li>AS21-17: 600.000,00 € per il triennio</li>" in pagina


def test_export_risorse_piano_gives_each_amount_with_its_period_and_a_triennial_total(demo_db):
    out = io.StringIO()
    call_command("export_risorse_piano", ambito="Alto Sebino", triennio="2021-2023", stdout=out)
    assert out.getvalue().splitlines() == [
        "obiettivo,periodo,importo,importo_triennio,fondo",
        "AS21-08,annuale,54000.00,162000.00,",
        "AS21-17,triennio,600000.00,600000.00,",
        "AS21-18,annuale,35000.00,105000.00,",
        "AS21-19,triennio,200000.00,200000.00,",
        "AS21-23,triennio,40000.00,40000.00,",
        "TOTALE,triennio,1107000.00,1107000.00,",
    ]


def test_export_risorse_piano_names_an_unknown_plan(demo_db):
    with pytest.raises(CommandError, match="non ha un piano per il triennio 2030-2032"):
        call_command("export_risorse_piano", ambito="alto-sebino", triennio="2030-2032", stdout=io.StringIO())
