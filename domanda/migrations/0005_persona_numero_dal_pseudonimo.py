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


def _successivo(numero):
    return numero + 1 if numero < 2**63 - 1 else -(2**63)


def _rinumera(c):
    """Persona and the rows from the table domanda_rinumera (vecchio, nuovo, spostato)."""
    # Through a sign change: an old number can be another person's new one.
    c.execute(f"UPDATE {PERSONA} SET numero = -numero - 1")
    c.execute(
        f"UPDATE {PERSONA} SET numero = r.nuovo, spostato = r.spostato FROM domanda_rinumera r "
        "WHERE r.vecchio = -numero - 1"
    )
    c.execute(f"UPDATE {EPISODIO} SET persona_id = r.nuovo FROM domanda_rinumera r WHERE r.vecchio = persona_id")
    c.execute("DROP TABLE domanda_rinumera")


def a_prefissi(apps, schema_editor):
    with schema_editor.connection.cursor() as c:
        c.execute("CREATE TEMP TABLE domanda_rinumera (vecchio bigint PRIMARY KEY, nuovo bigint, spostato boolean)")
        if schema_editor.connection.vendor == "postgresql":
            c.execute(
                "INSERT INTO domanda_rinumera SELECT numero, "
                f"('x' || encode(substr(pseudonimo, 1, 8), 'hex'))::bit(64)::bigint, false FROM {PERSONA}"
            )
        else:
            c.execute(f"SELECT numero, pseudonimo FROM {PERSONA}")
            c.executemany("INSERT INTO domanda_rinumera VALUES (%s, %s, false)", [(n, _prefisso(p)) for n, p in c.fetchall()])
        # Pseudonyms sharing their first 8 bytes (rare): all but the first displaced.
        c.execute(
            "SELECT vecchio, nuovo FROM domanda_rinumera WHERE nuovo IN "
            "(SELECT nuovo FROM domanda_rinumera GROUP BY nuovo HAVING count(*) > 1) ORDER BY nuovo, vecchio"
        )
        doppi = c.fetchall()
        for (vecchio, nuovo), prima in zip(doppi, [None, *doppi], strict=False):
            if prima is None or prima[1] != nuovo:
                continue  # the first of its 8 bytes keeps them
            while True:
                nuovo = _successivo(nuovo)
                c.execute("SELECT 1 FROM domanda_rinumera WHERE nuovo = %s", [nuovo])
                if c.fetchone() is None:
                    break
            c.execute("UPDATE domanda_rinumera SET nuovo = %s, spostato = true WHERE vecchio = %s", [nuovo, vecchio])
        _rinumera(c)


def a_progressivi(apps, schema_editor):
    with schema_editor.connection.cursor() as c:
        c.execute(
            "CREATE TEMP TABLE domanda_rinumera AS "
            f"SELECT numero AS vecchio, row_number() OVER (ORDER BY pseudonimo) AS nuovo, false AS spostato FROM {PERSONA}"
        )
        _rinumera(c)


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
