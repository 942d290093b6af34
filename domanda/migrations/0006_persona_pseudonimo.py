"""The row carries its person's pseudonym (128 bits, a uuid) instead of a number of the table
Persona, which goes: the load no longer looks up or inserts the people (bench/README.md,
issue 13).

Each row's value is the first 16 bytes of the pseudonym Persona kept for its number, so that
the people keep their identity across the loads before and after. Not reversible: the table
of the 32-byte pseudonyms cannot be rebuilt from their first 16 bytes."""

from django.db import migrations, models


def dai_pseudonimi(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        valore = "encode(substr(p.pseudonimo, 1, 16), 'hex')::uuid"
    else:
        valore = "lower(hex(substr(p.pseudonimo, 1, 16)))"  # Django's uuid on SQLite: 32 hex digits
    schema_editor.execute(
        f"UPDATE domanda_episodio SET pseudonimo = (SELECT {valore} FROM domanda_persona p "
        "WHERE p.numero = domanda_episodio.persona_id)"
    )


class Migration(migrations.Migration):
    dependencies = [("domanda", "0005_persona_numero_dal_pseudonimo")]

    operations = [
        migrations.AddField("episodio", "pseudonimo", models.UUIDField(null=True)),
        migrations.RunPython(dai_pseudonimi),
        migrations.RemoveField("episodio", "persona"),
        migrations.RenameField("episodio", "pseudonimo", "persona"),
        migrations.AlterField("episodio", "persona", models.UUIDField(verbose_name="persona (pseudonimo)")),
        migrations.DeleteModel("Persona"),
    ]
