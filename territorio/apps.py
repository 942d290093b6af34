from django.apps import AppConfig


class TerritorioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "territorio"
    verbose_name = "Anagrafe territoriale"

    def ready(self):
        from auditlog.registry import auditlog

        # Every model of the registry is changed by people, so every one is audited.
        for model in self.get_models():
            m2m = {f.name for f in model._meta.many_to_many}
            auditlog.register(model, m2m_fields=m2m or None)
