"""Indicators computed by the database from base observations, at every level.

Each distinct term of the indicators (a measure with its age, sex and category filter) is one
SQL aggregation grouped by territory and year; Comune rows are rolled up to the Ambito,
Distretto and ATS they belong to on the observation's reference date by joins on the
membership tables. Data stored directly at a higher level (an Ambito's figure from a plan)
count only where no Comune data exist for that territory, term and year, so nothing is
counted twice. The few sums per territory and year are then combined with the formula.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, F, Q, Sum, When

from territorio.models import ATS, Ambito, Comune, Distretto

from .models import Indicatore, Livello, Osservazione, ValorePubblicato

LIVELLI_CALCOLATI = [Livello.COMUNE, Livello.AMBITO, Livello.DISTRETTO, Livello.ATS]

_VALIDA_APP = Q(comune__appartenenze__dal__lte=F("data_riferimento")) & (
    Q(comune__appartenenze__al__isnull=True) | Q(comune__appartenenze__al__gte=F("data_riferimento"))
)
_VALIDO_DISTRETTO = Q(comune__appartenenze__ambito__appartenenze__dal__lte=F("data_riferimento")) & (
    Q(comune__appartenenze__ambito__appartenenze__al__isnull=True)
    | Q(comune__appartenenze__ambito__appartenenze__al__gte=F("data_riferimento"))
)
_ROLLUP = {
    Livello.AMBITO: ("comune__appartenenze__ambito_id", [_VALIDA_APP]),
    Livello.DISTRETTO: ("comune__appartenenze__ambito__appartenenze__distretto_id", [_VALIDA_APP, _VALIDO_DISTRETTO]),
    Livello.ATS: (
        "comune__appartenenze__ambito__appartenenze__distretto__asst__ats_id",
        [_VALIDA_APP, _VALIDO_DISTRETTO],
    ),
}


def _chiave_termine(t):
    return (t.misura_id, t.eta_da, t.eta_a, t.sesso, t.categoria)


def _filtro_termine(chiave):
    misura, eta_da, eta_a, sesso, categoria = chiave
    q = Q(misura_id=misura, categoria=categoria)
    if eta_da is not None:
        q &= Q(eta_da__gte=eta_da)
    if eta_a is not None:
        q &= Q(eta_a__isnull=False, eta_a__lte=eta_a)
    if sesso:
        q &= Q(sesso=sesso)
    return q


def _somme(chiavi, livello, anni, territori):
    """{term: {(codice_territorio, anno): sum}} for all terms at one level, in one scan of the
    observations (a conditional sum per term) plus one for data stored at that level."""
    chiavi = list(chiavi)
    base = Osservazione.objects.filter(attiva=True, misura_id__in={k[0] for k in chiavi})
    if anni is not None:
        base = base.filter(anno__in=anni)
    somme = {f"s{i}": Sum(Case(When(_filtro_termine(k), then=F("valore")))) for i, k in enumerate(chiavi)}
    risultato = {k: {} for k in chiavi}

    def raccogli(righe, campo, sovrascrivi):
        for riga in righe:
            chiave_territorio = (riga[campo], riga["anno"])
            for i, k in enumerate(chiavi):
                valore = riga[f"s{i}"]
                if valore is None:
                    continue
                if sovrascrivi:
                    risultato[k][chiave_territorio] = valore
                else:
                    risultato[k].setdefault(chiave_territorio, valore)  # Comune data win

    if livello in _ROLLUP:
        campo, condizioni = _ROLLUP[livello]
        condizione = Q(livello=Livello.COMUNE)
        for c in condizioni:
            condizione &= c
        # One filter() call, so that every condition applies to the same joined membership.
        qs = base.filter(condizione)
        if territori is not None:
            qs = qs.filter(**{f"{campo}__in": territori})
        raccogli(qs.values(campo, "anno").annotate(**somme), campo, True)
    dirette = base.filter(livello=livello)
    if territori is not None:
        dirette = dirette.filter(codice_territorio__in=territori)
    raccogli(dirette.values("codice_territorio", "anno").annotate(**somme), "codice_territorio", livello not in _ROLLUP)
    return risultato


def calcola(livello, anni=None, indicatori=None, territori=None):
    """{(codice_territorio, anno, codice_indicatore): Decimal or None} for the years with data."""
    qs = Indicatore.objects.prefetch_related("termini")
    if indicatori is not None:
        qs = qs.filter(codice__in=indicatori)
    indicatori = list(qs)
    anni_estesi = None
    if anni is not None:
        anni_estesi = sorted({a + t.sfasamento for a in anni for i in indicatori for t in i.termini.all()})
    chiavi = {_chiave_termine(t) for ind in indicatori for t in ind.termini.all()}
    somme = _somme(chiavi, livello, anni_estesi, territori) if chiavi else {}
    risultati = {}
    for ind in indicatori:
        termini = list(ind.termini.all())
        num = [t for t in termini if t.parte == "num"]
        den = [t for t in termini if t.parte == "den"]
        candidati = {(terr, anno - t.sfasamento) for t in num for (terr, anno) in somme[_chiave_termine(t)]}
        for terr, anno in candidati:
            if anni is not None and anno not in anni:
                continue
            n = _combina(num, somme, terr, anno)
            d = _combina(den, somme, terr, anno) if den else Decimal(1)
            if n is None or d is None:
                continue
            # normalize(): SQLite and PostgreSQL return sums with different scales; the
            # value must read the same whatever the database.
            risultati[(terr, anno, ind.codice)] = None if d == 0 else (Decimal(n) * ind.fattore / Decimal(d)).normalize()
    return risultati


def _combina(termini, somme, terr, anno):
    totale = Decimal(0)
    for t in termini:
        s = somme[_chiave_termine(t)].get((terr, anno + t.sfasamento))
        if s is None:
            return None
        totale += t.peso * Decimal(s)
    return totale


def nomi_territori(livello):
    if livello == Livello.COMUNE:
        return dict(Comune.objects.values_list("codice_istat", "nome"))
    model = {Livello.AMBITO: Ambito, Livello.DISTRETTO: Distretto, Livello.ATS: ATS}[livello]
    return dict(model.objects.values_list("pk", "nome"))


def valori_pubblicati(territori):
    """Active published values of [(livello, codice)]."""
    q = Q()
    for livello, codice in territori:
        q |= Q(livello=livello, codice_territorio=codice)
    return ValorePubblicato.objects.filter(q, attiva=True).select_related("indicatore", "caricamento")


def dati_di_base(livello, codice):
    """Base observations stored at this level (an Ambito's figures from its plan), as
    [(misura, anni, [(categoria, [valore per anno])])]."""
    from .models import Misura

    righe = (
        Osservazione.objects.filter(livello=livello, codice_territorio=codice, attiva=True)
        .values_list("misura_id", "categoria", "eta_da", "eta_a", "sesso", "anno", "valore")
        .order_by("misura_id", "categoria")
    )
    per_misura = defaultdict(lambda: defaultdict(dict))
    for misura, categoria, eta_da, eta_a, sesso, anno, valore in righe:
        etichetta = categoria or "totale"
        if eta_da is not None or eta_a is not None:
            etichetta += f", età {eta_da or 0}{'-' + str(eta_a) if eta_a is not None else ' e più'}"
        if sesso:
            etichetta += f", {sesso}"
        per_misura[misura][etichetta][anno] = valore
    misure = {m.codice: m for m in Misura.objects.filter(codice__in=per_misura)}
    risultato = []
    for codice_misura, per_categoria in per_misura.items():
        anni = sorted({a for valori in per_categoria.values() for a in valori})
        tabella = {
            "misura": misure[codice_misura],
            "anni": anni,
            "righe": [(c, [v.get(a) for a in anni]) for c, v in per_categoria.items()],
            "incrocio": None,
        }
        if len(anni) == 1 and all("|" in c for c in per_categoria):
            tabella["incrocio"] = _incrocio({c: v[anni[0]] for c, v in per_categoria.items()})
        risultato.append(tabella)
    return risultato


def _incrocio(valori):
    """Categories «riga|colonna» as a cross table, as the plans print them (area x fund)."""
    righe, colonne = [], []
    for categoria in valori:
        riga, colonna = categoria.split("|", 1)
        if riga not in righe:
            righe.append(riga)
        if colonna not in colonne:
            colonne.append(colonna)
    for elenco in (righe, colonne):  # totals last
        if "TOTALE" in elenco:
            elenco.remove("TOTALE")
            elenco.append("TOTALE")
    return {
        "colonne": colonne,
        "righe": [(r, [valori.get(f"{r}|{c}") for c in colonne]) for r in righe],
    }


def caricamenti_attivi(livelli, codici, anni):
    """The loads whose active observations feed the given territories and years."""
    from .models import Caricamento

    comuni = Q(livello=Livello.COMUNE)
    diretti = Q(livello__in=livelli, codice_territorio__in=codici)
    ids = (
        Osservazione.objects.filter(comuni | diretti, attiva=True, anno__in=anni)
        .values_list("caricamento_id", flat=True)
        .distinct()
    )
    return Caricamento.objects.filter(pk__in=ids).select_related("utente").order_by("creato_il")


def profilo(livello, codice, confronti):
    """The quadro conoscitivo of a territory: every indicator per year, the same for the
    comparison territories [(livello, codice, nome)], and the published values beside the
    computed ones with their gap."""
    valori = calcola(livello, territori=[codice])
    anni = sorted({a for (_, a, _) in valori})
    # Each territory is computed once, for every year: the table, the gaps and the charts
    # all read from these.
    calcolati = {(livello, codice): valori}
    for lv, c, _ in confronti:
        calcolati[(lv, c)] = calcola(lv, territori=[c])
    pubblicati = list(
        valori_pubblicati([(livello, codice)] + [(lv, c) for lv, c, _ in confronti] + [("regione", "03"), ("italia", "IT")])
    )
    righe = []
    for ind in Indicatore.objects.all():
        serie = {a: valori.get((codice, a, ind.codice)) for a in anni}
        if not any(v is not None for v in serie.values()):
            continue
        righe.append(
            {
                "indicatore": ind,
                "valori": [serie[a] for a in anni],
                "confronti": [
                    calcolati[(lv, c)].get((c, anni[-1], ind.codice)) for lv, c, _ in confronti
                ],
            }
        )
    confronto_pubblicati = []
    ordine_livelli = {lv: i for i, lv in enumerate(Livello.values)}
    for p in sorted(pubblicati, key=lambda p: (p.indicatore.ordine, p.categoria, p.anno, ordine_livelli[p.livello])):
        calcolato = None
        if not p.categoria:
            calcolato = calcolati.get((p.livello, p.codice_territorio), {}).get((p.codice_territorio, p.anno, p.indicatore_id))
        differenza = None
        if calcolato is not None:
            differenza = Decimal(calcolato).quantize(Decimal(1).scaleb(-p.indicatore.decimali)) - p.valore
        confronto_pubblicati.append({"pubblicato": p, "calcolato": calcolato, "differenza": differenza})
    return {"anni": anni, "righe": righe, "pubblicati": confronto_pubblicati, "calcolati": calcolati}
