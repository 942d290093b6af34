"""End to end in Debian's Chromium: the Ufficio di Piano records a measurement, the progress
chart shows it, and the plan's PDF, made by a background job, downloads from the job's page."""

import pytest
from playwright.sync_api import expect

from programmazione.models import Piano

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "zona-demo-2025"


def test_record_a_measurement_see_the_chart_and_download_the_pdf(live_demo, browser_page, browser_errors, screenshot):
    piano = Piano.objects.get(ambito="alto-sebino", anno_inizio=2021)
    ob = piano.obiettivi.get(codice="AS21-04")
    indicatore = ob.indicatori.order_by("ordine").first()
    page = browser_page
    page.goto(f"{live_demo.url}/account/accedi/?next=/obiettivi/{ob.pk}/monitoraggio/")
    page.get_by_label("Nome utente").fill("udp.altosebino")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Una nuova domiciliarità: dimensione di cura comunitaria")

    sezione = page.get_by_test_id(f"indicatore-{indicatore.pk}")
    grafico = page.get_by_test_id(f"grafico-{indicatore.pk}")
    expect(grafico).to_contain_text("Nessun dato da disegnare.")
    sezione.get_by_text("Registra una misurazione").click()
    sezione.get_by_label("Anno").select_option("2023")
    sezione.get_by_label("Periodo").select_option(label="1° semestre")
    sezione.get_by_label("Data della rilevazione").fill("2023-07-15")
    sezione.get_by_label("Valore").fill("42")
    sezione.get_by_role("button", name="Registra").click()

    expect(page.get_by_role("alert")).to_contain_text("Misurazione registrata.")
    sezione = page.get_by_test_id(f"indicatore-{indicatore.pk}")
    expect(sezione).to_contain_text("1° semestre 2023")
    expect(sezione).to_contain_text("42,00")
    # The chart is drawn again on the server with the new point: its axis names the period.
    expect(page.get_by_test_id(f"grafico-{indicatore.pk}").locator("svg")).to_contain_text("2023 S1")
    screenshot("monitoraggio-misurazione")

    page.goto(f"{live_demo.url}/piani/{piano.pk}/")
    # The data changed: the document is made by a background job (run inside the request in
    # the tests: 6 s on a quiet machine, minutes on a loaded one), whose page links the result.
    page.get_by_role("button", name="Scarica il documento (PDF)").click(timeout=300_000)
    expect(page.get_by_test_id("risultato")).to_be_visible(timeout=300_000)
    with page.expect_download() as scaricamento:
        page.get_by_test_id("risultato").click()
    percorso = scaricamento.value.path()
    with open(percorso, "rb") as f:
        assert f.read(5) == b"%PDF-"
    assert scaricamento.value.suggested_filename.endswith(".pdf")

    assert browser_errors == [], "console errors or CSP violations:\n" + "\n".join(dict.fromkeys(browser_errors))
