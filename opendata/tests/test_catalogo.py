"""The open data catalogue: DCAT-AP_IT metadata read back as RDF, every CSV distribution against
the columns the catalogue declares, drafts never published, the modification date that follows
the data."""

import csv
import datetime
import io
from urllib.parse import urlsplit

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

from fondi import services as fondi
from fondi.models import Movimento
from programmazione.models import Obiettivo

pytestmark = [
    pytest.mark.django_db,
    # rdflib's own JSON-LD parser still builds a ConjunctiveGraph internally.
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
CSVW = Namespace("http://www.w3.org/ns/csvw#")

# Mandatory properties (M) of each class of the Italian profile, from AgID's «Linee guida per i
# cataloghi dati» / «Guida pratica a DCAT-AP_IT» (docs.italia.it, dcat-ap_it, section «Profilo
# metadatazione DCAT-AP_IT»): Catalogo, Dataset, Distribuzione, Agente (and the licence
# document a distribution points to).
OBBLIGATORIE = {
    DCATAPIT.Catalog: [DCT.title, DCT.description, DCT.publisher, DCT.modified, DCAT.dataset],
    DCATAPIT.Dataset: [
        DCT.identifier,
        DCT.title,
        DCT.description,
        DCT.modified,
        DCAT.theme,
        DCT.rightsHolder,
        DCT.accrualPeriodicity,
    ],
    DCATAPIT.Distribution: [DCT["format"], DCAT.accessURL, DCT.license],
    DCATAPIT.Agent: [FOAF.name, DCT.identifier],
    DCATAPIT.LicenseDocument: [DCT.type, FOAF.name],
}
TEMI = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENZE = "http://publications.europa.eu/resource/authority/frequency/"
CC_BY_40 = URIRef("https://creativecommons.org/licenses/by/4.0/")


def _grafo(client):
    r = client.get("/dati-aperti/catalogo.jsonld")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/ld+json")
    return Graph().parse(data=r.content.decode(), format="json-ld"), r.content.decode()


def _csv(client, url):
    r = client.get(urlsplit(str(url)).path)
    assert r.status_code == 200, url
    assert r["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(r.content.decode())))


def _modificato(g, codice):
    ds = next(s for s in g.subjects(RDF.type, DCATAPIT.Dataset) if str(s).endswith(f"/dati-aperti/{codice}/"))
    return g.value(ds, DCT.modified).toPython()


def test_il_catalogo_ha_le_proprieta_obbligatorie_di_dcat_ap_it(registro_minimo, client):
    fondi.registra_movimento(
        None, "lago", "fnps", 2023, "assegnazione", "1000.00", "Decreto 1", datetime.date(2023, 3, 1)
    )
    g, _ = _grafo(client)
    for classe, proprieta in OBBLIGATORIE.items():
        istanze = set(g.subjects(RDF.type, classe))
        assert istanze, f"no {classe} in the catalogue"
        for s in istanze:
            mancanti = [p for p in proprieta if g.value(s, p) is None]
            assert not mancanti, f"{s} ({classe}) lacks {mancanti}"
    datasets = set(g.subjects(RDF.type, DCATAPIT.Dataset))
    assert len(datasets) == 5
    for ds in datasets:
        assert all(str(t).startswith(TEMI) for t in g.objects(ds, DCAT.theme))
        assert str(g.value(ds, DCT.accrualPeriodicity)).startswith(FREQUENZE)
        assert str(g.value(ds, DCT.identifier)).startswith("atsbg:")
        assert g.value(g.value(ds, DCT.rightsHolder), FOAF.name).toPython() == "ATS di Bergamo"
        assert g.value(ds, DCT.spatial) is not None
        assert list(g.objects(ds, DCAT.distribution))
    for dist in g.subjects(RDF.type, DCATAPIT.Distribution):
        assert g.value(dist, DCT.license) == CC_BY_40
        assert str(g.value(dist, DCT["format"])).endswith("/file-type/CSV")


def test_ogni_csv_risponde_con_le_colonne_dichiarate(registro_minimo, client):
    g, _ = _grafo(client)
    distribuzioni = list(g.subjects(RDF.type, DCATAPIT.Distribution))
    assert len(distribuzioni) == 11  # 3 registry tables, 5 indicator levels, objectives, funds, offer
    for dist in distribuzioni:
        schema = g.value(dist, CSVW.tableSchema)
        dichiarate = [str(c) for c in (g.value(n, CSVW.name) for n in Collection(g, g.value(schema, CSVW.column)))]
        righe = _csv(client, g.value(dist, DCAT.downloadURL))
        assert righe[0] == dichiarate, dist
    # The values someone could get wrong: a membership with its validity, an indicator computed
    # for the Ambito, and no count of persons (the resident population).
    appartenenze = _csv(client, "/dati-aperti/anagrafe-territoriale/appartenenze.csv")
    assert appartenenze[1][:4] == ["016901", "Borgo sul Lago", "lago", "Lago"]
    indicatori = _csv(client, "/dati-aperti/indicatori/ambito.csv")
    codici = {r[4] for r in indicatori[1:]}
    assert "indice_vecchiaia" in codici
    assert "popolazione" not in codici


def test_le_bozze_non_sono_mai_pubblicate(registro_minimo, client):
    bozza = Obiettivo.objects.get(piano=registro_minimo.bozza)
    bozza.titolo = "Titolo riservato della bozza"
    bozza.save()
    _, testo = _grafo(client)
    righe = _csv(client, "/dati-aperti/obiettivi-piani/obiettivi.csv")
    titoli = [r[7] for r in righe[1:]]
    assert titoli == ["Domiciliarità degli anziani", "Sportello per la disabilità"]
    for pagina in ("/dati-aperti/", "/dati-aperti/obiettivi-piani/"):
        assert "Titolo riservato" not in client.get(pagina).content.decode()
    assert "Titolo riservato" not in testo


def test_la_data_di_modifica_segue_i_dati(registro_minimo, client):
    passato = datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC)
    LogEntry.objects.update(timestamp=passato)
    oggi = timezone.localdate()
    g, _ = _grafo(client)
    assert _modificato(g, "obiettivi-piani") == datetime.date(2024, 1, 10)
    assert _modificato(g, "anagrafe-territoriale") == datetime.date(2024, 1, 10)
    # A change to a draft changes nothing that is published, so not the date either.
    bozza = Obiettivo.objects.get(piano=registro_minimo.bozza)
    bozza.titolo = "Altro titolo"
    bozza.save()
    g, _ = _grafo(client)
    assert _modificato(g, "obiettivi-piani") == datetime.date(2024, 1, 10)
    # A change to an approved plan's objective does.
    pubblicato = Obiettivo.objects.filter(piano=registro_minimo.approvato).first()
    pubblicato.target = "Anziani soli"
    pubblicato.save()
    # A fund movement dates the funds.
    fondi.registra_movimento(
        None, "lago", "fnps", 2023, "assegnazione", "1000.00", "Decreto 1", datetime.date(2023, 3, 1)
    )
    Movimento.objects.update(registrato_il=passato - datetime.timedelta(days=1))
    g, _ = _grafo(client)
    assert _modificato(g, "obiettivi-piani") == oggi
    assert _modificato(g, "fondi") == datetime.date(2024, 1, 9)
    assert _modificato(g, "anagrafe-territoriale") == datetime.date(2024, 1, 10)
    catalogo = next(g.subjects(RDF.type, DCATAPIT.Catalog))
    assert g.value(catalogo, DCT.modified).toPython() == oggi


def test_pagine_del_catalogo(registro_minimo, client):
    pagina = client.get("/dati-aperti/").content.decode()
    assert 'class="table-responsive"' in pagina
    assert "/dati-aperti/fondi/fondi.csv" in pagina
    assert "CC BY 4.0" in pagina
    dettaglio = client.get("/dati-aperti/indicatori/").content.decode()
    assert "<code>codice_territorio</code>" in dettaglio
    assert client.get("/dati-aperti/inesistente/").status_code == 404
    assert client.get("/dati-aperti/fondi/inesistente.csv").status_code == 404
    # Neither table has a column the public may not see.
    assert "importo_contratto" not in _csv(client, "/dati-aperti/offerta-servizi/unita.csv")[0]
    assert _csv(client, "/dati-aperti/fondi/fondi.csv")[0] == [
        "ambito_codice",
        "ambito",
        "fondo",
        "anno",
        "programmato",
        "rendicontato",
    ]
