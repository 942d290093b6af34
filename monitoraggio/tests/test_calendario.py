"""The monitoring calendar of a plan: which semesters it owes, from its approval date to the end
of the plan in force (its extension included), tested at the boundaries of each rule."""

import datetime

import pytest

from monitoraggio.models import Misurazione
from monitoraggio.selectors import DA_FARE, FATTO, IN_RITARDO, scadenze, semestri_dovuti
from programmazione import services
from programmazione.models import IndicatoreObiettivo

pytestmark = pytest.mark.django_db
G = datetime.date


def _semestri(piano):
    return [(anno, semestre) for anno, semestre, _, _ in semestri_dovuti(piano)]


@pytest.mark.parametrize(
    "approvato_il, primo",
    [
        (G(2021, 1, 1), (2021, 1)),  # approved the day the first semester starts: owed
        (G(2021, 1, 2), (2021, 2)),  # a day later: the first semester had already started
        (G(2021, 6, 30), (2021, 2)),
        (G(2021, 7, 1), (2021, 2)),  # the day the second semester starts: owed
        (G(2021, 7, 2), (2022, 1)),
        (G(2021, 12, 15), (2022, 1)),  # Alto Sebino: nothing owed for 2021
    ],
)
def test_the_first_semester_owed_follows_the_approval_date(registro_minimo, approvato_il, primo):
    piano = registro_minimo.approvato
    piano.approvato_il = approvato_il
    piano.save()
    semestri = _semestri(piano)
    assert semestri[0] == primo and semestri[-1] == (2023, 2)


def test_without_an_approval_date_the_whole_triennio_is_listed(registro_minimo):
    piano = registro_minimo.approvato
    piano.approvato_il = None
    piano.save()
    assert _semestri(piano) == [(a, s) for a in (2021, 2022, 2023) for s in (1, 2)]


@pytest.mark.parametrize(
    "fine, ultimo",
    [
        (G(2024, 6, 30), (2024, 1)),  # extended to the end of June: one more semester
        (G(2024, 7, 1), (2024, 2)),  # a day into the second semester: it is owed too
        (G(2024, 12, 31), (2024, 2)),
    ],
)
def test_an_extension_adds_its_semesters_and_moves_the_final_evaluation(registro_minimo, fine, ultimo):
    piano = registro_minimo.approvato
    services.proroga_piano(None, piano, fine, "Regione Lombardia")
    assert _semestri(piano)[-1] == ultimo
    assert [x for x in semestri_dovuti(piano) if x[3]] == [
        x for x in semestri_dovuti(piano) if x[0] == 2024
    ]  # only the 2024 semesters are marked as the extension
    finale = next(s for s in scadenze(piano, oggi=G(2024, 1, 1)) if s.cosa.startswith("Valutazione finale"))
    assert finale.data == G(2025, 3, 31)


def test_in_the_extension_only_the_objectives_carried_on_are_owed(registro_minimo):
    piano = registro_minimo.approvato
    primo, secondo = piano.obiettivi.order_by("codice")
    ind_primo = IndicatoreObiettivo.objects.create(obiettivo=primo, tipo="output", descrizione="Utenti")
    IndicatoreObiettivo.objects.create(obiettivo=secondo, tipo="output", descrizione="Accessi")
    services.proroga_piano(None, piano, G(2024, 12, 31), "Regione Lombardia", "123", G(2023, 11, 1), [primo])
    Misurazione.objects.create(indicatore=ind_primo, anno=2024, semestre=1, data=G(2024, 7, 10), valore=3)
    elenco = {s.cosa: s for s in scadenze(piano, oggi=G(2024, 9, 1))}
    proroga = elenco["Monitoraggio del 1° semestre 2024 (proroga)"]
    assert (proroga.esito, proroga.dettaglio) == (FATTO, "1 obiettivi misurati su 1 con indicatori")
    assert elenco["Monitoraggio del 2° semestre 2024 (proroga)"].esito == DA_FARE
    # In the triennio both objectives are owed: one measured of two is late.
    assert elenco["Monitoraggio del 1° semestre 2023"].esito == IN_RITARDO
    assert elenco["Monitoraggio del 1° semestre 2023"].dettaglio == "0 obiettivi misurati su 2 con indicatori"
