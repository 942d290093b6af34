"""Headless Chromium as the PDF engine: an HTML string in, a PDF out (documenti.pdf drives it).

The HTML holds users' text, so the browser is locked down: JavaScript off, service workers
blocked, and every request goes through one route that answers the document itself and the
fonts it may use (from memory, never from the disk) and aborts anything else (an <img> or a
url() in a user's text, a link, a redirect); charts are data: URIs and load nothing. The
document's origin is a name under .invalid (RFC 2606: never resolved), and the browser is
started with every host name mapped to nothing, in case something escaped the route.

One Chromium per process, started on the first document (or by `prepara`, so that a job
starts it while it reads its data) and kept while documents keep coming: starting it costs
about a second of CPU, a document of 90 pages about two. Playwright's sync API belongs to the
thread that started it, so one thread of this module owns the browser and the callers hand it
work through a queue, each step with a time limit: a step over its limit gets the browser
killed (its whole process group), and the next document starts a new one. The browser is
closed after `RIPOSO` idle seconds, and when the process exits (Playwright's driver kills the
browsers it launched when its parent goes away, even on SIGKILL).

This module imports no Django; the executable comes from ZONA_CHROMIUM (default the Debian
package's /usr/bin/chromium, as the browser tests use)."""

import atexit
import concurrent.futures
import contextlib
import logging
import os
import queue
import signal
import threading
import time

log = logging.getLogger(__name__)

ORIGINE = "https://documento.zona.invalid/"
PERCORSO_FONT = "font/"
ARGOMENTI = [
    "--no-sandbox",  # the renderer runs no script; a worker process may not have user namespaces
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
# Seconds: starting the browser, loading a document's HTML, printing it.
LIMITE_AVVIO = 30
LIMITE_PASSO = 120
# Prints of one document at most (documenti.pdf: the whole, then the index, rarely more).
PASSAGGI_MASSIMI = 4
# Seconds without a document after which the browser is closed: it holds about 400 MB (its
# processes' PSS with Playwright's driver), so a web worker that made one PDF gives them back
# soon, while a batch of documents (one job, one after the other) keeps one browser.
RIPOSO = 60


class ErroreStampa(RuntimeError):
    """The browser failed, or took longer than its limit, on a document."""


def eseguibile():
    return os.environ.get("ZONA_CHROMIUM", "/usr/bin/chromium")


def nome_processo():
    """The name the browser's processes have in /proc (Debian's /usr/bin/chromium is a script
    that runs /usr/lib/chromium/chromium: «chromium» either way)."""
    return os.path.basename(os.path.realpath(eseguibile()))[:15]


class _Stampante:
    """The thread that owns Playwright and the browser."""

    def __init__(self):
        self.coda = queue.Queue()
        self.pid = os.getpid()
        self.browser = self.playwright = None
        self.figlio = None  # the browser's process id (leader of its process group)
        # A new browser context with its page, made while the browser has nothing to do: each
        # document gets its own (nothing of a document is left for the next one), without
        # waiting the half second a new page's renderer takes to start.
        self.pronta = None
        self.thread = threading.Thread(target=self._ciclo, name="zona-chromium", daemon=True)
        self.thread.start()

    def esegui(self, funzione, limite):
        futuro = concurrent.futures.Future()
        self.coda.put((funzione, futuro))
        try:
            return futuro.result(timeout=limite)
        except concurrent.futures.TimeoutError:
            log.error("Chromium oltre %s s su un documento: terminato", limite)
            futuro.cancel()  # still queued behind a stuck document: never started
            self.uccidi()
            raise ErroreStampa(f"il browser non ha risposto in {limite} s") from None

    def _ciclo(self):
        while True:
            if self.browser is not None and self.pronta is None and self.coda.empty():
                try:
                    self.pronta = self._nuova_pagina()
                except Exception:  # noqa: BLE001 - the next document starts a new browser
                    log.exception("Chromium: nuova pagina non riuscita")
                    self._chiudi()
            try:
                funzione, futuro = self.coda.get(timeout=RIPOSO if self.browser else None)
            except queue.Empty:
                self._chiudi()
                continue
            if funzione is None:
                self._chiudi()
                futuro.set_result(None)
                return
            if not futuro.set_running_or_notify_cancel():
                continue
            try:
                futuro.set_result(funzione(self))
            except BaseException as e:  # noqa: BLE001 - handed to the caller
                # A browser that failed once is not trusted with the next document.
                self._chiudi()
                futuro.set_exception(e)

    def avvia(self):
        if self.browser is not None and self.browser.is_connected():
            return self.browser
        self._chiudi()
        from playwright.sync_api import sync_playwright

        prima = _discendenti(os.getpid())
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=eseguibile(), headless=True, args=ARGOMENTI, timeout=LIMITE_AVVIO * 1000
        )
        nome = nome_processo()
        nuovi = [p for p in _discendenti(os.getpid()) if p not in prima and _eseguibile_di(p) == nome]
        # The browser's own process: its parent is not a Chromium (the driver started it).
        self.figlio = next((p for p in nuovi if _eseguibile_di(_genitore(p)) != nome), None)
        return self.browser

    def _nuova_pagina(self):
        contesto = self.avvia().new_context(java_script_enabled=False, service_workers="block")
        contesto.set_default_timeout(LIMITE_PASSO * 1000)
        return contesto, contesto.new_page()

    def pagina(self):
        """A fresh context's page for one document (the caller closes its context)."""
        pronta, self.pronta = self.pronta, None
        if pronta is not None and self.browser is not None and self.browser.is_connected():
            return pronta
        return self._nuova_pagina()

    def _chiudi(self):
        browser, playwright, self.browser, self.playwright = self.browser, self.playwright, None, None
        self.pronta = None
        try:
            if browser is not None:
                browser.close()
        except Exception:  # noqa: BLE001 - a dead browser cannot be closed: killed below
            pass
        try:
            if playwright is not None:
                playwright.stop()
        except Exception:  # noqa: BLE001
            pass
        self.uccidi()

    def uccidi(self):
        """Kill the browser's process group (renderers and helpers with it), if still alive."""
        figlio, self.figlio = self.figlio, None
        if figlio is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(figlio, signal.SIGKILL)

    def ferma(self):
        if self.thread.is_alive():
            futuro = concurrent.futures.Future()
            self.coda.put((None, futuro))
            try:
                futuro.result(timeout=10)
            except concurrent.futures.TimeoutError:
                self.uccidi()


