"""A person's number is the first 8 bytes of its pseudonym (domanda.models.Persona), no longer
a sequence: the importer writes each row without asking the database for the number, while
the database inserts the rows it has already received (bench/README.md, issue 13).

The numbers given by the sequence are replaced in Persona and in the rows. Two pseudonyms
sharing their first 8 bytes: the later one is displaced to the next free number. Reversible:
back to numbers 1..n in the pseudonyms' order."""

from django.db import migrations, models
from django.db.models import Q

PERSONA = "domanda_persona"
EPISODIO = "domanda_episodio"


def _prefisso(pseudonimo):
    return int.from_bytes(bytes(pseudonimo)[:8], "big", signed=True)


def _rinumera(schema_editor, numeri):
    """Persona and the rows from the numbers {old: (new, displaced)}."""
    with schema_editor.connection.cursor() as c:
        c.execute(f"CREATE TEMP TABLE domanda_rinumera (vecchio bigint PRIMARY KEY, nuovo bigint, spostato boolean)")
        c.executemany("INSERT INTO domanda_rinumera VALUES (%s, %s, %s)", [(v, n, s) for v, (n, s) in numeri.items()])
        # Through a sign change: an old number can be another person's new one.
        for tabella, colonna in ((PERSONA, "numero"), (EPISODIO, "persona_id")):
            c.execute(f"UPDATE {tabella} SET {colonna} = -{colonna} - 1")
        c.execute(
            f"UPDATE {PERSONA} SET numero = (SELECT nuovo FROM domanda_rinumera WHERE vecchio = -numero - 1), "
            "spostato = (SELECT spostato FROM domanda_rinumera WHERE vecchio = -numero - 1)"
        )
        c.execute(
            f"UPDATE {EPISODIO} SET persona_id = (SELECT nuovo FROM domanda_rinumera WHERE vecchio = -persona_id - 1)"
        )
        c.execute("DROP TABLE domanda_rinumera")


def a_prefissi(apps, schema_editor):
    numeri, presi = {}, set()
    for vecchio, pseudonimo in apps.get_model("domanda", "Persona").objects.order_by("numero").values_list(
        "numero", "pseudonimo"
    ):
        nuovo = _prefisso(pseudonimo)
        spostato = nuovo in presi
        while nuovo in presi:
            nuovo = nuovo + 1 if nuovo < 2**63 - 1 else -(2**63)
        presi.add(nuovo)
        numeri[vecchio] = (nuovo, spostato)
    _rinumera(schema_editor, numeri)


def a_progressivi(apps, schema_editor):
    Persona = apps.get_model("domanda", "Persona")
    vecchi = Persona.objects.order_by("pseudonimo").values_list("numero", flat=True)
    _rinumera(schema_editor, {v: (i, False) for i, v in enumerate(vecchi, start=1)})


def sequenza(apps, schema_editor):
    """After the way back: the sequence of the numbers 1..n goes on from n."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"SELECT setval(pg_get_serial_sequence('{PERSONA}', 'id'), coalesce(max(id), 0) + 1, false) FROM {PERSONA}"
        )


class Migration(migrations.Migration):
    dependencies = [("domanda", "0004_persona")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, sequenza),
        migrations.RenameField(model_name="persona", old_name="id", new_name="numero"),
        migrations.AlterField(
            model_name="persona", name="numero", field=models.BigIntegerField(primary_key=True, serialize=False)
        ),
        migrations.AddField(model_name="persona", name="spostato", field=models.BooleanField(default=False)),
        migrations.AlterField(model_name="persona", name="pseudonimo", field=models.BinaryField(max_length=32)),
        migrations.RunPython(a_prefissi, a_progressivi),
        migrations.AddConstraint(
            model_name="persona",
            constraint=models.UniqueConstraint(
                condition=Q(spostato=True), fields=("pseudonimo",), name="persona_spostata_unica"
            ),
        ),
    ]
