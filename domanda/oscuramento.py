"""Small-cell suppression: the one rule every output of the demand that leaves the restricted
roles goes through (pages, CSV, API).

A table is a set of values (cells and totals, by key) and a list of *lines*: a total and the
cells it is the sum of (a row, a column, an area and its interventions, the grand total and
the areas). The rule:

1. **Primary**: every value from 1 to 4 (cells and totals alike) is suppressed, shown "<5".
   Zero is shown: nobody is recognised in an empty cell.
2. **Secondary**: a suppressed value must not be recoverable from a line whose total is shown.
   For every such line the reader knows the total, the shown cells, and that each suppressed
   value is at least 1 (zeros are never suppressed) and, when shown "<5", at most 4 (secondary
   values are at least 5, shown "n.d."). A suppressed value is *derivable* when these bounds
   leave it one possible value (a line with a single suppressed cell always does). While some
   line has a derivable value, the smallest shown non-zero cell of that line is suppressed too
   (secondary, "n.d."); if the line has none, its total is. The loop ends (each step suppresses
   one more value) and leaves no line with a derivable value (tests/test_oscuramento.py checks
   it with hypothesis on random tables).

Distinct-person counts are not always additive (a person in two interventions counts once in
the area's total); the rule treats them as if they were, which can only suppress more.
"""

from dataclasses import dataclass

SOGLIA = 5
PRIMARIO = "<5"
SECONDARIO = "n.d."


@dataclass
class Oscuramento:
    primari: set
    secondari: set

    def oscurato(self, chiave):
        return chiave in self.primari or chiave in self.secondari

    def mostra(self, chiave, valore):
        """The value as an output shows it: the number, "<5" or "n.d."."""
        if chiave in self.primari:
            return PRIMARIO
        if chiave in self.secondari:
            return SECONDARIO
        return valore


def _limiti(chiave, valori, primari):
    if chiave in primari:
        return 1, SOGLIA - 1
    return SOGLIA, None  # secondary: at least 5 (primary covers 1-4), no upper bound


def derivabili(valori, linee, primari, secondari):
    """The suppressed keys a reader can compute exactly from a line with a shown total."""
    trovati = set()
    oscurati = primari | secondari
    for totale, celle in linee:
        if totale in oscurati:
            continue
        nascoste = [c for c in celle if c in oscurati]
        if not nascoste:
            continue
        resto = valori[totale] - sum(valori[c] for c in celle if c not in oscurati)
        limiti = {c: _limiti(c, valori, primari) for c in nascoste}
        for c in nascoste:
            altri = [limiti[o] for o in nascoste if o != c]
            minimo_altri = sum(lo for lo, _ in altri)
            massimo_altri = None if any(hi is None for _, hi in altri) else sum(hi for _, hi in altri)
            lo, hi = limiti[c]
            basso = lo if massimo_altri is None else max(lo, resto - massimo_altri)
            alto = resto - minimo_altri if hi is None else min(hi, resto - minimo_altri)
            if alto <= basso:
                trovati.add(c)
    return trovati


def oscura(valori, linee, soglia=SOGLIA):
    """Oscuramento of `valori` ({key: int}) with `linee` ([(total key, [cell keys])]).
    Keys missing from `valori` count as 0."""
    valori = dict(valori)
    for totale, celle in linee:
        valori.setdefault(totale, 0)
        for c in celle:
            valori.setdefault(c, 0)
    primari = {k for k, v in valori.items() if 0 < v < soglia}
    secondari = set()
    while True:
        oscurati = primari | secondari
        cambiato = False
        for totale, celle in linee:
            if totale in oscurati:
                continue
            if not derivabili(valori, [(totale, celle)], primari, secondari):
                continue
            candidati = sorted((valori[c], str(c), c) for c in celle if c not in oscurati and valori[c] > 0)
            secondari.add(candidati[0][2] if candidati else totale)
            cambiato = True
            break  # bounds changed: look at every line again
        if not cambiato:
            return Oscuramento(primari, secondari)
