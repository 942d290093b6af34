"""pgcrypto on PostgreSQL: its hmac() pseudonymises the codici fiscali of an extract inside the
database (domanda.importa_pg). A trusted extension since PostgreSQL 13: the owner of the
database may create it. Nothing on SQLite, where extracts are loaded row by row in Python."""

from django.db import migrations


def crea(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")


class Migration(migrations.Migration):
    dependencies = [("domanda", "0001_initial")]

    operations = [migrations.RunPython(crea, migrations.RunPython.noop)]
