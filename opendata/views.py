"""Pages of the open data: the catalogue (HTML and DCAT-AP_IT JSON-LD), a page per dataset, and
the CSV of each distribution. Public, read-only."""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render

from zona.lib.downloads import scarica_tabella
from zona.lib.policies import PUBBLICO, policy

from . import dcat, selectors


def _voci():
    return [(ds, ds.ultima_modifica()) for ds in selectors.datasets()]


def _dataset_o_404(codice):
    ds = selectors.dataset(codice)
    if ds is None:
        raise Http404("Dataset inesistente.")
    return ds


@policy(read=PUBBLICO)
def catalogo(request):
    return render(
        request,
        "opendata/catalogo.html",
        {"voci": _voci(), "titolare": dcat.titolare()},
    )


@policy(read=PUBBLICO)
def catalogo_jsonld(request):
    corpo = json.dumps(dcat.catalogo(request, _voci()), ensure_ascii=False, indent=1)
    return HttpResponse(corpo, content_type="application/ld+json; charset=utf-8")


@policy(read=PUBBLICO)
def dataset(request, codice):
    ds = _dataset_o_404(codice)
    distribuzioni = [(d, dcat.url_distribuzione(request, ds, d)) for d in ds.distribuzioni]
    return render(
        request,
        "opendata/dataset.html",
        {"ds": ds, "modificato": ds.ultima_modifica(), "distribuzioni": distribuzioni, "titolare": dcat.titolare()},
    )


@policy(read=PUBBLICO)
def csv(request, codice, distribuzione):
    ds = _dataset_o_404(codice)
    dist = ds.distribuzione(distribuzione)
    if dist is None:
        raise Http404("Distribuzione inesistente.")
    return scarica_tabella(f"{ds.codice}-{dist.codice}", "csv", list(dist.colonne), dist.righe())
