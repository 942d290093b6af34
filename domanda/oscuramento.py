"""Small-cell suppression: the one rule every output of the demand that leaves the restricted
roles goes through (pages, API, CSV/XLSX, export_domanda, the indicators of the catalogue).

**What is published.** For a year, `pubblicazione(anno)` builds every figure an output can show
as one table of values (users) and *lines* (a total and the cells it is the sum of):
- every territory of every level (Comune of residence, Ambito, Distretto, ASST, ATS): per area
  and intervention, per area, the TOTALE; each area's total is the sum of its interventions,
  the TOTALE the sum of the areas;
- **across levels**: each (area, intervention) of a territory is the sum of the same cell of
  its territories of the level below when they split it exactly (an Ambito of its Comuni, a
  Distretto of its Ambiti, ... up to the ATS), else of its Comuni;
- the Ambito's users by sex and age band (rows, columns, the TOTALE as grand total), and its
  new users and people in charge on 31 December, with what they leave out (users who are not
  new, not in charge) as unpublished cells: a difference of two published counts is a count.
Every output shows its figures through the same `Pubblicazione`, so a cell hidden in one output
is hidden in all, with the same partners.

**The rule** (`oscura`):
1. **Primary**: every value from 1 to 4 (cells and totals alike) is suppressed, shown "<5".
   Zero is shown: nobody is recognised in an empty cell.
2. **Secondary, line by line**: for every line whose total is shown the reader knows the total,
   the shown cells, and bounds on each hidden one (users: 1-4 for "<5", at least 5 for "n.d.";
   interventions: at least 1, at least 5). A hidden value is *derivable* when the bounds leave
   it one possible value (a line with a single hidden cell always does). While a line has a
   derivable value, one more of its shown values is suppressed ("n.d."): the one that leaves
   the fewest other lines with a single hidden value (each would force one more), then the
   smallest.
3. **Secondary, across lines**: no hidden value may be computed by *any* linear combination of
   the lines (the Ambito's total minus its other Comuni, a Distretto minus its other Ambiti,
   a row and a column together...). The hidden cells are the unknowns of the system of lines,
   the shown values its known terms; a hidden value is determined when its unit vector lies in
   the row space of the unknowns' coefficients (`determinati`, an exact elimination over the
   integers modulo the prime 2^61-1). This depends on the pattern only, not on the values, so
   it protects the interventions and the spending (shown and hidden with the users) as well.
   For each determined value, one shown value of the lines its combination uses is suppressed
   (chosen as in 2); then step 2 and 3 again, until neither finds anything.
Each step suppresses one more value, so the loop ends; at its end no hidden value is derivable
line by line nor by a linear difference of published cells (tests/test_oscuramento.py checks it
with hypothesis on random tables of several levels).

Distinct-person counts are not additive (a person in two Comuni of an Ambito counts once in
the Ambito): the rule treats them as if they were, which gives the reader more than they have
and can only suppress more.
"""

from collections import defaultdict, deque
from dataclasses import dataclass, field

SOGLIA = 5
PRIMARIO = "<5"
SECONDARIO = "n.d."
_P = (1 << 61) - 1  # a Mersenne prime: the elimination is exact modulo it


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


def _limiti_utenti(chiave, primari):
    if chiave in primari:
        return 1, SOGLIA - 1
    return SOGLIA, None  # secondary: at least 5 (primary covers 1-4), no upper bound


def _limiti_interventi(chiave, primari):
    # A hidden cell has at least one user, so at least one intervention (five if secondary).
    return (1 if chiave in primari else SOGLIA), None


