from django.apps import AppConfig


class ProgrammazioneConfig(AppConfig):
    name = "programmazione"
    verbose_name = "Programmazione"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.AreaPolicy,
            models.Piano,
            models.Progetto,
            models.MacroArea,
            models.Prologo,
            models.ObiettivoProvinciale,
            models.AzioneProvinciale,
            models.Azione,
            models.IndicatoreObiettivo,
            models.Target,
            models.Risorsa,
            models.AccordoDiProgramma,
            models.Sottoscrittore,
            models.Corresponsabilita,
        ):
            auditlog.register(model)
        auditlog.register(models.Obiettivo, m2m_fields={"aree_trasversali", "leps", "obiettivi_provinciali"})
        auditlog.register(models.Revisione, m2m_fields={"obiettivi_prorogati"})
        auditlog.register(models.ObiettivoSovrazonale, m2m_fields={"ambiti", "obiettivi"})
