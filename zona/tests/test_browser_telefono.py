"""Every main page on a phone (issue 18, "Phones"): at 360x740 the page itself never scrolls
sideways. Wide tables scroll inside their own wrapper (.table-responsive), charts shrink to
their container, and the header folds into Bootstrap Italia's mobile menu.

The pages are found by walking the URL configuration (accounts.routes), with the first sample
of testsupport/rotte.py for their arguments: every GET page the role may read, as an anonymous
visitor and as the Ufficio di Piano of Alto Sebino (who sees the edit pages and the "Secondo
fattore" link). API paths, the OpenAPI viewer and the health check are not pages of Zona;
downloads (CSV, XLSX, DOCX, PDF) have no layout and are skipped.

On the same walk axe-core (the npm package pinned in testsupport/npm, installed by
scripts/test.sh) checks every page against WCAG 2.1 A and AA (Legge 4/2004, AgID's
guidelines): any violation fails the test, naming the page, the rule and the elements.

One browser, one context per role.
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import Client
from playwright.sync_api import expect

from accounts.routes import rotte
from testsupport.rotte import argomenti_di_esempio, url_di
from zona.lib.policies import CONSENTITO

pytestmark = [pytest.mark.browser, pytest.mark.scansione]

TELEFONO = {"width": 360, "height": 740}
# The health check answers JSON; these answer files (documents are generated on request).
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).resolve().parents[2] / "testsupport" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Saved as test-artifacts/telefono-<name>.png for a person to look at.
FOTOGRAFATE = {"/": "provincia", "/ambiti/alto-sebino/quadro-conoscitivo/": "quadro-conoscitivo"}
# Not pages: SPID/CIE's start and return send the browser to the identity provider (404 when
# SPID/CIE is not configured, as in the tests).
ESCLUSE = {
    "salute",
    "territorio:export",
    "conoscenza:modello",
    "programmazione:esporta",
    "accounts:spid",
    "accounts:spid_ritorno",
}

# The widest element that sticks out of the viewport, as "tag#id.class (N px)": what to fix.
_PIU_LARGO = """
() => {
  const vw = window.innerWidth;
  let peggiore = null, destra = vw;
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= destra) continue;
    // An element inside a scrolling container is fine: the container is the one to blame.
    let p = el.parentElement, dentro = false;
    while (p && p !== document.body) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === "auto" || ox === "scroll" || ox === "hidden") { dentro = true; break; }
      p = p.parentElement;
    }
    if (dentro) continue;
    peggiore = el; destra = r.right;
  }
  if (!peggiore) return "(none found)";
  const id = peggiore.id ? "#" + peggiore.id : "";
  const cls = peggiore.classList.length ? "." + [...peggiore.classList].join(".") : "";
  const testo = (peggiore.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
  return `${peggiore.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(destra)} px): «${testo}»`;
}
"""


def pagine(user):
    """The paths of the GET pages `user` may read, one sample each."""
    percorsi = []
    for rotta in rotte():
        if rotta.esente or rotta.operation is not None or rotta.name in ESCLUSE:
            continue
        if "api" in rotta.namespaces or "documenti" in rotta.namespaces:
            continue
        policy = rotta.policy
        if policy is None or policy.read is None:
            continue
        kwargs = argomenti_di_esempio(rotta)[0]
        url = url_di(rotta, kwargs)
        try:
            consentito = policy.esito(user, "GET", kwargs) == CONSENTITO
        except Http404:  # a draft hidden from this role
            consentito = False
        if consentito:
            percorsi.append(url)
    return percorsi


def _axe(page, sorgente):
    """The WCAG 2.1 A/AA violations of the page, one line each."""
    # Evaluated through the DevTools protocol: the page's CSP (no inline scripts) still holds.
    page.evaluate(sorgente + "\n;true")
    violazioni = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} elements, e.g. `"
        " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))",
        WCAG,
    )
    return violazioni


def _larghezze(page, base, percorsi, sorgente_axe):
    """The pages wider than the viewport (with their widest element) and the axe violations."""
    troppo_larghe, visitate = [], 0
    for percorso in percorsi:
        try:
            response = page.goto(base + percorso, wait_until="load")
        except Exception as e:  # a download: Playwright refuses to navigate to it
            if "Download is starting" in str(e):
                continue
            raise
        assert response is not None and response.status < 400, f"{percorso}: status {response and response.status}"
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visitate += 1
        if percorso in FOTOGRAFATE or percorso.startswith("/piani/") and percorso.endswith("/sinottica/"):
            ARTIFACTS.mkdir(exist_ok=True)
            nome = FOTOGRAFATE.get(percorso, "sinottica")
            page.screenshot(path=ARTIFACTS / f"telefono-{nome}.png", full_page=True)
        larghezza, vista = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if larghezza > vista:
            troppo_larghe.append(f"{percorso}: {larghezza} px > {vista} px; widest: {page.evaluate(_PIU_LARGO)}")
        troppo_larghe += [f"{percorso}: axe-core {v}" for v in _axe(page, sorgente_axe)]
    return troppo_larghe, visitate


def test_every_page_fits_a_phone_and_passes_axe(live_demo, browser_page, browser_errors):
    assert AXE.exists(), f"{AXE} missing: run npm ci --prefix testsupport/npm (scripts/test.sh does)"
    sorgente_axe = AXE.read_text(encoding="utf-8")
    browser = browser_page.context.browser
    udp = get_user_model().objects.get(username="udp.altosebino")
    client = Client()
    client.force_login(udp)
    sessione = client.cookies["sessionid"].value

    problemi, totale = [], 0
    for ruolo, user, cookie in (("anonimo", AnonymousUser(), None), ("udp.altosebino", udp, sessione)):
        context = browser.new_context(locale="it-IT", viewport=TELEFONO)
        try:
            if cookie:
                context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_demo.url}])
            page = context.new_page()
            page.on("pageerror", lambda exc: browser_errors.append(f"uncaught exception: {exc}"))
            troppo_larghe, visitate = _larghezze(page, live_demo.url, pagine(user), sorgente_axe)
            problemi += [f"{ruolo}: {p}" for p in troppo_larghe]
            totale += visitate
        finally:
            context.close()
    assert totale >= 20, f"only {totale} pages visited"
    assert not problemi, "pages wider than a 360 px phone or with WCAG 2.1 A/AA violations:\n  " + "\n  ".join(problemi)
    assert browser_errors == [], "\n".join(dict.fromkeys(browser_errors))


def test_the_mobile_menu_opens(live_demo, browser_page, browser_errors, screenshot):
    page = browser_page
    page.set_viewport_size(TELEFONO)
    page.goto(live_demo.url + "/")
    menu = page.get_by_role("navigation", name="Menu principale")
    voce = menu.get_by_role("link", name="Piani di Zona")
    expect(voce).to_be_hidden()
    page.get_by_role("button", name="Apri il menu").click()
    expect(voce).to_be_visible()
    screenshot("telefono-menu")
    voce.click()
    expect(page).to_have_url(live_demo.url + "/piani/")
    assert browser_errors == [], "\n".join(dict.fromkeys(browser_errors))