def _derivabili_linea(valori, totale, celle, oscurati, limiti_di, primari):
    nascoste = [c for c in celle if c in oscurati]
    if not nascoste:
        return []
    resto = valori.get(totale, 0) - sum(valori.get(c, 0) for c in celle if c not in oscurati)
    limiti = [limiti_di(c, primari) for c in nascoste]
    somma_lo = sum(lo for lo, _ in limiti)
    senza_massimo = sum(hi is None for _, hi in limiti)
    somma_hi = sum(hi for _, hi in limiti if hi is not None)
    trovati = []
    for c, (lo, hi) in zip(nascoste, limiti, strict=True):
        minimo_altri = somma_lo - lo
        illimitati = senza_massimo - (hi is None)
        basso = lo if illimitati else max(lo, resto - (somma_hi - (hi or 0)))
        alto = resto - minimo_altri if hi is None else min(hi, resto - minimo_altri)
        if alto <= basso:
            trovati.append(c)
    return trovati


def derivabili(valori, linee, primari, secondari, interventi=None):
    """The suppressed keys a reader can compute exactly from one line with a shown total (the
    users' bounds; with `interventi`, {key: interventions}, the interventions' too)."""
    trovati = set()
    oscurati = primari | secondari
    for totale, celle in linee:
        if totale in oscurati:
            continue
        trovati.update(_derivabili_linea(valori, totale, celle, oscurati, _limiti_utenti, primari))
        if interventi is not None and totale in interventi:
            trovati.update(_derivabili_linea(interventi, totale, celle, oscurati, _limiti_interventi, primari))
    return trovati


def determinazioni(linee, oscurati, origini=True):
    """{key: the indices of the lines combined to compute it} for the keys of `oscurati` that
    some linear combination of the lines computes from the shown values (whatever the values
    are): the unknowns whose unit vector is in the row space of the system, found by an
    incremental reduced row echelon form, sparse, modulo a prime. With `origini` each row
    remembers which lines it combines (twice the work: without, the sets are empty)."""
    ordine = {}
    righe = []
    for i, (totale, celle) in enumerate(linee):
        riga = {}
        if totale in oscurati:
            riga[totale] = 1
        for c in celle:
            if c in oscurati:
                riga[c] = (riga.get(c, 0) - 1) % _P
        riga = {k: v for k, v in riga.items() if v}
        if riga:
            for k in riga:
                ordine.setdefault(k, len(ordine))
            righe.append((riga, {i: 1} if origini else {}))
    pivot = {}  # pivot column -> (its row: 1 there, 0 on every other pivot column; its lines)
    dove = defaultdict(set)  # non-pivot column -> the pivot columns whose row holds it
    for riga, origine in righe:
        for c in [c for c in riga if c in pivot]:
            f = riga.get(c)
            if not f:
                continue
            altra, sua = pivot[c]
            for k, v in altra.items():
                nv = (riga.get(k, 0) - f * v) % _P
                if nv:
                    riga[k] = nv
                else:
                    del riga[k]
            for k, v in sua.items():
                nv = (origine.get(k, 0) - f * v) % _P
                if nv:
                    origine[k] = nv
                else:
                    del origine[k]
        if not riga:
            continue
        p = min(riga, key=ordine.__getitem__)
        inv = pow(riga[p], _P - 2, _P)
        riga = {c: v * inv % _P for c, v in riga.items()}
        origine = {c: v * inv % _P for c, v in origine.items()}
        for q in dove.pop(p, ()):
            altra, sua = pivot[q]
            f = altra[p]
            for k, v in riga.items():
                nv = (altra.get(k, 0) - f * v) % _P
                if nv:
                    altra[k] = nv
                    if k != p:
                        dove[k].add(q)
                else:
                    del altra[k]
                    if k != p:
                        dove[k].discard(q)
            for k, v in origine.items():
                nv = (sua.get(k, 0) - f * v) % _P
                if nv:
                    sua[k] = nv
                else:
                    del sua[k]
        pivot[p] = (riga, origine)
        for k in riga:
            if k != p:
                dove[k].add(p)
    return {p: set(origine) for p, (riga, origine) in pivot.items() if len(riga) == 1}


