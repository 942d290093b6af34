"""Every threshold of the LEPS at its boundary (offerta.leps.stato): no database."""

from decimal import Decimal

import pytest

from offerta import leps
from offerta.models import Verso

D = Decimal


@pytest.mark.parametrize(
    ("valore", "atteso"),
    [(D("5000"), leps.RAGGIUNTO), (D("4999.99"), leps.RAGGIUNTO), (D("5000.01"), leps.NON_RAGGIUNTO)],
)
def test_social_workers_threshold_is_at_most_5000_residents(valore, atteso):
    assert leps.stato(valore, Verso.AL_PIU, D(5000)) == atteso


@pytest.mark.parametrize(("valore", "atteso"), [(D("4000"), True), (D("3999"), True), (D("4000.01"), False)])
def test_social_workers_objective_is_at_most_4000_residents(valore, atteso):
    assert leps.obiettivo_raggiunto(valore, Verso.AL_PIU, D(4000)) is atteso


@pytest.mark.parametrize(
    ("valore", "atteso"),
    [
        (D("100"), leps.RAGGIUNTO),
        (D("99.99"), leps.PARZIALE),
        (D("1"), leps.PARZIALE),
        (D("0.99"), leps.NON_RAGGIUNTO),
        (D("0"), leps.NON_RAGGIUNTO),
    ],
)
def test_coverage_thresholds_with_a_partial_band(valore, atteso):
    assert leps.stato(valore, Verso.ALMENO, D(100), D(1)) == atteso


def test_at_most_with_a_partial_band_and_missing_or_absent_figures():
    assert leps.stato(D("6000"), Verso.AL_PIU, D(5000), D(6000)) == leps.PARZIALE
    assert leps.stato(D("6000.01"), Verso.AL_PIU, D(5000), D(6000)) == leps.NON_RAGGIUNTO
    assert leps.stato(leps._ASSENTE, Verso.ALMENO, D(1)) == leps.MANCANTE
    # Social workers loaded as 0 FTE: no ratio, and no service at all.
    assert leps.stato(None, Verso.AL_PIU, D(5000)) == leps.NON_RAGGIUNTO
    # Without a threshold nothing is judged.
    assert leps.stato(D(1), Verso.ALMENO, None) == leps.MANCANTE