_stampante = None
_lock = threading.Lock()


def _attiva():
    global _stampante
    with _lock:
        # A copy of this process (fork) has no thread: it starts its own browser.
        if _stampante is None or _stampante.pid != os.getpid() or not _stampante.thread.is_alive():
            _stampante = _Stampante()
        return _stampante


def prepara():
    """Start the browser now, without waiting for it (a job calls this before reading its data)."""
    _attiva().coda.put((_Stampante.avvia, concurrent.futures.Future()))


def chiudi():
    """Close this process's browser (at exit, and in tests)."""
    global _stampante
    with _lock:
        stampante, _stampante = _stampante, None
    if stampante is not None and stampante.pid == os.getpid():
        stampante.ferma()


atexit.register(chiudi)


def stampa(html, font, seguito=None):
    """The PDFs (bytes) of `html` and of what follows it: `seguito(pdf)`, if given, is called
    with each PDF and says the next HTML to print in the same page, or None. The HTML's only
    resources are the `font` ({file name: bytes}) it names as url("font/<name>"); page size
    and margins come from its @page rules. `seguito` runs in the browser's thread."""

    def lavoro(stampante):
        contesto, pagina = stampante.pagina()
        stampati = []
        try:
            documento = {"html": html}
            pagina.route("**/*", lambda route: _rispondi(route, documento["html"], font))
            while True:
                # A new address for each pass: a navigation, never a page from a cache.
                risposta = pagina.goto(f"{ORIGINE}?passaggio={len(stampati) + 1}", wait_until="load")
                if risposta is None or not risposta.ok:
                    raise ErroreStampa("il documento non si è caricato nel browser")
                stampati.append(pagina.pdf(prefer_css_page_size=True, print_background=True))
                documento["html"] = seguito(stampati[-1]) if seguito is not None else None
                if documento["html"] is None or len(stampati) >= PASSAGGI_MASSIMI:
                    return stampati
        finally:
            contesto.close()

    inizio = time.monotonic()
    try:
        return _attiva().esegui(lavoro, LIMITE_AVVIO + PASSAGGI_MASSIMI * LIMITE_PASSO)
    finally:
        log.debug("documento stampato da Chromium in %.2f s", time.monotonic() - inizio)


def _rispondi(route, html, font):
    url = route.request.url
    if url.split("?")[0] == ORIGINE:
        return route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")
    if url.startswith(ORIGINE + PERCORSO_FONT):
        contenuto = font.get(url[len(ORIGINE + PERCORSO_FONT) :])
        if contenuto is not None:
            return route.fulfill(status=200, body=contenuto, content_type="font/ttf")
    log.warning("risorsa non ammessa nel documento: %.200s", url)
    return route.abort("blockedbyclient")


# --- the process tree (Linux /proc): to find the browser's process and to kill it ---------


def _stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            s = fh.read()
    except OSError:
        return None
    return s[s.index("(") + 1 : s.rindex(")")], s[s.rindex(")") + 2 :].split()


def _genitore(pid):
    st = _stat(pid)
    return int(st[1][1]) if st else 0


def _eseguibile_di(pid):
    st = _stat(pid)
    return st[0] if st else ""


def _discendenti(radice):
    """The process ids under `radice`."""
    figli = {}
    for voce in os.listdir("/proc"):
        if voce.isdigit():
            st = _stat(voce)
            if st:
                figli.setdefault(int(st[1][1]), []).append(int(voce))
    trovati, da_vedere = [], [radice]
    while da_vedere:
        for figlio in figli.get(da_vedere.pop(), []):
            trovati.append(figlio)
            da_vedere.append(figlio)
    return trovati


def cpu_processi_figli():
    """Seconds of CPU (user + system) used so far by the processes under this one: the bench
    counts the browser's processes with it."""
    tick = os.sysconf("SC_CLK_TCK")
    totale = 0.0
    for pid in _discendenti(os.getpid()):
        st = _stat(pid)
        if st:
            totale += (int(st[1][11]) + int(st[1][12])) / tick
    return totale
