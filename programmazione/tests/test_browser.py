"""End to end in Debian's Chromium: an Ufficio di Piano writes an objective of a new plan."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "zona-demo-2025"


def test_udp_creates_an_objective_with_indicator_and_budget_and_finds_it_in_the_synoptic_table(
    live_demo, browser_page, browser_errors, screenshot
):
    page = browser_page
    page.goto(live_demo.url + "/account/accedi/?next=/piani/")
    page.get_by_label("Nome utente").fill("udp.dalmine")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Piani di Zona")

    page.get_by_role("link", name="Nuovo piano").click()
    page.get_by_label("Primo anno del triennio").fill("2027")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Piano di Zona 2027-2029")
    expect(page.get_by_test_id("stato-piano")).to_contain_text("Bozza")

    page.get_by_role("link", name="Nuovo obiettivo").click()
    page.get_by_label("Titolo obiettivo").fill("Assistenza domiciliare in tutti i 17 Comuni")
    page.get_by_label("Area di policy").select_option(label="D. Domiciliarità")
    page.get_by_label("Descrizione obiettivo").fill("Un solo servizio SAD per l'Ambito, con accesso unico.")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("alert")).to_contain_text("Obiettivo OB-01 salvato.")

    page.get_by_text("Aggiungi un indicatore").click()
    page.get_by_label("Tipo").select_option("output")
    page.get_by_label("Descrizione").fill("Utenti SAD in carico")
    page.get_by_label("Valore atteso 2027").fill("120")
    page.get_by_role("button", name="Aggiungi indicatore").click()
    expect(page.get_by_role("alert")).to_contain_text("Indicatore aggiunto.")
    expect(page.get_by_test_id("indicatori")).to_contain_text("Utenti SAD in carico")
    expect(page.get_by_test_id("indicatori")).to_contain_text("120,00")

    page.get_by_text("Aggiungi una risorsa").click()
    page.get_by_label("Anno", exact=True).select_option("2028")
    page.get_by_label("Fondo").select_option(label="FNA – Fondo non autosufficienza")
    page.get_by_label("Importo (€)").fill("25000.50")
    page.get_by_role("button", name="Aggiungi risorsa").click()
    expect(page.get_by_test_id("risorse")).to_contain_text("25.000,50")

    page.get_by_role("link", name="Dalmine 2027-2029").click()
    expect(page.get_by_test_id("riepilogo")).to_contain_text("25.000,50")
    page.get_by_role("link", name="Tabella sinottica").click()
    sinottica = page.get_by_test_id("sinottica")
    expect(sinottica).to_contain_text("Assistenza domiciliare in tutti i 17 Comuni")
    expect(page.get_by_test_id("matrice-aree").get_by_role("row", name="D. Domiciliarità")).to_contain_text("OB-01")
    screenshot("programmazione-sinottica")

    assert browser_errors == [], "console errors or CSP violations:\n" + "\n".join(dict.fromkeys(browser_errors))
