"""An import killed half-way (SIGKILL, no chance to clean up) leaves the database as before:
`manage.py import_dati` runs as a real process against the PostgreSQL test database and is
killed while it is writing the observations."""

import signal
import time

import pytest

from testsupport.processi import (
    SOLO_POSTGRESQL,
    ambiente,
    attendi_sessioni_chiuse,
    avvia_manage,
    backend_attivi,
    file_grande,
    mio_pid,
    righe_di_tutte_le_tabelle,
    scrive_osservazioni,
    url_postgresql,
)

pytestmark = SOLO_POSTGRESQL


@pytest.mark.django_db
def test_killed_import_leaves_the_database_as_before(demo_db, tmp_path):
    from territorio.models import Comune

    comuni = list(Comune.objects.filter(sigla_provincia="BG").values_list("pk", flat=True))
    file = tmp_path / "grande.csv"
    file_grande(file, comuni)
    assert file.stat().st_size < 5 * 1024 * 1024

    pid = mio_pid()
    prima = righe_di_tutte_le_tabelle()
    backend_prima = backend_attivi(pid)

    proc = avvia_manage(ambiente(url_postgresql()), "import_dati", str(file), "--formato", "zona")
    try:
        scadenza = time.monotonic() + 120
        while not scrive_osservazioni(pid):
            if proc.poll() is not None:
                pytest.fail(
                    "the import ended before it could be killed (make the file bigger): "
                    + proc.stderr.read().decode()[-2000:]
                )
            assert time.monotonic() < scadenza, "the import never started writing"
            time.sleep(0.02)
        time.sleep(0.3)  # well inside the writing
        assert proc.poll() is None, "the import ended before it could be killed (make the file bigger)"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL

    attendi_sessioni_chiuse(pid, backend_prima, "the killed import")
    dopo = righe_di_tutte_le_tabelle()
    diverse = [t for t in prima if prima[t] != dopo.get(t)]
    assert not diverse, f"tables changed by the killed import: {diverse}"
