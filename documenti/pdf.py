"""PDF from the document's HTML template, printed by headless Chromium (documenti.chromium).

The HTML comes from a Django template (autoescaped: names and free texts print as text; the
running header, a CSS string, is escaped character by character). The browser loads nothing
but the HTML and the Titillium Web fonts that Bootstrap Italia ships (served by Zona for its
pages too); charts are embedded as data: URIs.

Chromium prints CSS page margin boxes with counter(page) and counter(pages), so «Pagina n di
N» and the running header are CSS; it has no target-counter(), so the index's page numbers
take two passes:
1. the whole document with a placeholder in each index entry's page number (a box of fixed
   width: the numbers cannot change how the index is laid out); Chromium writes a named
   destination for each link's target, so the PDF says on which page each heading landed;
2. the cover and the index alone, with those numbers (and the document's page count in the
   footer): a page or two, a fraction of a second; their pages' content replaces the first
   pages' content of pass 1 in an incremental update (pypdf), which keeps pass 1's pages,
   links and destinations. The bookmarks are written in the same update, from the
   destinations (Chromium's own outline needs a tagged PDF, three times larger).
If pass 2's front has another page count than pass 1's (it should not), the whole document is
printed again with the numbers until they agree (chromium.PASSAGGI_MASSIMI prints in all).
Both passes use one browser page: the second costs no new renderer process.
"""

import io
import logging
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.html import escape

from . import chromium

log = logging.getLogger(__name__)

# The fonts of the pages (static/zona/fonts.css), as TrueType files: no decompression needed.
FONT = {
    "titillium-400.ttf": "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.ttf",
    "titillium-400-italic.ttf": "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-italic.ttf",
    "titillium-600.ttf": "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-600.ttf",
    "titillium-700.ttf": "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-700.ttf",
}
# The page margins (top, right, bottom, left) in mm.
MARGINI_MM = (20, 17, 18, 17)
# What an index entry shows before its page is known (pass 1).
SEGNAPOSTO = "000"


@lru_cache
def _font(nome):
    percorso = finders.find(FONT[nome])
    if percorso is None:
        return None
    with open(percorso, "rb") as fh:
        return fh.read()


def _font_tutti():
    # A missing font falls back to DejaVu Sans (fonts-dejavu).
    return {nome: contenuto for nome in FONT if (contenuto := _font(nome)) is not None}


def stringa_css(testo):
    """`testo` as a CSS string: every character but ASCII letters and digits as a six-digit hex
    escape, so nothing in it can close the string or the <style> element. (A space is escaped
    too: a space after an escape belongs to the escape.)"""
    return '"' + "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in testo) + '"'


def segnalibri(documento):
    """The bookmarks: (level, label, anchor) of the index, the chapters and their headings."""
    voci = [(1, "Indice", "indice")]
    for cap in documento.capitoli:
        voci.append((1, cap.etichetta, cap.ancora))
        for i, b in enumerate(cap.blocchi, 1):
            if b.tipo == "titolo":
                # The anchor of a level-3 heading is made by _blocco.html the same way.
                voci.append((b.livello, b.etichetta, b.ancora if b.livello == 2 else f"tit-{cap.numero}-{i}"))
    return voci


def _capitolo_html(cap):
    """The blocks of a chapter as HTML: written here rather than by a template (a 90-page plan
    has 1.100 table rows and 6.000 cells: Django's template engine took 0,4 s for them, this
    a tenth). Every text goes through `escape`."""
    parti = []
    for i, b in enumerate(cap.blocchi, 1):
        if b.tipo == "titolo":
            if b.livello == 2:
                parti.append(f'<h2 id="{escape(b.ancora)}">{escape(b.etichetta)}</h2>')
            else:
                # The anchor of a level-3 heading, as segnalibri() names it.
                parti.append(f'<h3 id="tit-{escape(cap.numero)}-{i}">{escape(b.etichetta)}</h3>')
        elif b.tipo == "paragrafo":
            parti.append(f'<p class="{"nota" if b.nota else ""}">{escape(b.testo)}</p>')
        elif b.tipo == "elenco":
            parti.append('<ul class="elenco">' + "".join(f"<li>{escape(v)}</li>" for v in b.voci) + "</ul>")
        elif b.tipo == "grafico":
            parti.append(
                f'<figure class="grafico"><img src="{escape(b.svg_data_uri())}" alt="{escape(b.titolo)}">'
                f'<figcaption class="fonte">Fonte: {escape(b.fonte)}</figcaption></figure>'
            )
        elif b.tipo == "tabella":
            parti.append(_tabella_html(b))
    return "\n".join(parti)


def _tabella_html(b):
    def numero(i):
        return ' class="numero"' if i in b.numeriche else ""

    def righe(cella):
        return f' rowspan="{cella.righe}"' if cella.righe > 1 else ""

    parti = [
        f'<div class="tabella{" breve" if b.breve else ""}">',
        f'<table class="{"scheda" if b.scheda else "dati"}">',
    ]
    if b.didascalia:
        parti.append(f"<caption>{escape(b.didascalia)}</caption>")
    parti.append("<colgroup>" + "".join(f'<col style="width: {p:.1f}%">' for p in b.percentuali()) + "</colgroup>")
    if b.mostra_intestazione:
        parti.append(
            "<thead><tr>"
            + "".join(f"<th{numero(i)}>{escape(c)}</th>" for i, c in enumerate(b.colonne))
            + "</tr></thead>"
        )
    parti.append("<tbody>")
    for r, riga in enumerate(b.griglia()):
        celle = []
        for i, cella in riga:
            if (b.scheda and i == 0) or cella.intestazione:
                celle.append(f"<th{righe(cella)}>{escape(cella.testo)}</th>")
            else:
                celle.append(f"<td{righe(cella)}{numero(i)}>{escape(cella.testo)}</td>")
        lunga = ' class="lunga"' if r in b.righe_lunghe else ""
        parti.append(f"<tr{lunga}>" + "".join(celle) + "</tr>")
    parti.append("</tbody>")
    if b.totale:
        parti.append(
            "<tfoot><tr>"
            + "".join(f"<td{numero(i)}>{escape(c)}</td>" for i, c in enumerate(b.totale))
            + "</tr></tfoot>"
        )
    parti.append(f'</table>\n<p class="fonte">Fonte: {escape(b.fonte)}</p>\n</div>')
    return "\n".join(parti)


