from django.apps import AppConfig


class TerritorioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "territorio"
    verbose_name = "Anagrafe territoriale"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.Regione,
            models.ATS,
            models.ASST,
            models.Distretto,
            models.Ambito,
            models.AmbitoDistretto,
            models.Comune,
            models.AppartenenzaComune,
            models.AliasComune,
            models.Ente,
            models.Capofila,
            models.Persona,
            models.Incarico,
        ):
            auditlog.register(model)
        auditlog.register(models.Organo, m2m_fields={"distretti"})
