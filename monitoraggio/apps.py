from django.apps import AppConfig


class MonitoraggioConfig(AppConfig):
    name = "monitoraggio"
    verbose_name = "Monitoraggio e valutazione"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (models.Misurazione, models.Impegno, models.Valutazione, models.ConteggioDichiarato):
            auditlog.register(model)
