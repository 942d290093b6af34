"""Every form that edits shared data carries a version, and the version is enforced (issue 17).

The forms are found, not listed: the test walks the URL configuration (accounts.routes.rotte,
with the sample URL arguments of testsupport/rotte.py), requests every page that a user with
write rights may read, and collects every POST form that holds a `versione` field. So a form
added later (funds, demand, offer, co-programming) is covered as soon as a page shows it.

For each form, two clients of the same user open the page and read the same version:
- the first submits (changing a text field when there is one) and succeeds;
- the second, on the version it read, is refused with the message naming who changed what;
- a third submit without `versione` is refused with an Italian message, not saved.
A measurement form (version 0: nothing recorded for the period) is the same case: the second
measurement for the same indicator and period is a conflict with the first.
"""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.test import Client

from accounts.routes import rotte
from testsupport.rotte import argomenti_di_esempio, url_di
from zona.lib.policies import CONSENTITO

pytestmark = [pytest.mark.django_db, pytest.mark.scansione]

# Users with write rights somewhere in the demo: the provincial coordination (registry), the
# Uffici di Piano of Alto Sebino (a draft plan, from the `bozza` fixture) and of Dalmine (an
# approved plan, monitored), a Comune (its contacts).
UTENTI = ["coordinamento", "udp.altosebino", "udp.dalmine", "comune.lovere"]

# The refusals of zona.lib.locking (ModificaConcorrente, a missing version); a new kind of
# conflict with its own wording goes here.
CONFLITTO = ("Qualcuno ha salvato questa scheda dopo che l&#x27;avete aperta", "ha già registrato il valore")
MANCA_VERSIONE = "Manca la versione dei dati letti"