def determinati(linee, oscurati):
    """The keys of `oscurati` a linear combination of the lines computes (determinazioni)."""
    return set(determinazioni(linee, oscurati, origini=False))


def _costo(k, linee, per_chiave, oscurati):
    """How many lines would hide `k` alone if it were suppressed: each of them would force one
    more suppression (an Ambito that is its Distretto's only one with the cell, an area with
    one intervention...). The partner is chosen to start the fewest such chains."""
    n = 0
    for j in per_chiave.get(k, ()):
        totale, celle = linee[j]
        if not any(x in oscurati for x in (totale, *celle) if x != k):
            n += 1
    return n


def _scegli(candidati, valori, linee, per_chiave, oscurati):
    """Of the shown non-zero keys `candidati`, the one to suppress: fewest chains (_costo), then
    the smallest value, then the key's text (the same table gives the same choice)."""
    scelti = {c for c in candidati if c not in oscurati and valori.get(c, 0) > 0}
    if not scelti:
        return None
    return min(scelti, key=lambda c: (_costo(c, linee, per_chiave, oscurati), valori[c], str(c)))


def _compagno(righe_usate, valori, linee, per_chiave, oscurati):
    """The value to suppress so that a determined key is no longer computed this way: one of the
    shown values of the lines its combination uses (_scegli)."""
    candidati = set()
    for i in righe_usate:
        totale, celle = linee[i]
        candidati.update(celle)
        candidati.add(totale)
    return _scegli(candidati, valori, linee, per_chiave, oscurati)


def oscura(valori, linee, soglia=SOGLIA, interventi=None):
    """Oscuramento of `valori` ({key: users}) with `linee` ([(total key, [cell keys])]); with
    `interventi` ({key: interventions}) their bounds count too. Keys missing count as 0."""
    valori = dict(valori)
    for totale, celle in linee:
        valori.setdefault(totale, 0)
        for c in celle:
            valori.setdefault(c, 0)
    primari = {k for k, v in valori.items() if 0 < v < soglia}
    secondari = set()
    per_chiave = defaultdict(list)
    for i, (totale, celle) in enumerate(linee):
        per_chiave[totale].append(i)
        for c in celle:
            per_chiave[c].append(i)

    oscurati = set(primari)  # primari | secondari, kept up to date

    def aggiungi(k, coda, in_coda):
        secondari.add(k)
        oscurati.add(k)
        for j in per_chiave[k]:
            if j not in in_coda:
                in_coda.add(j)
                coda.append(j)

    def derivabile(totale, celle):
        if _derivabili_linea(valori, totale, celle, oscurati, _limiti_utenti, primari):
            return True
        # Interventions only where the line has them (not the sex and age table, a count of users).
        return (
            interventi is not None
            and totale in interventi
            and bool(_derivabili_linea(interventi, totale, celle, oscurati, _limiti_interventi, primari))
        )

    coda, in_coda = deque(range(len(linee))), set(range(len(linee)))
    while True:
        while coda:  # step 2: line by line, to a fixed point
            i = coda.popleft()
            in_coda.discard(i)
            totale, celle = linee[i]
            if totale in oscurati or not derivabile(totale, celle):
                continue
            # A shown cell or the shown total (the line's total is shown: there is always one).
            aggiungi(_scegli([*celle, totale], valori, linee, per_chiave, oscurati) or totale, coda, in_coda)
            if i not in in_coda:
                in_coda.add(i)
                coda.append(i)
        # Step 3: across lines. Sorted, so that the same table gives the same partners; a key
        # whose combination uses a line touched by a partner of this round waits for the next.
        nuovi, toccate = set(), set()
        trovate = {}
        if determinazioni(linee, oscurati, origini=False):  # the last round finds none: cheaper
            trovate = determinazioni(linee, oscurati)
        for _k, usate in sorted(trovate.items(), key=lambda x: str(x[0])):
            if toccate & usate:
                continue
            compagno = _compagno(usate, valori, linee, per_chiave, oscurati | nuovi)
            if compagno is not None:
                nuovi.add(compagno)
                toccate.update(per_chiave[compagno])
        if not nuovi:
            return Oscuramento(primari, secondari)
        for k in sorted(nuovi, key=str):
            aggiungi(k, coda, in_coda)


