from django.apps import AppConfig


class ConoscenzaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conoscenza"
    verbose_name = "Base di conoscenza"
