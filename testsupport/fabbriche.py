"""Small factories of test data."""

from django.contrib.auth import get_user_model


def utente(username):
    return get_user_model().objects.get(username=username)
