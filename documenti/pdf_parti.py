"""WeasyPrint without Django: render a document's HTML, and join PDFs rendered apart.

A long document is laid out in two processes (documenti.pdf): each renders some chapters into a
PDF of its own, with no running header or page numbers; then one "front" document (the cover,
the table of contents, and one empty page per page of the parts carrying the header, the
footer, the anchors and the bookmarks at the positions the parts reported) is rendered, and
each part's page is drawn under its front page as a form XObject. The front document's pages
are the pages of the result, so WeasyPrint itself numbers the pages, resolves the table of
contents' page numbers (target-counter), the links, the named destinations and the bookmarks.

This module imports no Django: the second process is forked from a server that preloads only
it and WeasyPrint."""

import io
import logging
from dataclasses import dataclass, field

# WeasyPrint logs a line per page at INFO: not worth the log volume of the server.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# 1 CSS px = 1/96 in; the positions WeasyPrint reports are CSS px from the top-left of the page.
PX_PER_MM = 96 / 25.4


@dataclass
class Pagina:
    """What the front page over a part's page must carry: anchors and bookmarks, in CSS px from
    the top-left of the page."""

    ancore: list = field(default_factory=list)  # (name, x, y)
    segnalibri: list = field(default_factory=list)  # (level, label, x, y)


@dataclass
class Reso:
    pdf: bytes
    pagine: list  # Pagina, one per page


def fetcher(font):
    """A WeasyPrint URL fetcher that loads only `font` ({url: bytes}) and data: URIs."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FetcherLocale(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if font.get(url) is not None:
                return URLFetcherResponse(url, font[url], {"Content-Type": "font/ttf"})
            # A missing font falls back to DejaVu Sans (fonts-dejavu); nothing else is loaded.
            raise ValueError(f"risorsa non ammessa nel documento: {url}")

    return FetcherLocale(allowed_protocols={"data", "zona-font"})


def rendi(html, font, pronte=None):
    """The PDF of `html` and, per page, its anchors and bookmarks. `pronte(pagine)`, if given,
    is called with those as soon as the layout is done, before the drawing."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    documento = HTML(string=html, url_fetcher=fetcher(font)).render(font_config=FontConfiguration())
    pagine = [
        Pagina(
            ancore=[(nome, x, y) for nome, (x, y, *_resto) in p.anchors.items()],
            segnalibri=[(livello, etichetta, x, y) for livello, etichetta, (x, y), _stato in p.bookmarks],
        )
        for p in documento.pages
    ]
    if pronte is not None:
        pronte(pagine)
    return Reso(documento.write_pdf(), pagine)


def rendi_e_invia(html, font, connessione):
    """`rendi` in a second process: sends the pages as soon as they are laid out (the front
    document needs only them), then the PDF."""
    try:
        reso = rendi(html, font, pronte=connessione.send)
        connessione.send(reso.pdf)
    finally:
        connessione.close()


def unisci(fronte, parti):
    """`fronte` (PDF bytes) with the pages of `parti` (PDF bytes each, in order) drawn under its
    last pages, one part page under one front page."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter(clone_from=io.BytesIO(fronte))
    sotto = [pagina for parte in parti for pagina in PdfReader(io.BytesIO(parte)).pages]
    primo = len(writer.pages) - len(sotto)
    if primo < 0:
        raise ValueError("il documento di fronte ha meno pagine delle parti")
    prima = DecodedStreamObject()
    prima.set_data(b"q /ZonaParte Do Q\n")
    prima_ref = writer._add_object(prima)
    for pagina, parte in zip(writer.pages[primo:], sotto, strict=True):
        # WeasyPrint's pages share one resource dictionary: each page gets its own copy, with
        # its part's page as a form among its XObjects.
        risorse = DictionaryObject(pagina["/Resources"].get_object())
        xobject = DictionaryObject(risorse["/XObject"].get_object()) if "/XObject" in risorse else DictionaryObject()
        xobject[NameObject("/ZonaParte")] = _riferimento(_forma(parte, writer), writer)
        risorse[NameObject("/XObject")] = xobject
        pagina[NameObject("/Resources")] = risorse
        # The page's own streams by reference: a stream is never a direct object in an array.
        contenuti = pagina.raw_get("/Contents")
        if isinstance(contenuti.get_object(), ArrayObject):
            esistenti = list(contenuti.get_object())
        else:
            esistenti = [_riferimento(contenuti.get_object(), writer)]
        # The part first (with its running header), the page number over it.
        pagina[NameObject("/Contents")] = ArrayObject([prima_ref, *esistenti])
        if "/Annots" in parte:
            annotazioni = pagina.setdefault(NameObject("/Annots"), ArrayObject())
            annotazioni.extend(a.get_object().clone(writer).indirect_reference for a in parte["/Annots"])
    uscita = io.BytesIO()
    writer.write(uscita)
    return uscita.getvalue()


def _riferimento(oggetto, writer):
    """`oggetto` as an indirect object of `writer` (a clone, or a page's stream, already is one)."""
    from pypdf.generic import IndirectObject

    ref = getattr(oggetto, "indirect_reference", None)
    if ref is not None and ref.pdf is writer:
        return IndirectObject(ref.idnum, ref.generation, writer)
    return writer._add_object(oggetto)


def _forma(pagina, writer):
    """A part's page as a form XObject of `writer`: its content stream kept compressed as it is
    (no decoding, no parsing), its resources copied once per part."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, RectangleObject

    contenuti = pagina["/Contents"].get_object()
    if isinstance(contenuti, ArrayObject):
        forma = DecodedStreamObject()
        forma.set_data(b"\n".join(c.get_object().get_data() for c in contenuti))
    else:
        forma = contenuti.clone(writer, force_duplicate=True)
    forma[NameObject("/Type")] = NameObject("/XObject")
    forma[NameObject("/Subtype")] = NameObject("/Form")
    forma[NameObject("/BBox")] = RectangleObject(pagina.mediabox)
    forma[NameObject("/Resources")] = pagina["/Resources"].clone(writer)
    if "/Group" in pagina:
        forma[NameObject("/Group")] = pagina["/Group"].clone(writer)
    return forma
