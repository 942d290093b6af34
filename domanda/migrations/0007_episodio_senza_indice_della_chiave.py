"""On PostgreSQL the rows of an extract keep their `id` (from the sequence, unique by
construction) without the index of the primary key: nobody looks a row up by it (pages never
read rows; the aggregates scan a year's loads; a load's rows are found by the BRIN index of
migration 0003), and its insert was a third of the database's time to load an extract
(bench/README.md, issue 13). SQLite keeps it (its rowid)."""

from django.db import migrations

VINCOLO = "domanda_episodio_pkey"


def senza_indice(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE domanda_episodio DROP CONSTRAINT IF EXISTS {VINCOLO}")


def con_indice(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE domanda_episodio ADD CONSTRAINT {VINCOLO} PRIMARY KEY (id)")


class Migration(migrations.Migration):
    dependencies = [("domanda", "0006_persona_pseudonimo")]

    operations = [migrations.RunPython(senza_indice, con_indice)]
