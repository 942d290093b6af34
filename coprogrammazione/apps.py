from django.apps import AppConfig


class CoprogrammazioneConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "coprogrammazione"
    verbose_name = "Co-programmazione"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Organizzazione, m2m_fields={"comuni", "aree"})
        auditlog.register(models.Manifestazione, m2m_fields={"aree"})
        auditlog.register(models.Esito, m2m_fields={"obiettivi"})
        auditlog.register(models.Coprogettazione, m2m_fields={"movimenti"})
        for model in (
            models.Avviso,
            models.AreaAvviso,
            models.Tavolo,
            models.Componente,
            models.Incontro,
            models.Presenza,
            models.InvioEmail,
            models.Seduta,
            models.PresenzaComune,
            models.Delibera,
            models.Consultazione,
            models.Commento,
            models.PartnerCoprogettazione,
            models.MonitoraggioCoprogettazione,
        ):
            auditlog.register(model)
