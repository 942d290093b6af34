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


@pytest.fixture
def riferimenti(db):
    """The database as a new installation has it after `carica_riferimenti`: the catalogue,
    the policy areas and the LEPS, no registry, no users, no demo (conftest.py commits that
    state before the test)."""


@pytest.fixture
def registro_minimo(riferimenti):
    """Six Comuni in two Ambiti (Lago: 016901-016903, Pianura: 016904-016905) of one Distretto,
    ASST and ATS, one Comune in no Ambito (016906), their residents of 2022 and 2023 by age band
    (testsupport.fabbriche.POPOLAZIONE_MINIMA), the plans of Lago (`.approvato` 2021-2023 with two
    objectives, `.bozza` 2024-2026 with one): no demo, only the reference data besides."""
    from testsupport.fabbriche import crea_registro_minimo

    return crea_registro_minimo()
