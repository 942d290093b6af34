from django.apps import AppConfig


class ProgrammazioneConfig(AppConfig):
    name = "programmazione"
    verbose_name = "Programmazione"

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_save

        from conoscenza.models import Caricamento

        from . import models
        from .popolazione import calcola_dopo_un_caricamento

        post_save.connect(calcola_dopo_un_caricamento, sender=Caricamento, dispatch_uid="programmazione.residenti")

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
