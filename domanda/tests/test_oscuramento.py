"""Suppression: primary 1-4, secondary so that no suppressed value is derivable from a line."""

from hypothesis import given, settings
from hypothesis import strategies as st

from domanda.oscuramento import derivabili, oscura


def test_single_small_cell_takes_a_partner():
    valori = {"a": 3, "b": 10, "c": 0, "T": 13}
    esito = oscura(valori, [("T", ["a", "b", "c"])])
    assert esito.primari == {"a"} and esito.secondari == {"b"}
    assert esito.mostra("a", 3) == "<5" and esito.mostra("b", 10) == "n.d." and esito.mostra("c", 0) == 0


def test_two_ones_are_derivable_together():
    # 1 + 1 = 2: both forced to 1. A third cell must go.
    valori = {"a": 1, "b": 1, "c": 7, "T": 9}
    esito = oscura(valori, [("T", ["a", "b", "c"])])
    assert esito.secondari == {"c"}


def test_no_partner_suppresses_the_total():
    valori = {"a": 2, "b": 0, "T": 2}
    esito = oscura(valori, [("T", ["a", "b"])])
    assert "T" in esito.primari  # the total itself is small


@st.composite
def tabelle(draw):
    righe, colonne = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    celle = {
        (r, c): draw(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 9, 20])) for r in range(righe) for c in range(colonne)
    }
    valori = dict(celle)
    linee = []
    for r in range(righe):
        valori[("R", r)] = sum(celle[(r, c)] for c in range(colonne))
        linee.append((("R", r), [(r, c) for c in range(colonne)]))
    for c in range(colonne):
        valori[("C", c)] = sum(celle[(r, c)] for r in range(righe))
        linee.append((("C", c), [(r, c) for r in range(righe)]))
    valori["T"] = sum(celle.values())
    linee.append(("T", [("R", r) for r in range(righe)]))
    linee.append(("T", [("C", c) for c in range(colonne)]))
    return valori, linee


@settings(max_examples=50, deadline=None)
@given(tabelle())
def test_no_suppressed_value_is_derivable(tabella):
    valori, linee = tabella
    esito = oscura(valori, linee)
    assert {k for k, v in valori.items() if 0 < v < 5} <= esito.primari
    assert not any(valori[k] == 0 for k in esito.secondari)
    assert derivabili(valori, linee, esito.primari, esito.secondari) == set()
    # Independently of derivabili: no line with a shown total hides exactly one value.
    oscurati = esito.primari | esito.secondari
    for totale, celle in linee:
        if totale not in oscurati:
            assert sum(c in oscurati for c in celle) != 1
