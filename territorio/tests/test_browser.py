"""End to end in Debian's Chromium: the public pages and an Ufficio di Piano editing its contacts.

Uses the fixtures of the root conftest.py: live_demo (live server + demo data), browser_page,
browser_errors (console errors and CSP violations), screenshot.
"""

import re

import pytest
from playwright.sync_api import expect

from territorio.models import Organo, TipoOrgano

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "zona-demo-2025"


def test_from_the_province_to_an_ambito_to_a_comune(live_demo, browser_page, browser_errors):
    page = browser_page
    page.goto(live_demo.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ambiti territoriali sociali della provincia di Bergamo")
    expect(page.locator("main").get_by_role("link", name=re.compile(r"^Ambito "))).to_have_count(14)

    page.get_by_role("link", name="Ambito Alto Sebino", exact=True).click()
    expect(page).to_have_url(live_demo.url + "/ambiti/alto-sebino/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ambito territoriale Alto Sebino")
    comuni = page.locator("[data-testid=comuni] tbody tr")
    expect(comuni).to_have_count(10)
    expect(page.locator("main")).to_contain_text("Comunità Montana dei Laghi Bergamaschi")

    page.locator("[data-testid=comuni]").get_by_role("link", name="Lovere", exact=True).click()
    expect(page).to_have_url(live_demo.url + "/comuni/016128/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Comune di Lovere")
    expect(page.locator("dt:text-is('Codice ISTAT') + dd")).to_have_text("016128")
    expect(page.locator("[data-testid=ambito]")).to_have_text("Alto Sebino")

    assert browser_errors == [], "console errors or CSP violations:\n" + "\n".join(dict.fromkeys(browser_errors))


def test_ufficio_di_piano_logs_in_and_edits_its_phone(live_demo, browser_page, browser_errors, screenshot):
    page = browser_page
    page.goto(live_demo.url + "/ambiti/alto-sebino/")
    expect(page.get_by_role("link", name="Modifica i contatti")).to_have_count(0)

    page.get_by_role("link", name="Accedi").click()
    page.get_by_label("Nome utente").fill("udp.altosebino")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    # Back on the Ambito page (?next=), now with the edit links.
    expect(page).to_have_url(live_demo.url + "/ambiti/alto-sebino/")
    expect(page.get_by_test_id("utente")).to_contain_text("udp.altosebino")

    page.get_by_role("link", name="Modifica i contatti").click()
    expect(page).to_have_url(live_demo.url + "/ambiti/alto-sebino/ufficio-di-piano/modifica/")
    page.get_by_label("Telefono").fill("035 000 1234")
    page.get_by_role("button", name="Salva").click()

    expect(page).to_have_url(live_demo.url + "/ambiti/alto-sebino/")
    expect(page.get_by_role("alert")).to_contain_text("Contatti dell'Ufficio di Piano salvati.")
    expect(page.locator("main")).to_contain_text("Tel. 035 000 1234")
    ufficio = Organo.objects.get(ambito_id="alto-sebino", tipo=TipoOrgano.UFFICIO_DI_PIANO)
    assert ufficio.telefono == "035 000 1234"
    screenshot("ambito-alto-sebino")

    assert browser_errors == [], "console errors or CSP violations:\n" + "\n".join(dict.fromkeys(browser_errors))
