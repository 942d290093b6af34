"""PDF from the document's HTML template, with WeasyPrint.

The HTML comes from a Django template (autoescaped: names and free texts print as text). The
renderer fetches nothing from the network: the only resources it may load are the Titillium
Web fonts that Bootstrap Italia ships (served by Zona for its pages too) and the charts,
embedded as data: URIs. Any other URL is refused.
"""

import logging
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# WeasyPrint logs a line per page at INFO: not worth the log volume of the server.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The fonts of the pages (static/zona/fonts.css), as TrueType files: no decompression needed.
FONT = {
    "zona-font:titillium-400": "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.ttf",
    "zona-font:titillium-400-italic": "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-italic.ttf",
    "zona-font:titillium-600": "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-600.ttf",
    "zona-font:titillium-700": "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-700.ttf",
}


@lru_cache
def _font(url):
    percorso = finders.find(FONT[url])
    if percorso is None:
        return None
    with open(percorso, "rb") as fh:
        return fh.read()


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FetcherLocale(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url in FONT and _font(url) is not None:
                return URLFetcherResponse(url, _font(url), {"Content-Type": "font/ttf"})
            # A missing font falls back to DejaVu Sans (fonts-dejavu); nothing else is loaded.
            raise ValueError(f"risorsa non ammessa nel documento: {url}")

    return FetcherLocale(allowed_protocols={"data", "zona-font"})


def html(documento):
    return render_to_string("documenti/documento.html", {"doc": documento, "indice": documento.indice()})


def genera_pdf(documento):
    """The PDF of a `modello.Documento`, as bytes."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return HTML(string=html(documento), url_fetcher=_fetcher()).write_pdf(font_config=font_config)
