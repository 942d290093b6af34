"""PDF from the document's HTML template, with WeasyPrint.

The HTML comes from a Django template (autoescaped: names and free texts print as text). The
renderer fetches nothing from the network: the only resources it may load are the Titillium
Web fonts that Bootstrap Italia ships (served by Zona for its pages too) and the charts,
embedded as data: URIs. Any other URL is refused.

WeasyPrint lays out and draws a page of dense tables in about 0,15 s of CPU, on one core: the
Piano di Zona of an Ambito (90 pages, 1.100 table rows) took 15-20 s. So a long document is
split in two parts at a chapter or numbered section, rendered at the same time in this process
and in a copy of it (fork), and joined (documenti.pdf_parti): the second part starts on a new
page, the rest is the same document, with its page numbers, index, links and bookmarks. A short
document is rendered in one go.
"""

import logging
import multiprocessing
import time
from dataclasses import replace
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from . import pdf_parti

log = logging.getLogger(__name__)

# The fonts of the pages (static/zona/fonts.css), as TrueType files: no decompression needed.
FONT = {
    "zona-font:titillium-400": "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.ttf",
    "zona-font:titillium-400-italic": "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-italic.ttf",
    "zona-font:titillium-600": "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-600.ttf",
    "zona-font:titillium-700": "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-700.ttf",
}
# The page margins (top, right, bottom, left) in mm: the CSS's and the positions of the anchors
# that the front document carries over a part's pages.
MARGINI_MM = (20, 17, 18, 17)
# Above this weight (characters, plus a share per table row) a document is rendered in two
# parts: about 25 pages of dense tables. Below it the front document and the joining (about 1,5 s
# of CPU for a 90-page plan, less for a short one) would eat what the second core saves.
SOGLIA_PARTI = 100_000
# The share of the weight the second process renders: this one also makes the first part's HTML
# (with the charts), the front document and the joining. Measured on the Alto Sebino 2021-2023
# plan (bench/README.md): 0,55 left this process about 1,5 s behind the second.
QUOTA_SECONDA = 0.6
# Seconds the second process may take to lay out or draw its part, at least (see _in_parti).
ATTESA_MINIMA = 60


@lru_cache
def _font(url):
    percorso = finders.find(FONT[url])
    if percorso is None:
        return None
    with open(percorso, "rb") as fh:
        return fh.read()


def _font_tutti():
    return {url: _font(url) for url in FONT}


def _fetcher():
    return pdf_parti.fetcher(_font_tutti())


def html(documento, capitoli=None, fronte=True, piede=True, sovrapposte=()):
    """The document's HTML: all of it by default; for a part, its `capitoli` without the
    front (cover and index) and without page numbers (`piede`); for the front document of
    a document rendered in parts, the front with one empty page per page of the parts
    (`sovrapposte`: pdf_parti.Pagina), carrying their anchors and bookmarks."""
    alto, _destro, _basso, sinistro = MARGINI_MM
    origine = (sinistro * pdf_parti.PX_PER_MM, alto * pdf_parti.PX_PER_MM)
    return render_to_string(
        "documenti/documento.html",
        {
            "doc": documento,
            "indice": documento.indice() if fronte else [],
            "capitoli": documento.capitoli if capitoli is None else capitoli,
            "fronte": fronte,
            "piede": piede,
            "margini_css": " ".join(f"{m}mm" for m in MARGINI_MM),
            "sovrapposte": [_sovrapposta(p, origine) for p in sovrapposte],
        },
    )


def _sovrapposta(pagina, origine):
    x0, y0 = origine
    return {
        "ancore": [(nome, round(x - x0, 2), round(y - y0, 2)) for nome, x, y in pagina.ancore],
        "segnalibri": [
            (livello, etichetta, round(x - x0, 2), round(y - y0, 2)) for livello, etichetta, x, y in pagina.segnalibri
        ],
    }


def genera_pdf(documento):
    """The PDF of a `modello.Documento`, as bytes."""
    parti = dividi(documento)
    if len(parti) == 1:
        return pdf_parti.rendi(html(documento), _font_tutti()).pdf
    return _in_parti(documento, parti)


def _peso(blocco):
    """A measure of the work of laying out a block: its characters, and per table row the boxes
    of its cells and borders."""
    if blocco.tipo == "tabella":
        return 60 * len(blocco.righe) + sum(len(c.testo) for riga in blocco.righe for c in riga)
    if blocco.tipo == "elenco":
        return 60 + sum(len(v) for v in blocco.voci)
    if blocco.tipo == "grafico":
        return 3000
    return 60 + len(getattr(blocco, "testo", ""))


