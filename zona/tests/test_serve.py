"""scripts/serve.sh: gunicorn with the production settings answers the health check, pages
behind an HTTPS proxy and static files, and logs JSON lines."""

import gzip
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import time

import pytest

from testsupport.processi import ROOT, ambiente

# Its own SQLite database: the PostgreSQL run would repeat the same 90 s.
pytestmark = pytest.mark.senza_database


def _porta_libera():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(porta, path, **headers):
    """(status, headers, body) without following redirects."""
    conn = http.client.HTTPConnection("127.0.0.1", porta, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def test_serve_sh_runs_gunicorn_with_production_settings(tmp_path):
    porta = _porta_libera()
    env = ambiente(
        f"sqlite:///{tmp_path / 'zona.sqlite3'}",
        SECRET_KEY=secrets.token_urlsafe(64),
        ZONA_CHIAVE_PSEUDONIMO=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="zona.example.org,127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
        BIND=f"127.0.0.1:{porta}",
        WEB_CONCURRENCY="1",
    )
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115 - open for as long as the server runs
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts/serve.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        # migrate of a new database, collectstatic and the jobs worker first: minutes on a busy machine.
        scadenza = time.monotonic() + 300
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                stato, _, corpo = _get(porta, "/salute/")
                break
            except OSError:
                assert time.monotonic() < scadenza, "gunicorn did not start"
                time.sleep(0.3)
        # The health check answers over plain HTTP (the load balancer probes it so).
        assert (stato, json.loads(corpo)) == (200, {"stato": "ok", "database": True, "migrazioni": True})
        # Pages want HTTPS: directly, a redirect; through the proxy (X-Forwarded-Proto), the page.
        assert _get(porta, "/account/accedi/", Host="zona.example.org")[0] == 301
        stato, headers, _ = _get(porta, "/account/accedi/", Host="zona.example.org", **{"X-Forwarded-Proto": "https"})
        assert stato == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        # Static files come from the app itself (WhiteNoise), compressed and cacheable.
        stato, headers, _ = _get(
            porta, "/static/zona/zona.css", Host="zona.example.org", **{"X-Forwarded-Proto": "https"}
        )
        assert stato == 200 and headers["Content-Type"].startswith("text/css")
        assert "max-age" in headers["Cache-Control"]
        stato, headers, corpo = _get(
            porta,
            "/static/css/bootstrap-italia.min.css",
            Host="zona.example.org",
            **{"X-Forwarded-Proto": "https", "Accept-Encoding": "br, gzip"},
        )
        assert (stato, headers["Content-Encoding"]) == (200, "gzip")
        assert b"bootstrap" in gzip.decompress(corpo).lower()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    log.seek(0)
    righe = [json.loads(r) for r in log.read().splitlines() if r.startswith("{")]
    richieste = [r for r in righe if r["logger"] == "zona.richieste"]
    assert {r["path"] for r in richieste} >= {"/salute/", "/account/accedi/"}
    assert all(r["request_id"] for r in richieste)
