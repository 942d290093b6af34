"""A draft plan stays inside its Ambito on every channel (issue 17, point 5).

The test writes a draft 2025-2027 plan of Dalmine in which every free-text field of the plan,
its macro-area, objectives, actions, indicators, resources, measurements and evaluation starts
with a unique marker, links its objective to every objective of the Prologo and of the shared
objectives, and then requests, as every role that must not see it (anonymous visitors, the
Ufficio di Piano, a Comune and a table member of another Ambito):

- every route of the URL configuration and every operation of the OpenAPI schema (both found by
  walking the URLs with `accounts.routes.rotte`, so pages and operations added later are covered
  without being listed here), with the demo's sample arguments and with the draft's own ids;
- each with the query parameters that choose a triennio, a year and an Ambito (the draft's),
  and, where that answer is a file, a page that links to `formato=` downloads, or an API
  operation with a `formato` parameter (from the schema), again with every format (CSV, XLSX,
  PDF, DOCX, read as text).

It fails if the marker appears in any answer, and if a route answers an id of the hidden draft
differently from an id that does not exist (a 302 or 403 where a missing id gives 404 tells
that the draft exists). A positive control checks that the draft's own Ufficio di Piano does
find the marker in the page, the API, the export and the documents, so the scan can see it.
"""

import functools
import io
import json
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.routes import rotte
from monitoraggio.models import Misurazione, Valutazione
from programmazione.models import (
    AreaPolicy,
    Azione,
    IndicatoreObiettivo,
    MacroArea,
    Obiettivo,
    ObiettivoProvinciale,
    ObiettivoSovrazonale,
    Piano,
    Risorsa,
    Target,
)
from territorio.models import Ambito
from testsupport.ostile import campi_di_testo
from testsupport.rotte import _ARGOMENTO, argomenti_di_esempio, url_di

pytestmark = pytest.mark.scansione

MARCA = "Qzx7bozzariservata"
ANNO = 2025
ASSENTE = 987654321  # an id no row has
# Roles that must not see a draft of Dalmine.
ESCLUSI = {
    "anonimo": None,
    "Ufficio di Piano Alto Sebino": "udp.altosebino",
    "comune Lovere": "comune.lovere",
    # A member of a table sees its table even of a draft plan: never another Ambito's draft.
    "componente di un tavolo di Alto Sebino": "tavolo.altosebino",
}
FORMATI = ["csv", "xlsx", "pdf", "docx"]


def _marca(oggetto, **campi):
    """Save `oggetto` with the marker at the start of every free-text field."""
    for f in campi_di_testo(type(oggetto)):
        setattr(oggetto, f.name, f"{MARCA} {f.name}"[: f.max_length or None])
    for nome, valore in campi.items():
        setattr(oggetto, nome, valore)
    oggetto.save()
    return oggetto


@pytest.fixture
def bozza_dalmine(demo_db):
    ambito = Ambito.objects.get(pk="dalmine")
    assert not Piano.objects.filter(ambito=ambito, anno_inizio=ANNO).exists()
    piano = _marca(Piano(ambito=ambito, anno_inizio=ANNO, anno_fine=ANNO + 2))
    macro = _marca(MacroArea(piano=piano, codice="m1"))
    ob = _marca(Obiettivo(piano=piano, codice="OB1", macroarea=macro, area_policy=AreaPolicy.objects.get(pk="A")))
    ob.obiettivi_provinciali.set(ObiettivoProvinciale.objects.all())
    for sovrazonale in ObiettivoSovrazonale.objects.all():
        sovrazonale.obiettivi.add(ob)
    azione = _marca(Azione(obiettivo=ob))
    ind = _marca(IndicatoreObiettivo(obiettivo=ob, tipo="output"))
    Target.objects.create(indicatore=ind, anno=ANNO, valore=1)
    _marca(Risorsa(obiettivo=ob, anno=ANNO, fondo="FNPS", importo=1000))
    _marca(Misurazione(indicatore=ind, anno=ANNO, semestre=1, data=f"{ANNO}-06-30", valore=1))
    _marca(Valutazione(obiettivo=ob))
    return {"pk": piano.pk, "obiettivo": ob.pk, "indicatore": ind.pk, "azione": azione.pk, "id": ind.pk}


@functools.lru_cache(maxsize=32)
def _testo_pdf(contenuto):
    # Every role that may download a document gets the same file: extracted once.
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(contenuto)).pages)


