import pytest
from django.contrib.auth import get_user_model

from programmazione import services
from programmazione.models import AreaPolicy, Obiettivo, Piano
from territorio.models import Ambito


def utente(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def bozza(demo_db):
    """A draft 2024-2026 plan of Alto Sebino with one objective."""
    piano = services.crea_piano(utente("udp.altosebino"), Ambito.objects.get(pk="alto-sebino"), 2024)
    services.salva_obiettivo(
        utente("udp.altosebino"),
        Obiettivo(piano=piano, titolo="Sportello unico per la disabilità", area_policy=AreaPolicy.objects.get(pk="J")),
    )
    return piano


@pytest.fixture
def approvato(demo_db):
    return Piano.objects.get(ambito="alto-sebino", anno_inizio=2021)
