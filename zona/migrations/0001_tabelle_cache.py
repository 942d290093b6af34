"""The tables of the shared cache (settings.CACHES: `zona_cache`, `zona_cache_documenti`) are
created by `migrate`, like every other table: loading the demo or the first request may use the
cache before anybody runs `createcachetable`. Nothing is created when the caches are not
database tables (Redis, or the memory caches of the tests)."""

from django.core.management import call_command
from django.db import migrations


def crea_tabelle(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(crea_tabelle, migrations.RunPython.noop)]
