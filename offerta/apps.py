from django.apps import AppConfig


class OffertaConfig(AppConfig):
    name = "offerta"
    verbose_name = "Offerta dei servizi e LEPS"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (models.Leps, models.TipoUnita, models.UnitaOfferta, models.RilevazioneLeps):
            auditlog.register(model)
