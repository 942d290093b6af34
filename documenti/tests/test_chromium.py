"""The browser that prints the documents (documenti.chromium): it runs no script, loads nothing
but the document and its fonts, and leaves no process behind: not when closed, not when a
document takes longer than its limit, not when the process that started it is killed."""

import http.server
import io
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from documenti import chromium

RADICE = Path(__file__).resolve().parents[2]


def _testo(pdf):
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _chromium_figli():
    return [p for p in chromium._discendenti(os.getpid()) if chromium._eseguibile_di(p) == chromium.nome_processo()]


def _attendi(condizione, secondi=10):
    fine = time.monotonic() + secondi
    while time.monotonic() < fine:
        if condizione():
            return True
        time.sleep(0.1)
    return condizione()


@pytest.fixture
def server():
    """A local web server that counts the requests it gets."""
    richieste = []

    class Gestore(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            richieste.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gestore)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}", richieste
    srv.shutdown()


def test_nessuno_script_nessuna_rete_nessun_file(server):
    indirizzo, richieste = server
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
    <link rel="stylesheet" href="{indirizzo}/foglio.css">
    <link rel="stylesheet" href="file:///etc/passwd">
    <style>@font-face {{ font-family: X; src: url("{indirizzo}/font.ttf"); }} p {{ font-family: X; }}
    .sfondo {{ background: url("{indirizzo}/sfondo.png"); }}</style></head>
    <body><p class="sfondo">Testo del documento</p>
    <img src="{indirizzo}/immagine.png"><img src="file:///etc/hostname">
    <iframe src="{indirizzo}/cornice"></iframe><iframe src="file:///etc/hostname"></iframe>
    <script>document.body.textContent = "ESEGUITO"; fetch("{indirizzo}/fetch");</script>
    <noscript>senza script</noscript>
    <form action="{indirizzo}/modulo"><button>invia</button></form>
    </body></html>"""
    (pdf,) = chromium.stampa(html, {})
    testo = _testo(pdf)
    assert "Testo del documento" in testo and "senza script" in testo
    assert "ESEGUITO" not in testo
    assert richieste == []


def test_il_browser_chiuso_non_lascia_processi():
    chromium.stampa("<p>uno</p>", {})
    assert _chromium_figli()
    chromium.chiudi()
    assert _attendi(lambda: not _chromium_figli()), _chromium_figli()
    # The next document starts a new browser.
    assert "due" in _testo(chromium.stampa("<p>due</p>", {})[0])


def test_un_documento_oltre_il_limite_termina_il_browser(monkeypatch):
    chromium.stampa("<p>avvio</p>", {})
    monkeypatch.setattr(chromium, "LIMITE_AVVIO", 0)
    monkeypatch.setattr(chromium, "LIMITE_PASSO", 0.5)

    def bloccato(_pdf):
        time.sleep(4)
        return "<p>mai</p>"

    with pytest.raises(chromium.ErroreStampa):
        chromium.stampa("<p>lento</p>", {}, seguito=bloccato)
    assert _attendi(lambda: not _chromium_figli()), _chromium_figli()
    monkeypatch.undo()
    # Once the stuck step returns, the next document gets a new browser.
    assert "dopo" in _testo(chromium.stampa("<p>dopo</p>", {})[0])


def test_il_processo_ucciso_non_lascia_il_browser():
    """SIGKILL of the worker that started the browser: Playwright's driver sees its pipe close
    and kills the browser it launched."""
    codice = textwrap.dedent(
        """
        import os, sys, time
        from documenti import chromium
        chromium.stampa("<p>lavoro</p>", {})
        nome = chromium.nome_processo()
        figli = [p for p in chromium._discendenti(os.getpid()) if chromium._eseguibile_di(p) == nome]
        print(" ".join(map(str, figli)), flush=True)
        time.sleep(60)
        """
    )
    processo = subprocess.Popen([sys.executable, "-c", codice], cwd=RADICE, stdout=subprocess.PIPE, text=True)
    try:
        figli = [int(p) for p in processo.stdout.readline().split()]
        assert figli
    finally:
        processo.send_signal(signal.SIGKILL)
        processo.wait()

    def vivi():
        return [p for p in figli if chromium._eseguibile_di(p) == chromium.nome_processo()]

    assert _attendi(lambda: not vivi(), 15), vivi()
