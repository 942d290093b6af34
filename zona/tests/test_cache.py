"""Cached page parts are recomputed as soon as audited data change."""

from territorio.models import Comune
from zona.lib.cache import memorizza


def test_a_cached_value_is_recomputed_after_an_audited_change(registro_minimo):
    calcoli = []

    def calcola():
        calcoli.append(1)
        return len(calcoli)

    assert memorizza("prova", calcola) == 1
    assert memorizza("prova", calcola) == 1  # served from the cache
    comune = Comune.objects.get(pk="016901")
    comune.telefono = "035 000 0000"
    comune.save()  # audited: a new log entry, a new data version
    assert memorizza("prova", calcola) == 2