# The demand's publication: every figure of a year, suppressed together.


@dataclass
class Pubblicazione:
    """The figures of the demand of a year as every public output shows them.

    `aggregati[livello]` are selectors.Aggregato; `sesso_eta` {(ambito, sex, band): users};
    `sintesi` {ambito: selectors.Sintesi}. `mostra(chiave, valore)` with the keys of
    `chiave_aggregato`, `chiave_sesso_eta`, `chiave_sintesi`."""

    anno: int
    aggregati: dict
    sesso_eta: dict
    sintesi: dict
    esito: Oscuramento = field(default_factory=lambda: Oscuramento(set(), set()))

    def mostra(self, chiave, valore):
        return self.esito.mostra(chiave, valore)

    def oscurato(self, chiave):
        return self.esito.oscurato(chiave)


def chiave_aggregato(livello, codice, area, intervento):
    return ("a", livello, codice, area, intervento)


def chiave_sesso_eta(ambito, sesso, fascia):
    """Sex "" = both, band "" = every band; ("", "") is the Ambito's TOTALE."""
    if sesso == "" and fascia == "":
        return chiave_aggregato("ambito", ambito, "TOTALE", "")
    return ("s", ambito, sesso, fascia)


def chiave_sintesi(ambito, cosa):
    """cosa: "nuovi", "in_carico" (published); "ritorni", "non_in_carico" (what they leave out)."""
    return ("n", ambito, cosa)