def dividi(documento):
    """The document's chapters in one part, or in two split at a chapter or a numbered section
    (Titolo of level 2) so that the second holds about QUOTA_SECONDA of the weight. A chapter
    split in two continues in the second part without its heading (`seguito`)."""
    # Places a part may start at: (chapter index, block index), with the weight before them.
    tagli, totale = [], 0
    for c, cap in enumerate(documento.capitoli):
        for b, blocco in enumerate(cap.blocchi):
            if b == 0 or (blocco.tipo == "titolo" and blocco.livello == 2):
                tagli.append((totale, c, b))
            totale += _peso(blocco)
        if not cap.blocchi:
            tagli.append((totale, c, 0))
    if totale < SOGLIA_PARTI or len(tagli) < 2:
        return [documento.capitoli]
    obiettivo = totale * (1 - QUOTA_SECONDA)
    _peso_prima, c, b = min(tagli[1:], key=lambda t: abs(t[0] - obiettivo))
    if b == 0:
        return [documento.capitoli[:c], documento.capitoli[c:]]
    cap = documento.capitoli[c]
    prima = [*documento.capitoli[:c], replace(cap, blocchi=cap.blocchi[:b])]
    seconda = [replace(cap, blocchi=cap.blocchi[b:], seguito=True), *documento.capitoli[c + 1 :]]
    return [prima, seconda]


def _in_parti(documento, parti):
    """`parti` (two lists of chapters) rendered at the same time, the second in a copy of this
    process that sends its pages' anchors and bookmarks as soon as they are laid out: the front
    document (cover, index, page numbers) is rendered here while it draws its PDF."""
    font = _font_tutti()
    # The second part's HTML first: the first's (with the charts, drawn by vl-convert) is made
    # while the second process is already laying out.
    seconda = html(documento, capitoli=parti[1], fronte=False, piede=False)
    figlio = _SecondoProcesso(seconda, font)
    try:
        inizio = time.monotonic()
        resa_prima = pdf_parti.rendi(html(documento, capitoli=parti[0], fronte=False, piede=False), font)
        # The two parts weigh about the same: a second process far slower than this one is stuck
        # (or has no core): its part is rendered here.
        attesa = max(ATTESA_MINIMA, 3 * (time.monotonic() - inizio))
        pagine_seconda = figlio.ricevi(attesa)
        if pagine_seconda is None:
            resa_seconda = pdf_parti.rendi(seconda, font)
            pagine_seconda, pdf_seconda = resa_seconda.pagine, resa_seconda.pdf
        fronte = pdf_parti.rendi(html(documento, capitoli=[], sovrapposte=resa_prima.pagine + pagine_seconda), font)
        if figlio.attivo:
            pdf_seconda = figlio.ricevi(attesa) or pdf_parti.rendi(seconda, font).pdf
    finally:
        figlio.chiudi()
    return pdf_parti.unisci(fronte.pdf, [resa_prima.pdf, pdf_seconda])


class _SecondoProcesso:
    """The second part rendered by a copy of this process (pdf_parti.rendi_e_invia). Where it
    cannot start, or does not answer in time, `ricevi` says None and the caller renders the
    part itself: the same HTML makes the same pages."""

    def __init__(self, html_parte, font):
        self.processo = self.connessione = None
        try:
            contesto = _contesto()
            self.connessione, invia = contesto.Pipe(duplex=False)
            self.processo = contesto.Process(
                target=pdf_parti.rendi_e_invia, args=(html_parte, font, invia), daemon=True
            )
            self.processo.start()
            invia.close()
        except (OSError, AssertionError) as e:  # no fork (Windows), a process limit, a daemon process
            log.warning("documento in un solo processo: %s", e)
            self.chiudi()

    @property
    def attivo(self):
        return self.processo is not None

    def ricevi(self, attesa):
        if not self.attivo:
            return None
        try:
            if self.connessione.poll(attesa):
                return self.connessione.recv()
            log.warning("la seconda parte del documento non è arrivata in %.0f s: composta qui", attesa)
        except (EOFError, OSError):
            log.warning("il processo della seconda parte del documento è terminato: composta qui")
        self.chiudi()
        return None

    def chiudi(self):
        if self.connessione is not None:
            self.connessione.close()
        if self.processo is not None:
            self.processo.join(timeout=1)
            if self.processo.is_alive():
                self.processo.kill()
                self.processo.join()
        self.processo = self.connessione = None


def _contesto():
    """A copy of this process (fork): it starts at once, with WeasyPrint and the fonts loaded,
    and it only renders an HTML string and sends the PDF back (it touches no connection and no
    file of this process). A fork server or a new interpreter would import this process's main
    module again (manage.py, gunicorn, a bench script) and WeasyPrint: a second or more, on a
    job of a few. Without fork (Windows) the parts are rendered one after the other."""
    if "fork" not in multiprocessing.get_all_start_methods():
        raise OSError("fork non disponibile")
    return multiprocessing.get_context("fork")
