from django.apps import AppConfig


class ConoscenzaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conoscenza"
    verbose_name = "Base di conoscenza"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Caricamento, Indicatore, Misura, Termine

        # Observations are attributed through their load (who, when, which file): auditing
        # millions of rows one by one would double the database for nothing.
        for model in (Misura, Indicatore, Termine, Caricamento):
            auditlog.register(model)
