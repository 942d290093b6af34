"""The catalogue as DCAT-AP_IT JSON-LD (the Italian profile of DCAT-AP, which the national
catalogue harvests).

Properties are written with their full prefixes and an inline @context, so any JSON-LD processor
reads them without fetching anything. Each class carries its DCAT type and the DCAT-AP_IT one
(dcatapit:Catalog, dcatapit:Dataset, ...), as the profile's examples do. Columns of each CSV
distribution are declared with the W3C CSVW vocabulary (csvw:tableSchema), so a harvester (and
our test) can check the file against the catalogue.
"""

from django.conf import settings
from django.urls import reverse

from zona.lib import downloads

from . import selectors

CONTESTO = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "locn": "http://www.w3.org/ns/locn#",
    "csvw": "http://www.w3.org/ns/csvw#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
LICENZA = {
    "@id": "https://creativecommons.org/licenses/by/4.0/",
    "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
    # The licence's concept in the Italian controlled vocabulary of licences.
    "dct:type": {"@id": "https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40"},
    "foaf:name": {"@value": "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)", "@language": "it"},
}
LINGUA = {"@id": "http://publications.europa.eu/resource/authority/language/ITA"}
FORMATO_CSV = {"@id": "http://publications.europa.eu/resource/authority/file-type/CSV"}
TIPO_CSV = {"@id": f"http://www.iana.org/assignments/media-types/{downloads.CSV}"}


def titolare():
    """Publisher and rights holder of the data (settings: ZONA_DATI_APERTI)."""
    return settings.ZONA_DATI_APERTI


def _testo(valore):
    return {"@value": valore, "@language": "it"}


def _data(valore):
    # xsd:date: DCAT-AP_IT's dct:modified is a date.
    return {"@value": valore.date().isoformat(), "@type": "xsd:date"}


def _agente(base):
    t = titolare()
    return {
        "@id": f"{base}#titolare",
        "@type": ["foaf:Agent", "dcatapit:Agent"],
        "foaf:name": _testo(t["nome"]),
        "dct:identifier": t["codice_ipa"],
    }


def url_distribuzione(request, ds, dist):
    return request.build_absolute_uri(reverse("opendata:csv", args=[ds.codice, dist.codice]))


def _distribuzione(request, ds, dist):
    url = url_distribuzione(request, ds, dist)
    return {
        "@id": url,
        "@type": ["dcat:Distribution", "dcatapit:Distribution"],
        "dct:title": _testo(dist.titolo),
        "dct:description": _testo(
            f"{dist.titolo}. File CSV (UTF-8, separatore virgola), colonne: {', '.join(dist.colonne)}."
        ),
        "dct:format": FORMATO_CSV,
        "dcat:mediaType": TIPO_CSV,
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dct:license": LICENZA,
        "csvw:tableSchema": {"csvw:column": {"@list": [{"csvw:name": c} for c in dist.colonne]}},
    }


def _dataset(request, ds, modificato, base):
    t = titolare()
    url = request.build_absolute_uri(reverse("opendata:dataset", args=[ds.codice]))
    nodo = {
        "@id": url,
        "@type": ["dcat:Dataset", "dcatapit:Dataset"],
        # DCAT-AP_IT: the identifier is the IPA code of the holder, a colon, the local one.
        "dct:identifier": f"{t['codice_ipa']}:{ds.codice}",
        "dct:title": _testo(ds.titolo),
        "dct:description": _testo(ds.descrizione),
        "dcat:theme": [{"@id": selectors.TEMA + tema} for tema in ds.temi],
        "dct:accrualPeriodicity": {"@id": selectors.FREQUENZA + ds.frequenza},
        "dct:publisher": _agente(base),
        "dct:rightsHolder": _agente(base),
        "dct:language": LINGUA,
        "dcat:keyword": [_testo(k) for k in ds.parole_chiave],
        "dcat:landingPage": {"@id": url},
        "dct:spatial": {
            "@type": ["dct:Location", "dcatapit:Location"],
            "dcatapit:geographicalIdentifier": t["copertura_istat"],
            "locn:geographicalName": _testo(t["copertura"]),
        },
        "dcat:contactPoint": {
            "@id": f"{base}#contatto",
            "@type": ["vcard:Organization", "dcatapit:Organization"],
            "vcard:fn": _testo(t["nome"]),
            "vcard:hasEmail": {"@id": f"mailto:{t['email']}"},
        },
        "dcat:distribution": [_distribuzione(request, ds, d) for d in ds.distribuzioni],
    }
    if modificato is not None:
        nodo["dct:modified"] = _data(modificato)
    return nodo


def catalogo(request, voci):
    """`voci`: [(Dataset, last modification)] as the view read them."""
    base = request.build_absolute_uri(reverse("opendata:catalogo"))
    t = titolare()
    nodo = {
        "@context": CONTESTO,
        "@id": base,
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": _testo(f"Dati aperti dei Piani di Zona – {t['copertura']}"),
        "dct:description": _testo(
            "Catalogo dei dati aperti di Zona, il sistema informativo dei Piani di Zona: anagrafe territoriale, "
            "indicatori del quadro conoscitivo, obiettivi dei piani approvati, fondi, offerta dei servizi. "
            "Licenza CC BY 4.0."
        ),
        "dct:publisher": _agente(base),
        "dct:language": LINGUA,
        "foaf:homepage": {"@id": base},
        "dcat:dataset": [_dataset(request, ds, m, base) for ds, m in voci],
    }
    modificato = selectors.ultima_modifica_catalogo([m for _, m in voci])
    if modificato is not None:
        nodo["dct:modified"] = _data(modificato)
    return nodo
