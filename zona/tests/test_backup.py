"""`manage.py backup` and `restore`: the demo goes through a backup into an empty database (a
new SQLite file, or a new PostgreSQL database in the test cluster) and every table comes back
row by row; a restore over existing data, or of another schema, is refused in Italian."""

import gzip
import io
import json
import os
import secrets
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from conoscenza.models import Osservazione
from territorio.models import Comune
from testsupport.processi import manage, righe_di_tutte_le_tabelle, url_postgresql
from zona.backup import BLOCCO
from zona.lib.locking import salva_con_versione

# Observations kept of the demo's 99.000: enough for several blocks of the backup. The others
# only made each backup and restore 20 times slower (they are rows of one table, alike).
OSSERVAZIONI = 3 * BLOCCO


@pytest.fixture
def demo_snello(demo_db):
    """The demo, every table it fills, with its first OSSERVAZIONI observations only (deleted
    in the test's transaction, without the audit trail: the backup must see the table as is)."""
    ultima = Osservazione.objects.order_by("pk").values_list("pk", flat=True)[OSSERVAZIONI - 1]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Osservazione._meta.db_table} WHERE id > %s", [ultima])
    return demo_db


@pytest.fixture
def database_vuoto(tmp_path):
    """The URL of an empty database of the same kind as the test database, migrated."""
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'ripristino.sqlite3'}"
        yield url
        return
    import psycopg

    s = connection.settings_dict
    nome = f"zona_ripristino_{secrets.token_hex(4)}"
    parametri = {"host": s["HOST"], "port": s["PORT"] or None, "user": s["USER"], "password": s["PASSWORD"] or None}
    parametri = {k: v for k, v in parametri.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **parametri) as admin:
        admin.execute(f'CREATE DATABASE "{nome}"')
    yield url_postgresql(nome)
    with psycopg.connect(dbname="postgres", autocommit=True, **parametri) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{nome}" WITH (FORCE)')


_STAMPA_RIGHE = (
    "import json; from testsupport.processi import righe_di_tutte_le_tabelle; "
    "print('RIGHE ' + json.dumps(righe_di_tutte_le_tabelle()))"
)


@pytest.mark.django_db
def test_backup_restores_every_table_row_by_row(demo_snello, tmp_path, database_vuoto):
    # Some rows the demo does not have: an edit (audit trail with an actor, a new version),
    # a value with every decimal place, text in many scripts.
    utente = get_user_model().objects.get(username="comune.lovere")
    from auditlog.context import set_actor

    with set_actor(utente):
        salva_con_versione(Comune.objects.get(pk="016128"), 1, telefono="035 98 36 11 – «ufficio» ž ß 漢")
    o = Osservazione.objects.order_by("pk").first()
    Osservazione.objects.filter(pk=o.pk).update(valore=Decimal("1234567.8901"))

    file = tmp_path / "zona.jsonl.gz"
    call_command("backup", str(file), stdout=io.StringIO())
    attese = righe_di_tutte_le_tabelle()
    assert len(attese["conoscenza_osservazione"]) == OSSERVAZIONI

    assert manage("migrate", "-v0", database_url=database_vuoto, timeout=300).returncode == 0

    # A damaged backup (rows cut off) is refused and leaves the database empty.
    troncato = tmp_path / "troncato.jsonl"
    with gzip.open(file, "rt", encoding="utf-8") as f:
        righe = f.readlines()
    troncato.write_text("".join(righe[:5000]), encoding="utf-8")
    r = manage("restore", str(troncato), database_url=database_vuoto, timeout=300)
    assert r.returncode == 1
    assert "Il backup è incompleto o alterato" in r.stderr

    r = manage("restore", str(file), database_url=database_vuoto, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Backup ripristinato" in r.stdout

    r = manage("shell", "-c", _STAMPA_RIGHE, database_url=database_vuoto, timeout=300)
    assert r.returncode == 0, r.stderr
    ripristinate = json.loads(r.stdout.split("RIGHE ", 1)[1])
    assert sorted(ripristinate) == sorted(attese), "the restored database has other tables"
    diverse = [t for t in attese if ripristinate[t] != attese[t]]
    assert not diverse, f"tables that differ after the restore: {diverse}"

    # Restoring twice is refused: the database is no longer empty.
    r = manage("restore", str(file), database_url=database_vuoto, timeout=300)
    assert r.returncode == 1
    assert "Il database non è vuoto" in r.stderr


@pytest.mark.django_db
def test_restore_refuses_a_database_with_data_and_changes_nothing(demo_snello, tmp_path):
    file = tmp_path / "zona.jsonl"
    call_command("backup", str(file), stdout=io.StringIO())
    prima = Comune.objects.count()
    with pytest.raises(CommandError) as e:
        call_command("restore", str(file))
    assert "Il database non è vuoto: il ripristino si fa solo in un database appena creato" in str(e.value)
    assert "territorio.Comune (243 righe)" in str(e.value) or "Contiene già" in str(e.value)
    assert Comune.objects.count() == prima


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_another_schema(tmp_path):
    from zona import backup

    file = tmp_path / "altro.jsonl"
    intestazione = {
        "formato": backup.FORMATO,
        "versione": backup.VERSIONE_FORMATO,
        "migrazioni": [["territorio", "0001_initial"]],
        "righe": {},
    }
    file.write_text(json.dumps(intestazione) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as e:
        call_command("restore", str(file))
    assert "Il backup è di una versione diversa dello schema" in str(e.value)
    assert "migrazioni applicate qui ma non nel backup" in str(e.value)

    file.write_text('{"model": "territorio.comune"}\n', encoding="utf-8")
    with pytest.raises(CommandError) as e:
        call_command("restore", str(file))
    assert "Il file non è un backup di Zona" in str(e.value)


def test_a_failed_backup_leaves_no_file(tmp_path):
    file = tmp_path / "non-scritto.jsonl"
    with pytest.raises(Exception):  # noqa: B017 - any failure (no database here); the point is the file
        call_command("backup", str(file))  # no database access in this test: it fails
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("nome", ["zona.jsonl", "zona.jsonl.gz"])
def test_the_backup_is_readable_only_by_its_owner(demo_snello, tmp_path, nome):
    """It holds every password hash and TOTP secret: 0600 whatever the umask, also when it
    replaces an older, world-readable file."""
    import stat

    file = tmp_path / nome
    file.write_text("vecchio")
    file.chmod(0o644)
    vecchia = os.umask(0o022)
    try:
        call_command("backup", str(file), stdout=io.StringIO())
    finally:
        os.umask(vecchia)
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert file.read_bytes() != b"vecchio"
    assert [p.name for p in tmp_path.iterdir()] == [nome]  # no temporary file left
