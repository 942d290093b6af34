from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Utenti e ruoli"

    def ready(self):
        from auditlog.registry import auditlog
        from axes.models import AccessAttempt
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete

        from . import login
        from .middleware import rinnova_sessione
        from .models import ClientMacchina, Profilo

        auditlog.register(Profilo)
        # Created, used for the first time, revoked: never the token's hash.
        auditlog.register(ClientMacchina, exclude_fields=["impronta", "ultimo_uso"])
        # Locks and unlocks of logins in the audit trail (accounts/login.py).
        user_locked_out.connect(login.registra_blocco, dispatch_uid="zona-registra-blocco")
        # The login is the session's first renewal of its idle timeout (accounts/middleware.py).
        user_logged_in.connect(rinnova_sessione, dispatch_uid="zona-rinnovo-al-login")
        post_delete.connect(login.registra_sblocco, sender=AccessAttempt, dispatch_uid="zona-registra-sblocco")

        from zona.lib.policies import registra_fatti

        from .permissions import fatti_di

        registra_fatti(fatti_di)
