"""Backup and restore of the whole database, the same way on SQLite and PostgreSQL.

A backup is a JSON Lines file (gzip-compressed when its name ends in .gz): a first line
describing it (format, date, database, applied migrations, rows per model), then every row of
every model, auto-created many-to-many tables included, in Django's `jsonl` serialization
(Decimals as text, so nothing is rounded). Primary keys are kept, so references between rows,
the audit trail's links to content types and its object ids all stay as they were. Sessions
are left out: they are transient, and after a restore people log in again.

Restoring goes only into an empty database (just created with `manage.py migrate`, at the same
migrations as the backup): it is never a merge. Everything is loaded in one transaction with
bulk inserts (no signals: the restore adds nothing to the audit trail, which comes back as it
was), the sequences are moved past the restored ids, and the rows per model are checked
against the backup's own counts before committing. Any error leaves the database empty.

The file is portable: a backup of the SQLite demo restores into PostgreSQL and back.
"""

import datetime
import gzip
import json
import os
import secrets
from itertools import groupby
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMATO = "zona-backup"
VERSIONE_FORMATO = 1
# Models never backed up (transient state).
ESCLUSI = {"sessions.Session"}
# Rows that `migrate` itself creates: an empty database has them, the restore replaces them
# with the backup's (same ids as the audit trail refers to).
CREATI_DA_MIGRATE = {"contenttypes.ContentType", "auth.Permission"}
BLOCCO = 2000


