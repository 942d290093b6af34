from django.apps import AppConfig


class LavoriConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lavori"
    verbose_name = "Lavori in background"