def _linee(pub, composizione):
    """The values ({key: users}, {key: interventions}) and the lines of `pub` (module docstring)."""
    from .selectors import FASCE, LIVELLI, TOTALE

    valori, interventi, linee = {}, {}, []
    chiavi_di = defaultdict(set)  # (livello, codice) -> {(area, intervento)}
    for livello in LIVELLI:
        for a in pub.aggregati.get(livello, ()):
            k = chiave_aggregato(livello, a.codice_territorio, a.area, a.intervento)
            valori[k], interventi[k] = a.utenti, a.interventi
            chiavi_di[(livello, a.codice_territorio)].add((a.area, a.intervento))
    # Within a territory: the area is the sum of its interventions, the TOTALE of the areas.
    for (livello, codice), chiavi in sorted(chiavi_di.items()):
        aree = sorted({area for area, _ in chiavi if area != TOTALE})
        for area in aree:
            celle = sorted(i for a, i in chiavi if a == area and i)
            if celle:
                linee.append(
                    (
                        chiave_aggregato(livello, codice, area, ""),
                        [chiave_aggregato(livello, codice, area, i) for i in celle],
                    )
                )
        linee.append(
            (chiave_aggregato(livello, codice, TOTALE, ""), [chiave_aggregato(livello, codice, a, "") for a in aree])
        )
    # Across levels: a territory is the sum of its Comuni, and of its territories of the level
    # below when they split its Comuni exactly.
    for i, livello in enumerate(LIVELLI[1:], start=1):
        sotto = LIVELLI[i - 1]
        for codice, comuni in sorted(composizione.get(livello, {}).items()):
            figli = (
                [(f, c) for f, c in sorted(composizione.get(sotto, {}).items()) if c <= comuni]
                if sotto != "comune"
                else []
            )
            unione = set().union(*(c for _, c in figli))
            esatta = bool(figli) and sum(len(c) for _, c in figli) == len(comuni) and unione == comuni
            chiavi = set(chiavi_di.get((livello, codice), ()))
            for comune in comuni:
                chiavi |= chiavi_di.get(("comune", comune), set())
            for area, intervento in sorted(chiavi):
                totale = chiave_aggregato(livello, codice, area, intervento)
                # A territory without the cell holds zero there: known, left out of the line.
                # The sum of the Comuni follows from the sums level by level when these split
                # the territory exactly: only one of the two, the system is the same.
                if esatta:
                    celle = [f for f, _ in figli if (area, intervento) in chiavi_di.get((sotto, f), ())]
                    linee.append((totale, [chiave_aggregato(sotto, f, area, intervento) for f in celle]))
                else:
                    celle = [c for c in sorted(comuni) if (area, intervento) in chiavi_di.get(("comune", c), ())]
                    linee.append((totale, [chiave_aggregato("comune", c, area, intervento) for c in celle]))
    # The Ambito's users by sex and age band, and its summary counts.
    fasce_di = defaultdict(set)
    for (ambito, sesso, fascia), n in pub.sesso_eta.items():
        valori[chiave_sesso_eta(ambito, sesso, fascia)] = n
        fasce_di[ambito].add(fascia)
    for ambito in sorted(fasce_di):
        fasce = [f for f, _, _ in FASCE] + (["?"] if "?" in fasce_di[ambito] else [])
        for s in ("M", "F"):
            valori[chiave_sesso_eta(ambito, s, "")] = sum(pub.sesso_eta.get((ambito, s, f), 0) for f in fasce)
            linee.append((chiave_sesso_eta(ambito, s, ""), [chiave_sesso_eta(ambito, s, f) for f in fasce]))
        for f in fasce:
            valori[chiave_sesso_eta(ambito, "", f)] = sum(pub.sesso_eta.get((ambito, s, f), 0) for s in ("M", "F"))
            linee.append((chiave_sesso_eta(ambito, "", f), [chiave_sesso_eta(ambito, s, f) for s in ("M", "F")]))
        totale = chiave_sesso_eta(ambito, "", "")
        linee.append((totale, [chiave_sesso_eta(ambito, s, "") for s in ("M", "F")]))
        linee.append((totale, [chiave_sesso_eta(ambito, "", f) for f in fasce]))
    for ambito, s in sorted(pub.sintesi.items()):
        totale = chiave_aggregato("ambito", ambito, TOTALE, "")
        if s.nuovi is not None:
            valori[chiave_sintesi(ambito, "nuovi")] = s.nuovi
            valori[chiave_sintesi(ambito, "ritorni")] = s.utenti - s.nuovi
            linee.append((totale, [chiave_sintesi(ambito, "nuovi"), chiave_sintesi(ambito, "ritorni")]))
        valori[chiave_sintesi(ambito, "in_carico")] = s.in_carico_31_dicembre
        valori[chiave_sintesi(ambito, "non_in_carico")] = s.utenti - s.in_carico_31_dicembre
        linee.append((totale, [chiave_sintesi(ambito, "in_carico"), chiave_sintesi(ambito, "non_in_carico")]))
    return valori, interventi, linee


def _calcola(anno):
    from . import selectors

    pub = Pubblicazione(
        anno,
        selectors.aggregati_livelli(anno),
        selectors.sesso_eta_ambiti(anno),
        selectors.sintesi_ambiti(anno),
    )
    composizione = {livello: selectors.composizione(livello, anno) for livello in selectors.LIVELLI[1:]}
    valori, interventi, linee = _linee(pub, composizione)
    pub.esito = oscura(valori, linee, interventi=interventi)
    return pub


def pubblicazione(anno):
    """THE suppression of the demand of `anno`: every public output reads its figures here
    (computed once per data version, module docstring)."""
    from zona.lib.cache import memorizza

    # Kept in the process too: a page reads it three times, and unpickling it costs 20 ms each.
    return memorizza(f"domanda:pubblicazione:{anno}", lambda: _calcola(anno), in_processo=True)
