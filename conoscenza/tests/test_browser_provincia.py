"""End to end: the province's quadro conoscitivo, from the province page to the groups."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_province_indicator_page_map_and_groups(live_demo, browser_page, browser_errors, screenshot):
    page = browser_page
    page.goto(live_demo.url + "/")
    page.get_by_test_id("link-quadro-provincia").click()
    expect(page).to_have_url(live_demo.url + "/quadro-conoscitivo/")
    expect(page.get_by_test_id("ambiti").locator("tr", has_text="Alto Sebino")).to_contain_text("208,0")

    page.get_by_label("Indicatore", exact=True).select_option("densita")
    page.get_by_label("Anno", exact=True).select_option("2023")
    page.get_by_role("button", name="Mostra").click()
    expect(page).to_have_url(re.compile(r"/quadro-conoscitivo/\?indicatore=densita&anno=2023(&|$)"))
    tabella = page.get_by_test_id("ambiti")
    expect(tabella).to_contain_text("Densità di popolazione")
    expect(tabella.locator("tbody tr")).to_have_count(14)
    expect(page.get_by_test_id("mappa").locator("svg")).to_have_count(1)
    expect(page.get_by_test_id("mappa").locator("svg")).to_contain_text("Densità di popolazione, 2023")
    expect(page.get_by_test_id("grafico").locator("svg")).to_have_count(1)

    page.get_by_test_id("ordina-valore").click()
    expect(tabella.locator("tbody tr").first).to_contain_text("Bergamo")
    screenshot("quadro-provincia-densita")

    page.get_by_role("link", name="Gruppi omogenei di Ambiti").click()
    expect(page.get_by_test_id("gruppi").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("metodo")).to_contain_text("k-means su valori standardizzati")
    expect(page.get_by_test_id("grafico").locator("svg")).to_have_count(1)
    screenshot("quadro-provincia-gruppi")
    assert browser_errors == [], "console errors or CSP violations:\n" + "\n".join(dict.fromkeys(browser_errors))
