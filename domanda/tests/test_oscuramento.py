"""Suppression: primary 1-4, secondary so that no suppressed value is derivable from a line,
nor by a linear difference of published cells across lines and levels."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from domanda.oscuramento import derivabili, determinati, oscura


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


def _determinati_esatto(linee, oscurati):
    """Independent of the module: the hidden keys whose unit vector is in the row space of the
    lines' coefficients on the hidden keys, by Gauss-Jordan elimination over the rationals."""
    chiavi = sorted({k for t, c in linee for k in (t, *c) if k in oscurati}, key=str)
    indice = {k: i for i, k in enumerate(chiavi)}
    righe = []
    for totale, celle in linee:
        r = [Fraction(0)] * len(chiavi)
        if totale in oscurati:
            r[indice[totale]] += 1
        for c in celle:
            if c in oscurati:
                r[indice[c]] -= 1
        if any(r):
            righe.append(r)
    pivot_di = []
    riga = 0
    for col in range(len(chiavi)):
        p = next((i for i in range(riga, len(righe)) if righe[i][col] != 0), None)
        if p is None:
            continue
        righe[riga], righe[p] = righe[p], righe[riga]
        f = righe[riga][col]
        righe[riga] = [v / f for v in righe[riga]]
        for i in range(len(righe)):
            if i != riga and righe[i][col] != 0:
                g = righe[i][col]
                righe[i] = [a - g * b for a, b in zip(righe[i], righe[riga], strict=True)]
        pivot_di.append((col, riga))
        riga += 1
    return {chiavi[col] for col, r in pivot_di if sum(v != 0 for v in righe[r]) == 1}


def test_a_difference_across_levels_is_protected():
    # Ambito 13 = Comune a (3) + Comune b (10): b shown would give a = 13 - 10.
    valori = {("c", "a"): 3, ("c", "b"): 10, ("A",): 13}
    esito = oscura(valori, [(("A",), [("c", "a"), ("c", "b")])])
    assert esito.primari == {("c", "a")} and esito.secondari == {("c", "b")}


def test_a_combination_of_lines_is_protected():
    # Each line hides two cells, yet x + y = 6, y + z = 7, x + z = 5 give x = 2: one line by
    # one line finds nothing, the linear check does.
    valori = {"x": 2, "y": 4, "z": 3, "w": 9, "T1": 15, "T2": 16, "T3": 14}
    linee = [("T1", ["x", "y", "w"]), ("T2", ["y", "z", "w"]), ("T3", ["x", "z", "w"])]
    assert determinati(linee, {"x", "y", "z"}) == {"x", "y", "z"}
    esito = oscura(valori, linee)
    assert determinati(linee, esito.primari | esito.secondari) == set()
    assert "w" in esito.secondari


VALORI = [0, 0, 0, 1, 2, 3, 4, 5, 6, 9, 20]


@st.composite
def territori(draw):
    """A Distretto of 1-3 Ambiti of 1-3 Comuni each, 1-2 areas of 1-2 interventions: the Comuni's
    cells drawn, every total their sum, with the lines of domanda.oscuramento.pubblicazione."""
    ambiti = {f"a{i}": [f"c{i}{j}" for j in range(draw(st.integers(1, 3)))] for i in range(draw(st.integers(1, 3)))}
    aree = {f"r{i}": [f"i{i}{j}" for j in range(draw(st.integers(1, 2)))] for i in range(draw(st.integers(1, 2)))}
    valori, linee = {}, []
    territori = {("comune", c): [] for cc in ambiti.values() for c in cc}
    territori |= {("ambito", a): [("comune", c) for c in cc] for a, cc in ambiti.items()}
    territori[("distretto", "d")] = [("ambito", a) for a in ambiti]
    for t, figli in territori.items():
        for area, interventi in aree.items():
            for i in interventi:
                if not figli:
                    valori[(*t, area, i)] = draw(st.sampled_from(VALORI))
                else:
                    valori[(*t, area, i)] = sum(valori[(*f, area, i)] for f in figli)
            valori[(*t, area, "")] = sum(valori[(*t, area, i)] for i in interventi)
            linee.append(((*t, area, ""), [(*t, area, i) for i in interventi]))
        valori[(*t, "T", "")] = sum(valori[(*t, area, "")] for area in aree)
        linee.append(((*t, "T", ""), [(*t, area, "") for area in aree]))
    for t, figli in territori.items():
        comuni = [("comune", c) for c in (ambiti[t[1]] if t[0] == "ambito" else sum(ambiti.values(), []))]
        for area, interventi in aree.items():
            for i in ["", *interventi]:
                if figli:
                    linee.append(((*t, area, i), [(*f, area, i) for f in figli]))
                if t[0] == "distretto":
                    linee.append(((*t, area, i), [(*c, area, i) for c in comuni]))
        if figli:
            linee.append(((*t, "T", ""), [(*f, "T", "") for f in figli]))
    return valori, linee


@settings(max_examples=50, deadline=None)
@given(territori())
def test_no_suppressed_value_is_derivable_at_any_level(tabella):
    valori, linee = tabella
    esito = oscura(valori, linee)
    oscurati = esito.primari | esito.secondari
    assert {k for k, v in valori.items() if 0 < v < 5} <= esito.primari
    assert not any(valori[k] == 0 for k in esito.secondari)
    assert derivabili(valori, linee, esito.primari, esito.secondari) == set()
    # No linear combination of the published cells at any level gives a hidden one.
    assert _determinati_esatto(linee, oscurati) == set()