def html(documento, capitoli=None, pagine=None, totale=None):
    """The document's HTML: all of it by default; the cover and index alone with `capitoli=[]`.
    `pagine` ({anchor: page}) fills the index's page numbers, `totale` the page count of the
    footer (else the browser counts the pages it prints)."""
    pagine = pagine or {}
    indice = documento.indice()
    return render_to_string(
        "documenti/documento.html",
        {
            "doc": documento,
            "indice": [(v, pagine.get(v.ancora, SEGNAPOSTO)) for v in indice],
            "capitoli": [(cap, _capitolo_html(cap)) for cap in (documento.capitoli if capitoli is None else capitoli)],
            "destinazioni": [a for _l, _e, a in segnalibri(documento) if a not in {v.ancora for v in indice}],
            "margini_css": " ".join(f"{m}mm" for m in MARGINI_MM),
            "intestazione_css": stringa_css(documento.intestazione),
            "totale": totale,
        },
    )


def genera_pdf(documento):
    """The PDF of a `modello.Documento`, as bytes."""
    passaggi = _Passaggi(documento, _font_tutti())
    stampati = chromium.stampa(html(documento), passaggi.font, seguito=passaggi.seguito)
    return passaggi.unisci(stampati)


class _Passaggi:
    """What each print of the document is (see the module's docstring) and what comes next."""

    def __init__(self, documento, font):
        self.documento, self.font = documento, font
        self.indice = documento.indice()
        self.tipi = ["intero"]  # of each print: "intero" (the whole) or "fronte" (cover and index)
        self.ancore = {}  # of the last whole print: {anchor: (page, x, y)}
        self.pagine = None  # the index's numbers of the last whole print (None: placeholders)
        self.totale = 0

    def seguito(self, stampato):
        from pypdf import PdfReader

        lettore = PdfReader(io.BytesIO(stampato))
        if self.tipi[-1] == "fronte":
            if len(lettore.pages) == self.fronte_pagine:
                return None
            # The index took another number of pages: the whole document with the numbers.
            log.warning("indice di %s: pagine diverse al secondo passaggio", self.documento.nome_file)
            self.tipi.append("intero")
            return html(self.documento, pagine=self._numeri())
        self.ancore, self.totale = _ancore(lettore), len(lettore.pages)
        numeri = self._numeri()
        if not self.indice or numeri == self.pagine:
            return None  # nothing to number, or the numbers printed are the right ones
        if self.pagine is None:
            # The first chapter starts the page after the index.
            self.fronte_pagine = numeri.get(self.indice[0].ancora, 2) - 1
            self.pagine = numeri
            self.tipi.append("fronte")
            return html(self.documento, capitoli=[], pagine=numeri, totale=self.totale)
        self.pagine = numeri
        self.tipi.append("intero")
        return html(self.documento, pagine=numeri)

    def _numeri(self):
        return {nome: pagina for nome, (pagina, _x, _y) in self.ancore.items()}

    def unisci(self, stampati):
        """The last whole print, with the front's pages if the last print is the front."""
        tipi = self.tipi[: len(stampati)]
        ultimo_intero = max(i for i, tipo in enumerate(tipi) if tipo == "intero")
        fronte = stampati[-1] if tipi[-1] == "fronte" else None
        return _completa(
            stampati[ultimo_intero],
            fronte,
            self.fronte_pagine if fronte else 0,
            segnalibri(self.documento),
            self.ancore,
        )


def _ancore(lettore):
    """{anchor: (page number from 1, left, top)} of the PDF's named destinations."""
    ancore = {}
    for nome, d in lettore.named_destinations.items():
        ancore[str(nome).removeprefix("/")] = (lettore.get_destination_page_number(d) + 1, d.left, d.top)
    return ancore


def _completa(corpo, fronte, n_fronte, voci, ancore):
    """`corpo` with its first `n_fronte` pages' content replaced by the pages of `fronte`, and
    the bookmarks `voci` where their anchors are: an incremental update (pass 1's bytes as they
    are, the changed objects appended: documenti.pdf_incrementale)."""
    from pypdf import PdfReader

    from .pdf_incrementale import Aggiornamento

    aggiornamento = Aggiornamento(corpo)
    if fronte is not None:
        origine = PdfReader(io.BytesIO(fronte))
        pagine = aggiornamento.lettore.pages
        for pagina, nuova in zip(pagine[:n_fronte], origine.pages, strict=True):
            # The new content and its resources; the page object itself (with pass 1's links
            # and the destinations pointing to it) stays.
            aggiornamento.sostituisci_contenuto(pagina, nuova, origine)
    aggiornamento.segnalibri(
        [
            (livello, etichetta, ancore[ancora][0] - 1, ancore[ancora][1], ancore[ancora][2])
            for livello, etichetta, ancora in voci
            if ancora in ancore  # a heading the browser printed
        ]
    )
    return aggiornamento.scrivi_file()
