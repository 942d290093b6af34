"""The person of a row as the number of its pseudonym (Persona), no longer the pseudonym's text.

The aggregates count millions of distinct people: sorting and hashing a 4-byte number instead
of a 64-character text is most of what they cost (bench/README.md). The pseudonyms move to
their own table, as bytes (32, not 64 hex characters), each once; the rows keep the number.
Written by hand: the data move between the two columns."""

import django.db.models.deletion
from django.db import migrations, models

EPISODIO = "domanda_episodio"
PERSONA = "domanda_persona"


def a_numeri(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"INSERT INTO {PERSONA} (pseudonimo) SELECT DISTINCT decode(persona, 'hex') FROM {EPISODIO} "
            "ON CONFLICT DO NOTHING"
        )
        schema_editor.execute(
            f"UPDATE {EPISODIO} e SET persona_nuova_id = p.id FROM {PERSONA} p "
            "WHERE p.pseudonimo = decode(e.persona, 'hex')"
        )
        return
    Episodio = apps.get_model("domanda", "Episodio")
    Persona = apps.get_model("domanda", "Persona")
    for testo in Episodio.objects.values_list("persona", flat=True).distinct().iterator():
        persona, _ = Persona.objects.get_or_create(pseudonimo=bytes.fromhex(testo))
        Episodio.objects.filter(persona=testo).update(persona_nuova=persona)


def a_testi(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"UPDATE {EPISODIO} e SET persona = encode(p.pseudonimo, 'hex') FROM {PERSONA} p "
            "WHERE p.id = e.persona_nuova_id"
        )
        return
    Episodio = apps.get_model("domanda", "Episodio")
    Persona = apps.get_model("domanda", "Persona")
    for persona in Persona.objects.iterator():
        Episodio.objects.filter(persona_nuova=persona).update(persona=bytes(persona.pseudonimo).hex())


class Migration(migrations.Migration):
    dependencies = [("domanda", "0003_episodio_senza_chiave_caricamento")]

    operations = [
        migrations.CreateModel(
            name="Persona",
            fields=[
                ("id", models.AutoField(primary_key=True, serialize=False)),
                ("pseudonimo", models.BinaryField(max_length=32, unique=True)),
            ],
            options={
                "verbose_name": "persona (pseudonimo)",
                "verbose_name_plural": "persone (pseudonimi)",
            },
        ),
        migrations.AddField(
            model_name="episodio",
            name="persona_nuova",
            field=models.ForeignKey(
                null=True,
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="domanda.persona",
            ),
        ),
        migrations.RunPython(a_numeri, a_testi),
        migrations.RemoveField(model_name="episodio", name="persona"),
        migrations.RenameField(model_name="episodio", old_name="persona_nuova", new_name="persona"),
        migrations.AlterField(
            model_name="episodio",
            name="persona",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="domanda.persona",
            ),
        ),
    ]
