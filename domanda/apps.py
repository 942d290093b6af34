from django.apps import AppConfig


class DomandaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "domanda"
    verbose_name = "Domanda sociale"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # Reference data and the history of loads are audited; the extract rows are not (they
        # are written in bulk by the importer and read by nobody in the interface).
        auditlog.register(models.AreaUtenza)
        auditlog.register(models.Intervento)
        auditlog.register(models.CaricamentoEstratto)
