from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Utenti e ruoli"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Profilo

        auditlog.register(Profilo)