class _Moduli(HTMLParser):
    """The POST forms of a page: action and fields (name, value, kind) as a browser sends them."""

    def __init__(self):
        super().__init__()
        self.moduli, self._corrente, self._select, self._textarea, self._opzione = [], None, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._corrente = {"action": a.get("action"), "campi": []}
        elif tag == "option" and self._select is not None:
            # The first option, or the selected one; without a value, its text.
            if self._select[1] is None or "selected" in a:
                self._select[1] = a.get("value") or ""
                self._opzione = None if "value" in a else self._select
        elif self._corrente is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._corrente["campi"].append([a["name"], a.get("value") or "", a.get("type") or "text"])
        elif tag == "select":
            self._select = [a["name"], None, "select"]
            self._corrente["campi"].append(self._select)
        elif tag == "textarea":
            self._textarea = [a["name"], "", "textarea"]
            self._corrente["campi"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._opzione is not None:
            self._opzione[1] += data.strip()

    def handle_endtag(self, tag):
        if tag == "option":
            self._opzione = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._corrente is not None:
            self.moduli.append(self._corrente)
            self._corrente = None


def _moduli_con_versione(html):
    """The forms that edit something already read: a `versione` with a value (a form for a new
    record sends an empty one; a measurement form sends 0, "nothing recorded for the period")."""
    p = _Moduli()
    p.feed(html)
    return [m for m in p.moduli if any((n == "versione" or n.endswith("-versione")) and v for n, v, _ in m["campi"])]


def _client(username):
    c = Client()
    c.force_login(get_user_model().objects.get(username=username))
    return c


def _dati(modulo, segno=None, senza_versione=False):
    """The form's data; `segno` is appended to the first free-text field (so that the save
    changes something), and the version left out when asked."""
    dati, segnato = {}, segno is None
    for nome, valore, tipo in modulo["campi"]:
        if nome == "csrfmiddlewaretoken" or (senza_versione and (nome == "versione" or nome.endswith("-versione"))):
            continue
        if not segnato and tipo in ("text", "textarea") and not nome.endswith(("codice", "-codice")):
            valore, segnato = f"{valore.strip()} {segno}".strip(), True
        elif tipo == "number" and not valore:
            valore = "1"  # a blank number (a new measurement's value): any valid one
        dati.setdefault(nome, []).append(valore)
    return dati


def _pagine_con_moduli():
    """(user, page URL, action) of every versioned form found by walking the routes."""
    trovati, visti = [], set()
    utenti = {u: get_user_model().objects.get(username=u) for u in UTENTI}
    client = {u: _client(u) for u in UTENTI}  # reading changes nothing: one each for the walk
    for rotta in rotte():
        if rotta.operation is not None or rotta.policy is None or rotta.policy.read is None:
            continue
        for kwargs in argomenti_di_esempio(rotta):
            url = url_di(rotta, kwargs)
            for username, user in utenti.items():
                try:
                    if rotta.policy.esito(user, "GET", kwargs) != CONSENTITO:
                        continue
                except Http404:  # a draft this user may not see: for them it does not exist
                    continue
                risposta = client[username].get(url)
                if risposta.status_code != 200 or "html" not in risposta.get("Content-Type", ""):
                    continue
                for modulo in _moduli_con_versione(risposta.content.decode()):
                    azione = modulo["action"] or url
                    if azione not in visti:
                        visti.add(azione)
                        trovati.append((username, url, azione))
    return trovati


def _modulo(client, url, azione):
    moduli = [m for m in _moduli_con_versione(client.get(url).content.decode()) if (m["action"] or url) == azione]
    assert moduli, f"{url}: the form posting to {azione} is gone"
    return moduli[0]


@pytest.fixture
def monitoraggio_dalmine(demo_db):
    """On the objective that the route samples pick in Dalmine (an approved plan): an indicator
    typed by hand (not from the knowledge base), so that the page shows a measurement form, and
    an evaluation sheet already saved, so that its form edits something."""
    from monitoraggio.models import Valutazione
    from programmazione.models import IndicatoreObiettivo, Obiettivo

    ob = Obiettivo.objects.filter(piano__ambito_id="dalmine").order_by("-pk").first()
    Valutazione.objects.create(obiettivo=ob, grado_raggiungimento=50)
    return IndicatoreObiettivo.objects.create(obiettivo=ob, tipo="output", descrizione="Utenti raggiunti")


def _prova(username, url, azione):
    """The two-client scenario on one form; False if the first save is refused by a rule of the
    object (a draft cannot be evaluated yet), which says nothing about versions."""
    primo, secondo = _client(username), _client(username)
    letto_primo, letto_secondo = _modulo(primo, url, azione), _modulo(secondo, url, azione)

    risposta = primo.post(azione, _dati(letto_primo, "(A)"), follow=True)
    testo = risposta.content.decode()
    if any(c in testo for c in CONFLITTO):
        # The period already had a measurement: the form came back with its version, and
        # submitting it again replaces it deliberately.
        ripresentato = [m for m in _moduli_con_versione(testo) if (m["action"] or url) == azione]
        assert ripresentato, f"{azione}: a conflict must show the form again, with the current version"
        risposta = primo.post(azione, _dati(ripresentato[0], "(A)"), follow=True)
        testo = risposta.content.decode()
    assert risposta.status_code < 400, f"{azione}: {risposta.status_code}"
    assert MANCA_VERSIONE not in testo, f"{azione}: the page's own form was refused for its version"
    if "alert-success" not in testo:
        return False

    testo = secondo.post(azione, _dati(letto_secondo, "(B)"), follow=True).content.decode()
    assert any(c in testo for c in CONFLITTO), f"{azione} ({username}): the second of two edits was not refused"

    terzo = primo.post(azione, _dati(_modulo(primo, url, azione), "(C)", senza_versione=True), follow=True)
    assert MANCA_VERSIONE in terzo.content.decode(), f"{azione} ({username}): a POST without version was not refused"
    assert "(C)" not in primo.get(url).content.decode(), f"{azione} ({username}): saved without a version"
    return True


def test_every_versioned_form_refuses_the_second_of_two_concurrent_edits_and_a_missing_version(
    bozza, monitoraggio_dalmine
):
    provati = []
    for username, url, azione in _pagine_con_moduli():
        # Each form on the data as the demo has it: what one form saves is rolled back before
        # the next (approving the draft would close its other forms).
        with transaction.atomic():
            if _prova(username, url, azione):
                provati.append(azione)
            transaction.set_rollback(True)
    # The walk must reach the forms we know of; new ones are found without being named here.
    provati = " ".join(provati)
    for atteso in (
        "/ufficio-di-piano/modifica/",
        "/comuni/",
        "/piani/",
        "/stato/",
        "/modifica/",
        "/monitoraggio/stato/",
        "/monitoraggio/indicatori/",
        "/valutazione/",
    ):
        assert atteso in provati, f"no versioned form posting to …{atteso} tried: {provati}"
