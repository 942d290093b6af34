"""An index on the audit log's (content type, id): the data version of a few apps
(zona.lib.cache.versione_dati(app), the knowledge base's) is the latest entry of each of their
models, one step down this index each, however many entries of other models (a ledger's
movements, a plan's edits) came after. The audit log is django-auditlog's table, so the index is
created here rather than declared on a model."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("zona", "0001_tabelle_cache"), ("auditlog", "0017_add_actor_email")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS zona_logentry_tipo_id ON auditlog_logentry (content_type_id, id)",
            "DROP INDEX IF EXISTS zona_logentry_tipo_id",
        )
    ]
