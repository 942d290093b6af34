"""The rows of an extract written at the cost of their insert (bench/README.md, issue 13).

- No foreign key of the database from a row to its load: its deferred check of every row at
  commit cost 3-4 µs a row, more than the insert. The rows are written only with their load,
  in its transaction, and deleted with it by the ORM (CASCADE).
- On PostgreSQL the index (caricamento, comune_residenza) becomes a BRIN index: a B-tree cost
  2-3 µs a row at the insert; a load's rows are written together, and its Comuni of residence
  are the Ambito's, so block ranges summarise both columns tightly and the lookups by load or
  by Comune read a few ranges. `autosummarize` summarises a range when it is full. SQLite keeps
  the B-tree (no BRIN there)."""

import django.db.models.deletion
from django.db import migrations, models

TABELLA = "domanda_episodio"
BTREE = "domanda_epi_caricam_8a0436_idx"
BRIN = "domanda_episodio_caricamento_comune_brin"


def a_brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {BTREE}")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {BRIN} ON {TABELLA} USING brin (caricamento_id, comune_residenza_id) "
            "WITH (autosummarize = on)"
        )


def a_btree(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {BRIN}")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {BTREE} ON {TABELLA} (caricamento_id, comune_residenza_id)")


class Migration(migrations.Migration):
    dependencies = [("domanda", "0002_episodio_indici_essenziali")]

    operations = [
        migrations.AlterField(
            model_name="episodio",
            name="caricamento",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="episodi",
                to="domanda.caricamentoestratto",
            ),
        ),
        migrations.RunPython(a_brin, a_btree),
    ]
