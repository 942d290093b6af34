"""No main page runs more queries when the territory has more Comuni.

Each page is requested with an empty cache on the demo, then again after 150 more Comuni
(with memberships and population data) join an Ambito: the number of queries must not change.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conoscenza.models import Caricamento, Livello, Osservazione
from conoscenza.services import aggiorna_totali
from programmazione.models import Piano
from territorio.models import AppartenenzaComune, Comune, Regione
from testsupport.query import letture

pytestmark = pytest.mark.django_db

PAGINE = [
    "/",
    "/ambiti/alto-sebino/",
    "/ambiti/alto-sebino/quadro-conoscitivo/",
    "/quadro-conoscitivo/",
    "/comuni/016128/",
    "/cerca/?q=lo",
    "/export/",
    "/piani/",
    "/piani/{piano}/",
    "/piani/{piano}/sinottica/",
    "/piani/{piano}/monitoraggio/",
    "/piani/confronto/",
    "/monitoraggio/",
    "/monitoraggio/calendario/",
    "/riparto/?importo=1000&anno=2023",
    "/api/ambiti",
    "/api/ambiti/alto-sebino",
    "/api/comuni?q=lo",
    "/api/piani",
    "/api/piani/{piano}/obiettivi",
    "/api/indicatori/valori?livello=ambito&anno=2023",
    "/domanda/?anno=2024",
    "/ambiti/alto-sebino/domanda/?anno=2024",
]


def _conta(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as q:
        risposta = client.get(url)
    assert risposta.status_code == 200, url
    return len(letture(q))


def _altri_comuni(n):
    regione = Regione.objects.get(pk="03")
    caricamento = Caricamento.objects.create(nome_file="sintetico.csv", formato="zona", fonte="test")
    comuni = [
        Comune(
            codice_istat=f"9{i:05d}",
            nome=f"Comune sintetico {i}",
            sigla_provincia="BG",
            provincia="Bergamo",
            regione=regione,
            codice_catastale=f"Z{i:03d}",
        )
        for i in range(n)
    ]
    for c in comuni:
        c.nome_normalizzato = c.nome.lower()
    Comune.objects.bulk_create(comuni)
    AppartenenzaComune.objects.bulk_create(
        AppartenenzaComune(comune=c, ambito_id="alto-sebino", dal=datetime.date(2021, 1, 1)) for c in comuni
    )
    Osservazione.objects.bulk_create(
        Osservazione(
            caricamento=caricamento,
            misura_id="popolazione_residente",
            livello=Livello.COMUNE,
            codice_territorio=c.pk,
            comune=c,
            anno=2023,
            data_riferimento=datetime.date(2023, 1, 1),
            eta_da=40,
            eta_a=40,
            sesso="F",
            valore=100,
        )
        for c in comuni
    )
    aggiorna_totali(caricamento)


def test_query_counts_do_not_grow_with_the_comuni(client, demo_db):
    piano = Piano.objects.get(ambito="alto-sebino", anno_inizio=2021).pk
    pagine = [p.format(piano=piano) for p in PAGINE]
    prima = {url: _conta(client, url) for url in pagine}
    _altri_comuni(150)
    dopo = {url: _conta(client, url) for url in pagine}
    cresciute = {url: (prima[url], dopo[url]) for url in pagine if dopo[url] != prima[url]}
    assert not cresciute, f"queries before/after 150 more Comuni: {cresciute}"
    # And none is a query storm.
    assert max(prima.values()) <= 40, prima
