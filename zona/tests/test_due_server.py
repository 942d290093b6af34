"""Two app servers on one PostgreSQL (README, «In produzione»): two gunicorn instances with the
production settings share the page-part cache (a table of the database) and the queue of
background jobs. A page part computed by one is served from the cache by the other, and a job
queued through the API of one is run by a worker started beside the other, not by either
server. On the PostgreSQL test database, with the demo committed (as the killed-worker test)."""

import http.client
import json
import socket
import subprocess
import sys
import time
import uuid

import pytest

from lavori.models import Lavoro
from testsupport.processi import ROOT, SOLO_POSTGRESQL, ambiente, url_postgresql

pytestmark = SOLO_POSTGRESQL

# A data file the worker refuses row by row (no such Comune): the job ends, nothing is stored.
FILE_RIFIUTATO = "livello,codice_territorio,anno,misura,valore\ncomune,999999,2023,utenti,1\n"
# An unlikely count of values, written into the shared cache under the page part's key.
SEGNO = 987654321


def _porta_libera():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**altro):
    return ambiente(
        url_postgresql(),
        DEBUG="false",
        SECRET_KEY="due-server-" + "x" * 60,
        ZONA_CHIAVE_PSEUDONIMO="pseudonimo-due-server-" + "y" * 20,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
        **altro,
    )


def _avvia(args, env, log):
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _gunicorn(porta, env, log):
    bind = f"127.0.0.1:{porta}"
    return _avvia([sys.executable, "-m", "gunicorn", "zona.wsgi:application", "--bind", bind, "-w", "1"], env, log)


def _shell(env, codice):
    r = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", codice],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout.strip().splitlines()[-1]


def _richiesta(porta, metodo, path, corpo=None, **headers):
    conn = http.client.HTTPConnection("127.0.0.1", porta, timeout=30)
    try:
        conn.request(metodo, path, body=corpo, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def _attendi_salute(porta, proc, log, scadenza):
    while True:
        try:
            if _richiesta(porta, "GET", "/salute/")[0] == 200:
                return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > scadenza:
            log.seek(0)
            raise AssertionError(f"server on {porta} not up: {log.read()[-3000:]}")
        time.sleep(0.1)


def _coda(log):
    log.flush()
    log.seek(0)
    return log.read()[-3000:]


def _multipart(nome, contenuto):
    confine = uuid.uuid4().hex
    corpo = (
        f'--{confine}\r\nContent-Disposition: form-data; name="file"; filename="{nome}"\r\n'
        f"Content-Type: text/csv\r\n\r\n{contenuto}\r\n--{confine}--\r\n"
    ).encode()
    return corpo, f"multipart/form-data; boundary={confine}"


# The shared cache's tables (the test process caches in memory: the test database has none, as
# set-up scripts create them), the token of a machine client of the coordination, and the last
# audit entry before it.
PREPARA = """
import datetime
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone
from accounts.client import crea
call_command("createcachetable")
ultima = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
_, token = crea("prova due server", "coordinamento", None, None, timezone.now() + datetime.timedelta(days=1), None)
print(ultima, token)
"""
# What server A left in the shared cache for the page part of /dati/caricamenti/: replaced by a
# sign that only a read of the shared cache can show.
SEGNA = f"""
from django.core.cache import cache
from zona.lib.cache import memorizzato, versione_dati
attive = memorizzato("caricamenti:attive")
assert attive, "server A left nothing in the shared cache"
cache.set(f"caricamenti:attive:v{{versione_dati()}}", {{k: {SEGNO} for k in attive}}, 600)
print(len(attive))
"""
PULISCI = """
from auditlog.models import LogEntry
from django_tasks_db.models import DBTaskResult
from accounts.models import ClientMacchina
from lavori.models import Lavoro
for lavoro in Lavoro.objects.filter(pk={pk}):
    DBTaskResult.objects.filter(id=lavoro.id_task).delete()
    lavoro.delete()
for client in ClientMacchina.objects.filter(nome="prova due server"):
    client.delete()
    client.utente.delete()
LogEntry.objects.filter(pk__gt={ultima}).delete()
print("ok")
"""


@pytest.mark.django_db
def test_due_server_una_cache_una_coda(demo_db, tmp_path):
    from django_tasks_db.models import DBTaskResult

    porta_a, porta_b = _porta_libera(), _porta_libera()
    # Server A queues any uploaded file (threshold 1 byte); neither server runs jobs itself.
    env_a, env_b = _env(ZONA_LAVORI_SOGLIA_BYTES="1"), _env()
    log_a, log_b, log_w = (open(tmp_path / n, "w+") for n in ("a.log", "b.log", "worker.log"))  # noqa: SIM115
    processi = [_gunicorn(porta_a, env_a, log_a), _gunicorn(porta_b, env_b, log_b)]
    ultima, pk = None, None
    try:
        ultima, token = _shell(env_a, PREPARA).split()
        scadenza = time.monotonic() + 120
        _attendi_salute(porta_a, processi[0], log_a, scadenza)
        _attendi_salute(porta_b, processi[1], log_b, scadenza)

        # 1. A page part computed by A is served from the shared cache by B.
        stato, pagina = _richiesta(porta_a, "GET", "/dati/caricamenti/")
        assert stato == 200 and str(SEGNO).encode() not in pagina, _coda(log_a)
        assert int(_shell(env_a, SEGNA)) > 0
        stato, pagina = _richiesta(porta_b, "GET", "/dati/caricamenti/")
        assert stato == 200, _coda(log_b)
        assert str(SEGNO).encode() in pagina, "B computed the page part again"

        # 2. A job queued through A's API waits in the shared queue until a worker beside B runs it.
        corpo, tipo = _multipart(
            "due-server.csv", "livello,codice_territorio,anno,misura,valore\ncomune,999999,2023,utenti,1\n"
        )
        stato, risposta = _richiesta(
            porta_a,
            "POST",
            "/api/importazioni/dati",
            corpo,
            **{"Content-Type": tipo, "Authorization": f"Bearer {token}"},
        )
        assert stato == 202, risposta[-2000:] + _coda(log_a).encode()
        pk = int(json.loads(risposta)["lavoro"].rstrip("/").rsplit("/", 1)[1])
        assert Lavoro.objects.get(pk=pk).stato == Lavoro.IN_CODA
        processi.append(
            _avvia(
                [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-reload", "--no-startup-delay"]
                + ["--interval", "0.1"],
                env_b,
                log_w,
            )
        )
        scadenza = time.monotonic() + 120
        while not Lavoro.objects.get(pk=pk).finito:
            assert time.monotonic() < scadenza and processi[2].poll() is None, _coda(log_w)
            time.sleep(0.1)
        lavoro = Lavoro.objects.get(pk=pk)
        # Run by the worker: the file checked row by row (an unknown Comune), nothing stored.
        assert lavoro.stato == Lavoro.FALLITO and lavoro.tentativi == 1, lavoro.messaggio
        assert lavoro.errori and "999999" in " ".join(lavoro.errori)
        assert DBTaskResult.objects.get(id=lavoro.id_task).status == "SUCCESSFUL"
    finally:
        for p in processi:
            p.terminate()
        for p in processi:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        # Committed by the other processes: removed by another one.
        if ultima is not None:
            _shell(env_a, PULISCI.format(ultima=ultima, pk=pk or 0))
