"""Reading the logged-in user at every request, for every authentication backend.

The user comes with the profile and the places the page header names (one joined query instead
of three), and an account that has been deactivated is logged out at its next request whatever
the way it logged in (password or SPID/CIE)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

PROFILO = ("profilo__ambito", "profilo__comune", "profilo__ats", "profilo__asst")


def utente_attivo(user_id):
    return get_user_model()._default_manager.select_related(*PROFILO).filter(pk=user_id, is_active=True).first()


class BackendPassword(ModelBackend):
    def get_user(self, user_id):
        return utente_attivo(user_id)