class _Codifica(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds (as JavaScript does): a backup keeps
    the microseconds the database has."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class BackupNonValido(Exception):
    """The backup cannot be made or restored; the message says why, in Italian."""


def modelli():
    """Every concrete model whose rows are backed up, auto-created m2m tables included."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.label not in ESCLUSI and not m._meta.proxy and m._meta.managed
    ]


def _migrazioni(connection):
    return sorted([app, nome] for app, nome in MigrationRecorder(connection).applied_migrations())


def migrazioni_da_applicare(connection):
    """Migrations of the code not yet applied to the database."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return [m for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())]


def _schema_aggiornato(connection):
    pendenti = migrazioni_da_applicare(connection)
    if pendenti:
        elenco = ", ".join(f"{m.app_label}.{m.name}" for m in pendenti[:5])
        raise BackupNonValido(
            f"Il database non è aggiornato: eseguire «manage.py migrate» (migrazioni da applicare: {elenco})."
        )


def _apri(path, modo):
    if modo == "w":
        # The backup holds every password hash and TOTP secret: only the owner may read it,
        # from the moment the file exists (0600 at creation, whatever the umask; os.replace
        # keeps the mode). O_EXCL: never write through a file or link someone placed there.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    if str(path).endswith(".gz"):
        return gzip.open(path, modo + "t", encoding="utf-8")
    return open(path, modo, encoding="utf-8")


def crea_backup(path, using=DEFAULT_DB_ALIAS):
    """Write the backup of database `using` to `path`, atomically (a failed backup leaves no
    file and never replaces an older one). Returns {model label: rows}."""
    connection = connections[using]
    _schema_aggiornato(connection)
    path = Path(path)
    temporaneo = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp{path.suffix}")
    esterna = not connection.in_atomic_block
    try:
        with transaction.atomic(using=using), _apri(temporaneo, "w") as out:
            if connection.vendor == "postgresql" and esterna:
                # One snapshot for every table: rows written meanwhile are all in or all out.
                # (SQLite's read transaction is a snapshot already.)
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            tabelle = modelli()
            conteggi = {m._meta.label: m._base_manager.using(using).count() for m in tabelle}
            intestazione = {
                "formato": FORMATO,
                "versione": VERSIONE_FORMATO,
                "creato_il": datetime.datetime.now(datetime.UTC).isoformat(),
                "database": connection.vendor,
                "migrazioni": _migrazioni(connection),
                "righe": conteggi,
            }
            out.write(json.dumps(intestazione, ensure_ascii=False) + "\n")
            serializer = serializers.get_serializer("jsonl")()
            for modello in tabelle:
                if conteggi[modello._meta.label]:
                    qs = modello._base_manager.using(using).order_by("pk").iterator(chunk_size=BLOCCO)
                    serializer.serialize(qs, stream=out, cls=_Codifica)
        os.replace(temporaneo, path)
    finally:
        if temporaneo.exists():
            temporaneo.unlink()
    return conteggi


def righe_presenti(using=DEFAULT_DB_ALIAS):
    """{model label: rows} of the tables that hold data an empty database would not have."""
    presenti = {}
    for modello in modelli():
        if modello._meta.label in CREATI_DA_MIGRATE:
            continue
        n = modello._base_manager.using(using).count()
        if n:
            presenti[modello._meta.label] = n
    return presenti


def _leggi_intestazione(riga):
    try:
        intestazione = json.loads(riga)
    except ValueError:
        intestazione = None
    if not isinstance(intestazione, dict) or intestazione.get("formato") != FORMATO:
        raise BackupNonValido("Il file non è un backup di Zona (manca l'intestazione del backup).")
    if intestazione.get("versione") != VERSIONE_FORMATO:
        raise BackupNonValido(
            f"Backup in un formato non supportato (versione {intestazione.get('versione')}, "
            f"questa installazione legge la {VERSIONE_FORMATO})."
        )
    return intestazione


def _oggetti(righe, using):
    """Deserialized rows, ignoring the m2m lists of their parents (the auto-created m2m
    tables are in the backup as rows of their own, with their ids)."""
    for riga in righe:
        if not riga.strip():
            continue
        for deserializzato in serializers.deserialize("jsonl", riga, using=using, ignorenonexistent=False):
            yield deserializzato.object


def _inserisci(modello, oggetti, connection):
    """Insert rows as they are: a raw insert, like loaddata's, so that no field recomputes its
    value (auto_now dates keep the backup's) and no signal runs; in as few statements as the
    database's limit on parameters allows."""
    campi = modello._meta.local_concrete_fields
    passo = max(1, connection.ops.bulk_batch_size(campi, oggetti))
    for i in range(0, len(oggetti), passo):
        modello._base_manager.using(connection.alias)._insert(oggetti[i : i + passo], fields=campi, raw=True)


def ripristina_backup(path, using=DEFAULT_DB_ALIAS):
    """Restore the backup at `path` into database `using`, which must be empty and at the
    backup's migrations. Returns {model label: rows}. Raises BackupNonValido (and changes
    nothing) otherwise."""
    connection = connections[using]
    path = Path(path)
    if not path.exists():
        raise BackupNonValido(f"Il file {path} non esiste.")
    _schema_aggiornato(connection)
    with _apri(path, "r") as righe:
        try:
            intestazione = _leggi_intestazione(next(righe, ""))
        except (OSError, EOFError, UnicodeDecodeError) as e:
            raise BackupNonValido(f"Il file non è leggibile come backup di Zona ({e}).") from None
        nel_backup = {tuple(m) for m in intestazione["migrazioni"]}
        qui = {tuple(m) for m in _migrazioni(connection)}
        if nel_backup != qui:
            mancanti = sorted(nel_backup - qui)
            in_piu = sorted(qui - nel_backup)
            dettagli = []
            if mancanti:
                dettagli.append(
                    "migrazioni del backup non applicate qui: " + ", ".join(".".join(m) for m in mancanti[:5])
                )
            if in_piu:
                dettagli.append(
                    "migrazioni applicate qui ma non nel backup: " + ", ".join(".".join(m) for m in in_piu[:5])
                )
            raise BackupNonValido(
                "Il backup è di una versione diversa dello schema ("
                + "; ".join(dettagli)
                + "). Ripristinarlo con la versione di Zona che l'ha creato, poi aggiornare ed eseguire «migrate»."
            )
        presenti = righe_presenti(using)
        if presenti:
            elenco = ", ".join(f"{label} ({n} righe)" for label, n in sorted(presenti.items())[:5])
            raise BackupNonValido(
                "Il database non è vuoto: il ripristino si fa solo in un database appena creato con "
                f"«manage.py migrate», mai sopra dati esistenti. Contiene già: {elenco}"
                + ("…" if len(presenti) > 5 else ".")
            )
        attesi = {label: n for label, n in intestazione["righe"].items() if n}
        caricati = {}
        try:
            with transaction.atomic(using=using):
                for label in CREATI_DA_MIGRATE:
                    apps.get_model(label)._base_manager.using(using).all().delete()
                toccati = []
                for modello, gruppo in groupby(_oggetti(righe, using), key=type):
                    toccati.append(modello)
                    blocco = []
                    for oggetto in gruppo:
                        blocco.append(oggetto)
                        if len(blocco) >= BLOCCO:
                            _inserisci(modello, blocco, connection)
                            blocco = []
                    if blocco:
                        _inserisci(modello, blocco, connection)
                for modello in toccati:
                    caricati[modello._meta.label] = modello._base_manager.using(using).count()
                if caricati != attesi:
                    diversi = sorted(set(caricati.items()) ^ set(attesi.items()))
                    raise BackupNonValido(
                        f"Il backup è incompleto o alterato: righe diverse dall'intestazione ({diversi[:5]})."
                    )
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), toccati):
                        cursor.execute(sql)
                connection.check_constraints()
        except (DeserializationError, IntegrityError, DatabaseError, ValueError, EOFError, OSError) as e:
            raise BackupNonValido(f"Ripristino annullato, il database è rimasto vuoto: {e}") from None
    return caricati