def _testo(response):
    """The answer as text: pages, JSON and CSV as they are, XLSX and DOCX by their XML parts,
    PDF by its extracted text."""
    contenuto = b"".join(response.streaming_content) if response.streaming else response.content
    if contenuto.startswith(b"%PDF"):
        return _testo_pdf(contenuto)
    if contenuto.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(contenuto)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    testo = contenuto.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        testo += json.dumps(json.loads(testo or "null"), ensure_ascii=False)
    return testo


def _richieste(bozza):
    """(route name, path, kwargs relate to the draft) for every GET route, with the demo's
    samples and with the draft's ids in place of the arguments that name a plan or a part."""
    for rotta in rotte():
        if rotta.esente or (rotta.methods is not None and "GET" not in rotta.methods):
            continue
        if rotta.policy is None or rotta.policy.read is None:
            continue
        nomi = [nome for _, nome in _ARGOMENTO.findall(rotta.route)]
        campioni = argomenti_di_esempio(rotta) if nomi else [{}]
        for kwargs in campioni:
            yield rotta, url_di(rotta, kwargs), None
        if any(n in bozza for n in nomi):
            propri = {**campioni[0], **{n: bozza[n] for n in nomi if n in bozza}}
            assenti = {**propri, **{n: ASSENTE for n in nomi if n in bozza and n != "tipo"}}
            yield rotta, url_di(rotta, propri), url_di(rotta, assenti)


def _operazioni_con_formato():
    """The API paths whose operation takes a `formato` parameter, read from the OpenAPI schema."""
    from api.api import api

    return {
        percorso
        for percorso, metodi in api.get_openapi_schema()["paths"].items()
        for operazione in metodi.values()
        if any(p["name"] == "formato" for p in operazione.get("parameters", []))
    }


def _offre_file(rotta, response, con_formato):
    """Whether the answer comes in other formats: a file, a page that links to `formato=`
    downloads, an API operation with a `formato` parameter. Other pages ignore `formato`, and
    rendering them again would only cost time."""
    if rotta.operation is not None:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rotta.route) in con_formato
    if response.get("Content-Disposition", "").startswith("attachment"):
        return True
    return not response.streaming and b"formato=" in response.content


def _query(formato=None):
    q = f"?triennio={ANNO}&anno={ANNO}&ambito=dalmine"
    return q + (f"&formato={formato}" if formato else "")


@pytest.mark.django_db
def test_a_draft_never_reaches_who_may_not_see_it(bozza_dalmine):
    clienti = {}
    for ruolo, username in ESCLUSI.items():
        # A server error is an answer without the draft's text: this scan looks for leaks; 5xx
        # are the business of the extreme-value scan of every route (issue 17).
        clienti[ruolo] = Client(raise_request_exception=False)
        if username:
            clienti[ruolo].force_login(get_user_model().objects.get(username=username))
    con_formato = _operazioni_con_formato()
    fughe, rivelate, richieste = [], [], 0
    for rotta, url, url_assente in _richieste(bozza_dalmine):
        for ruolo, client in clienti.items():
            response = client.get(url + _query())
            richieste += 1
            if MARCA in _testo(response):
                fughe.append(f"GET {url + _query()} as {ruolo} ({response.status_code})")
            if url_assente is not None:
                atteso = client.get(url_assente + _query()).status_code
                if response.status_code != atteso:
                    rivelate.append(
                        f"GET {url} as {ruolo}: {response.status_code}, a missing id gives {atteso} ({rotta.name})"
                    )
            if response.status_code != 200 or not _offre_file(rotta, response, con_formato):
                continue
            for formato in FORMATI:
                risposta = client.get(url + _query(formato))
                richieste += 1
                if MARCA in _testo(risposta):
                    fughe.append(f"GET {url + _query(formato)} as {ruolo}")
    assert richieste > 300
    assert not fughe, "The draft's text reached roles that may not see it:\n  " + "\n  ".join(fughe)
    assert not rivelate, "Hidden drafts answered unlike missing ids:\n  " + "\n  ".join(rivelate)


@pytest.mark.django_db
def test_the_scan_finds_the_marker_where_it_may_be_seen(bozza_dalmine):
    """Positive control: the draft's own Ufficio di Piano reads the marker in the page, the API,
    the objectives' export and both documents, so the scan above is able to see it."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="udp.dalmine"))
    pk, ob = bozza_dalmine["pk"], bozza_dalmine["obiettivo"]
    for url in [
        f"/piani/{pk}/",
        f"/obiettivi/{ob}/",
        f"/api/piani/{pk}/obiettivi",
        f"/piani/{pk}/obiettivi.xlsx",
        f"/piani/{pk}/documento/?formato=pdf",
        f"/piani/{pk}/documento/?formato=docx",
        "/prologo/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARCA in _testo(response), url
