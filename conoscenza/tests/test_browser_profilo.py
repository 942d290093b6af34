"""End to end: an Ufficio di Piano loads a data file and sees it in its quadro conoscitivo."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_profile_page_with_charts_and_a_loaded_file(live_demo, browser_page, browser_errors, screenshot, tmp_path):
    page = browser_page
    page.goto(live_demo.url + "/ambiti/alto-sebino/")
    page.get_by_role("link", name="Quadro conoscitivo: popolazione e indicatori").click()
    expect(page).to_have_url(live_demo.url + "/ambiti/alto-sebino/quadro-conoscitivo/")
    tabella = page.get_by_test_id("indicatori")
    expect(tabella.locator("tr", has_text="Indice di vecchiaia")).to_contain_text("208,0")
    expect(page.locator(".zona-grafico svg")).to_have_count(3)
    expect(page.locator(".zona-grafico svg").first).to_contain_text("Indice di vecchiaia")
    screenshot("quadro-conoscitivo-alto-sebino")

    # The Ufficio di Piano loads the old-age index printed in its plan for 2023.
    page.goto(live_demo.url + "/account/accedi/?next=/dati/carica/")
    page.get_by_label("Nome utente").fill("udp.altosebino")
    page.get_by_label("Password").fill("zona-demo-2025")
    page.get_by_role("button", name="Accedi").click()
    expect(page).to_have_url(live_demo.url + "/dati/carica/")
    file = tmp_path / "indice.csv"
    file.write_text(
        "livello,codice_territorio,anno,misura,valore\nambito,alto-sebino,2023,indice_vecchiaia,210.4\n",
        encoding="utf-8",
    )
    page.get_by_label("File CSV o XLSX").set_input_files(str(file))
    page.get_by_role("button", name="Carica").click()
    expect(page).to_have_url(live_demo.url + "/dati/caricamenti/")
    expect(page.get_by_test_id("caricamenti")).to_contain_text("indice.csv")

    page.goto(live_demo.url + "/ambiti/alto-sebino/quadro-conoscitivo/")
    riga = page.get_by_test_id("pubblicati").locator("tr", has_text="2023")
    expect(riga).to_contain_text("210,4")
    expect(riga).to_contain_text("-2,4")
    assert browser_errors == [], "console errors or CSP violations:\n" + "\n".join(dict.fromkeys(browser_errors))
