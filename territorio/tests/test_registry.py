"""The demo registry against the Prologo 2025-2027 table and the ISTAT list."""

import datetime
import io

import pytest
from django.core.management import call_command

from territorio import selectors, services
from territorio.models import Ambito, AppartenenzaComune, Comune, Incarico, Organo

OGGI = datetime.date(2026, 11, 23)

# Comuni per Ambito as printed in the Prologo 2025-2027 table (002, lines 162-176).
COMUNI_PER_AMBITO = {
    "bergamo": 6,
    "dalmine": 17,
    "seriate": 11,
    "grumello": 8,
    "val-cavallina": 20,
    "basso-sebino": 12,
    "alto-sebino": 10,
    "valle-seriana": 18,
    "valle-seriana-superiore": 24,
    "valle-brembana": 37,
    "valle-imagna": 20,
    "isola-bergamasca": 24,
    "treviglio": 18,
    "romano": 17,
}


@pytest.mark.django_db
def test_province_has_243_istat_comuni_and_14_ambiti(demo_db):
    assert Comune.objects.filter(sigla_provincia="BG").esistenti_il(datetime.date.today()).count() == 243
    # and the four Comuni merged in 2014 (territorio/data/comuni_storici.csv)
    assert Comune.objects.filter(sigla_provincia="BG").count() == 243 + 4
    assert Ambito.objects.count() == 14
    lovere = Comune.objects.get(pk="016128")
    assert (lovere.nome, lovere.codice_catastale, lovere.provincia) == ("Lovere", "E704", "Bergamo")


@pytest.mark.django_db
def test_per_ambito_counts_match_the_source_table(demo_db):
    for codice, atteso in COMUNI_PER_AMBITO.items():
        ambito = Ambito.objects.get(pk=codice)
        assert selectors.comuni_di(ambito, OGGI).count() == atteso, codice


@pytest.mark.django_db
def test_every_comune_is_in_exactly_one_ambito_or_reported(demo_db):
    report = selectors.riconcilia(services.righe_prologo_2025(), services.ambiti_per_nome_fonte(), OGGI)
    assigned = AppartenenzaComune.objects.valid_on(OGGI)
    assert assigned.count() == 242
    assert assigned.values("comune").distinct().count() == 242
    assert report.in_piu_ambiti == []
    assert [c.nome for c in report.non_assegnati] == ["Torre de' Busi"]
    assert report.non_risolti == []


@pytest.mark.django_db
def test_reconciliation_lists_the_misspelt_names_it_resolved(demo_db):
    report = selectors.riconcilia(services.righe_prologo_2025(), services.ambiti_per_nome_fonte(), OGGI)
    resolved = {nome: comune.nome for _, nome, comune in report.risolti_con_alias}
    assert resolved == {
        "Urganò": "Urgnano",
        "Berzo S. Fermo": "Berzo San Fermo",
        "Vigano S. Martino": "Vigano San Martino",
        "Lefte": "Leffe",
        "Bello": "Blello",
        "Costa di Serina": "Costa Serina",
        "Rota Imagna": "Rota d'Imagna",
        "Brembate Sopra": "Brembate di Sopra",
        "Misano Gera d'Adda": "Misano di Gera d'Adda",
    }


@pytest.mark.django_db
def test_reconcile_command_reports_and_fails_on_unassigned_comune(demo_db):
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("reconcile_territorio", "--date", "2026-11-23", stdout=out)
    assert exc.value.code == 1
    text = out.getvalue()
    assert "Torre de' Busi (016215)" in text
    assert "«Urganò» (Ambito Dalmine) -> Urgnano (016222)" in text
    assert "NON coerente" in text


@pytest.mark.django_db
def test_reconcile_command_passes_once_the_comune_is_assigned(demo_db):
    AppartenenzaComune.objects.create(comune_id="016215", ambito_id="isola-bergamasca", dal=datetime.date(2025, 1, 1))
    out = io.StringIO()
    call_command("reconcile_territorio", "--date", "2026-11-23", stdout=out)
    text = out.getvalue()
    assert "Esito: anagrafe coerente." in text
    # The registry is now newer than the source, and the report says where they differ.
    assert "24 /  25  <- diverso" in text


@pytest.mark.django_db
def test_unresolvable_source_name_is_an_error_with_candidates(demo_db):
    risolutore = services.Risolutore.per_province(["BG"])
    assert risolutore.risolvi("Urganò").nome == "Urgnano"
    assert risolutore.risolvi("Zognio") is None
    messaggio = risolutore.errore_nome("Zognio")
    assert "«Zognio»" in messaggio and "Zogno (016246)" in messaggio


@pytest.mark.django_db
def test_loader_refuses_the_whole_table_if_a_name_does_not_resolve(demo_db, monkeypatch):
    AppartenenzaComune.objects.all().delete()
    righe = services.righe_prologo_2025() + [services.RigaFonte("Dalmine", "Zognio")]
    monkeypatch.setattr(services, "righe_prologo_2025", lambda: righe)
    with pytest.raises(services.FileRifiutato) as exc:
        services.carica_appartenenze_prologo_2025()
    assert "«Zognio»" in str(exc.value)
    assert AppartenenzaComune.objects.count() == 0


@pytest.mark.django_db
def test_load_demo_is_idempotent(demo_db):
    before = (AppartenenzaComune.objects.count(), Incarico.objects.count(), Organo.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (AppartenenzaComune.objects.count(), Incarico.objects.count(), Organo.objects.count()) == before


@pytest.mark.django_db
def test_hierarchy_comune_ambito_distretto_asst_ats(demo_db):
    lovere = Comune.objects.get(pk="016128")
    ambito = selectors.ambito_di(lovere, OGGI)
    distretto = selectors.distretto_di(ambito, OGGI)
    assert ambito.nome == "Alto Sebino"
    assert distretto.pk == "est-cavallina-sebino"
    assert distretto.asst.nome == "ASST Bergamo Est"
    assert distretto.asst.ats.nome == "ATS Bergamo"
    assert distretto.asst.ats.regione.nome == "Lombardia"


@pytest.mark.django_db
def test_office_holders_on_a_date(demo_db):
    collegio = Organo.objects.get(pk="collegio-ats-bergamo")
    in_carica = Incarico.objects.in_carica_il(datetime.date(2025, 6, 1)).filter(organo=collegio, ruolo="presidente")
    assert [i.persona.nome for i in in_carica] == ["Marcella Messina"]
    # Elected 09/11/2022, in office until 08/11/2027: nobody before, nobody after.
    assert not Incarico.objects.in_carica_il(datetime.date(2022, 11, 8)).filter(organo=collegio, ruolo="presidente")
    assert not Incarico.objects.in_carica_il(datetime.date(2027, 11, 9)).filter(organo=collegio, ruolo="presidente")


@pytest.mark.django_db
def test_ambito_assembly_president_without_election_date_is_known_from_the_prologo(demo_db):
    assemblea = Organo.objects.get(ambito_id="alto-sebino", tipo="assemblea_ambito")
    presidenti = Incarico.objects.filter(organo=assemblea, ruolo="presidente", persona__nome="Simona Figaroli")
    assert [p.comune.nome for p in presidenti] == ["Costa Volpino"]
    assert presidenti.in_carica_il(datetime.date(2024, 12, 2)).exists()
    assert not presidenti.in_carica_il(datetime.date(2024, 12, 1)).exists()  # her predecessor: test_storia_organi
    # The source says the vice president is still to be chosen ("da individuare").
    assert not Incarico.objects.filter(organo=assemblea, ruolo="vicepresidente").exists()
