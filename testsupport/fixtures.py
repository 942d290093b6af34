"""Fixtures shared by the tests of several apps (a pytest plugin declared in conftest.py)."""

import pytest

from testsupport.fabbriche import utente


@pytest.fixture
def bozza(demo_db):
    """A draft 2024-2026 plan of Alto Sebino (demo) with one objective."""
    from programmazione import services
    from programmazione.models import AreaPolicy, Obiettivo
    from territorio.models import Ambito

    piano = services.crea_piano(utente("udp.altosebino"), Ambito.objects.get(pk="alto-sebino"), 2024)
    services.salva_obiettivo(
        utente("udp.altosebino"),
        Obiettivo(piano=piano, titolo="Sportello unico per la disabilità", area_policy=AreaPolicy.objects.get(pk="J")),
    )
    return piano


@pytest.fixture
def approvato(demo_db):
    """The approved 2021-2023 plan of Alto Sebino in the demo."""
    from programmazione.models import Piano

    return Piano.objects.get(ambito="alto-sebino", anno_inizio=2021)
