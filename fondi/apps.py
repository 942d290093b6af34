from django.apps import AppConfig


class FondiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fondi"
    verbose_name = "Fondi"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Fondo, m2m_fields={"aree"})
        auditlog.register(models.Esercizio)
        auditlog.register(models.Movimento)
        auditlog.register(models.Scenario)
        auditlog.register(models.ProgettoPnrr)
        auditlog.register(models.Traguardo)
