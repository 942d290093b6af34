from django.db import migrations, models


def sito_con_schema(apps, schema_editor):
    """Websites stored as the sources print them ("www.x.it") become URLs (https://www.x.it),
    so that every stored value passes the new URL validation."""
    Organo = apps.get_model("territorio", "Organo")
    for organo in Organo.objects.exclude(sito_web="").exclude(sito_web__contains="://"):
        organo.sito_web = "https://" + organo.sito_web.strip()
        organo.save(update_fields=["sito_web"])


class Migration(migrations.Migration):
    dependencies = [("territorio", "0002_versione")]

    operations = [
        migrations.AlterField(
            model_name="organo", name="email", field=models.EmailField(blank=True, max_length=200)
        ),
        migrations.AlterField(
            model_name="organo",
            name="sito_web",
            field=models.URLField(blank=True, max_length=200, verbose_name="sito web"),
        ),
        migrations.RunPython(sito_con_schema, migrations.RunPython.noop),
    ]
