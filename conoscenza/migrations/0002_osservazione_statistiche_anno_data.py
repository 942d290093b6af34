"""Extended statistics on (anno, data_riferimento) of the observations, PostgreSQL only.

The reference date is the 1st of January of the year: the two columns always go together.
Without being told, the planner multiplies their distinct values when it estimates the groups
(Comune, anno, data_riferimento) of the one-scan query of the indicators (selectors), expects
ten times too many, and sorts tens of millions of rows on disk instead of hashing them."""

from django.db import migrations

TABELLA = "conoscenza_osservazione"
NOME = "conoscenza_osservazione_anno_data_stat"


def crea(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {NOME} (ndistinct, dependencies) ON anno, data_riferimento FROM {TABELLA}"
        )


def elimina(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NOME}")


class Migration(migrations.Migration):
    dependencies = [("conoscenza", "0001_initial")]

    operations = [migrations.RunPython(crea, elimina)]
