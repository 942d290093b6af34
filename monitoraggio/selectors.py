"""Reads of monitoring data: rollups of statuses, progress of indicators, the calendar."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Sum, prefetch_related_objects

from conoscenza.models import Livello
from conoscenza.selectors import osservazioni_caricate
from fondi.models import Traguardo
from programmazione.models import (
    Azione,
    Fondo,
    IndicatoreObiettivo,
    Obiettivo,
    Piano,
    Risorsa,
    StatoAttuazione,
    StatoPiano,
    Target,
    importo_nel_triennio,
)
from zona.lib.formato import numero

from .models import ConteggioDichiarato, Impegno, Misurazione, Valutazione

TOTALE = "TOTALE"
ORDINE_STATI = [s.value for s in StatoAttuazione]
ETICHETTE_STATI = dict(StatoAttuazione.choices)


def percentuale(parte, totale):
    """Share in per cent with one decimal, rounded half up (46 of 65 -> 70,8)."""
    if not totale:
        return None
    return (Decimal(parte) * 100 / Decimal(totale)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def area_di(obiettivo):
    """The area an objective is counted under: the plan's own macro-area, else the regional one."""
    if obiettivo.macroarea_id:
        return obiettivo.macroarea.titolo
    if obiettivo.area_policy_id:
        return str(obiettivo.area_policy)
    return "Azioni di sistema"


@dataclass
class RigaAttuazione:
    area: str
    stato: str
    numero: int
    percentuale: Decimal | None
    origine: str  # "obiettivi": counted by Zona; "dichiarato": the source's printed count

    @property
    def etichetta_stato(self):
        return ETICHETTE_STATI.get(self.stato, self.stato)


@dataclass
class Attuazione:
    piano: Piano
    righe: list = field(default_factory=list)  # per area and status, then TOTALE
    verifiche: list = field(default_factory=list)  # Italian sentences: where sources disagree

    def per_area(self):
        gruppi = defaultdict(list)
        for r in self.righe:
            gruppi[r.area].append(r)
        return list(gruppi.items())

    def totale(self):
        return [r for r in self.righe if r.area == TOTALE]


def _righe(area, conteggi, origine):
    totale = sum(conteggi.values())
    return [
        RigaAttuazione(area, stato, conteggi[stato], percentuale(conteggi[stato], totale), origine)
        for stato in ORDINE_STATI
        if conteggi.get(stato)
    ]


def _verifica_percentuali(dichiarati, righe, verifiche):
    calcolate = {(r.area, r.stato): r for r in righe}
    for d in dichiarati:
        r = calcolate.get((d.area, d.stato))
        if d.percentuale_stampata is not None and r is not None and r.percentuale != d.percentuale_stampata:
            verifiche.append(
                f"{d.area}, {ETICHETTE_STATI.get(d.stato, d.stato).lower()}: la fonte stampa "
                f"{numero(d.percentuale_stampata, None)}%, ma {r.numero} su "
                f"{sum(x.numero for x in righe if x.area == d.area)} "
                f"fa {numero(r.percentuale, None)}%."
            )


def attuazione(piano):
    """Counts and shares of objectives per status, per area and for the whole plan.

    At each level (area, plan) Zona counts the statuses recorded on the objectives; where some
    are missing and the source printed counts for that level, those counts are used instead
    (origine "dichiarato"), as the knowledge base uses Ambito data where Comuni have none.
    Every disagreement between listed objectives and printed counts becomes a `verifiche` line."""
    obiettivi = list(piano.obiettivi.select_related("macroarea", "area_policy"))
    dichiarati = list(ConteggioDichiarato.objects.filter(piano=piano).select_related("macroarea"))
    ris = Attuazione(piano)

    per_area = defaultdict(list)
    for o in obiettivi:
        per_area[area_di(o)].append(o)
    dichiarati_per_area = defaultdict(list)
    for d in dichiarati:
        if d.area != TOTALE:
            dichiarati_per_area[d.macroarea.titolo if d.macroarea_id else d.area].append(d)

    for area in list(per_area) + [a for a in dichiarati_per_area if a not in per_area]:
        elenco = per_area.get(area, [])
        noti = Counter(o.stato for o in elenco if o.stato)
        mancano = len(elenco) - sum(noti.values())
        propri = dichiarati_per_area.get(area, [])
        if elenco and not mancano:
            ris.righe += _righe(area, noti, "obiettivi")
            if propri and sum(d.numero for d in propri if d.stato) != len(elenco):
                ris.verifiche.append(
                    f"{area}: {len(elenco)} obiettivi in Zona, la fonte ne conta "
                    f"{sum(d.numero for d in propri if d.stato)}."
                )
            continue
        if propri:
            sotto_aree = defaultdict(Counter)
            for d in propri:
                if d.stato:
                    sotto_aree[d.area][d.stato] += d.numero
            for nome, conteggi in sotto_aree.items():
                ris.righe += _righe(nome, conteggi, "dichiarato")
            contati = sum(d.numero for d in propri if d.stato)
            if elenco and contati != len(elenco):
                ris.verifiche.append(
                    f"{area}: la fonte elenca {len(elenco)} progetti ma ne conta {contati} "
                    f"({', '.join(sorted(sotto_aree))})."
                )
        elif elenco:
            ris.verifiche.append(
                f"{area}: {mancano} obiettivi su {len(elenco)} senza stato rilevato e nessun conteggio della fonte."
            )

    tutti_noti = obiettivi and all(o.stato for o in obiettivi)
    tot_dichiarati = [d for d in dichiarati if d.area == TOTALE and d.stato]
    somma_aree = Counter()
    for r in ris.righe:
        somma_aree[r.stato] += r.numero
    if tutti_noti or not tot_dichiarati:
        conteggi, origine = (
            (Counter(o.stato for o in obiettivi), "obiettivi") if tutti_noti else (somma_aree, "dichiarato")
        )
    else:
        conteggi, origine = Counter({d.stato: d.numero for d in tot_dichiarati}), "dichiarato"
    ris.righe += _righe(TOTALE, conteggi, origine)

    if tot_dichiarati:
        totale_stampato = sum(d.numero for d in tot_dichiarati)
        if sum(somma_aree.values()) != totale_stampato:
            per_stato = sorted(somma_aree.items(), key=lambda x: ORDINE_STATI.index(x[0]))
            ris.verifiche.append(
                f"Le righe per area sommano a {sum(somma_aree.values())} "
                f"({', '.join(f'{n} {ETICHETTE_STATI[s].lower()}' for s, n in per_stato)}), "
                f"il totale stampato è {totale_stampato}."
            )
        if obiettivi and len(obiettivi) != totale_stampato:
            ris.verifiche.append(f"La fonte elenca {len(obiettivi)} progetti, il totale stampato è {totale_stampato}.")
    _verifica_percentuali(dichiarati, ris.righe, ris.verifiche)
    return ris


def attuazione_provinciale(anno_inizio, piani):
    """Per Ambito: the plan-level counts per status (from `attuazione`) for one triennio."""
    righe = []
    for piano in piani:
        if piano.anno_inizio != anno_inizio:
            continue
        tot = {r.stato: r for r in attuazione(piano).totale()}
        numero = sum(r.numero for r in tot.values())
        righe.append({"piano": piano, "per_stato": [tot.get(s) for s in ORDINE_STATI], "totale": numero})
    somma = Counter()
    for r in righe:
        for x in r["per_stato"]:
            if x:
                somma[x.stato] += x.numero
    totale = sum(somma.values())
    complessivo = [(s, somma[s], percentuale(somma[s], totale)) for s in ORDINE_STATI]
    return {"righe": righe, "stati": StatoAttuazione.choices, "complessivo": complessivo, "totale": totale}


# --- resources ---------------------------------------------------------------------------


def coincidenza_risorse(obiettivo):
    """Committed over allocated resources of an objective, in per cent (Tabella 2), or None."""
    stanziato = Risorsa.objects.filter(obiettivo=obiettivo).aggregate(t=Sum("importo"))["t"]
    impegnato = Impegno.objects.filter(obiettivo=obiettivo).aggregate(t=Sum("impegnato"))["t"]
    if not stanziato or impegnato is None:
        return None
    return percentuale(impegnato, stanziato)


def risorse_e_impegni(obiettivo):
    """Rows (anno, fondo label, stanziato, impegnato, liquidato) of an objective."""
    righe = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
    for r in Risorsa.objects.filter(obiettivo=obiettivo):
        righe[(r.anno, r.fondo)][0] += r.importo
    for i in Impegno.objects.filter(obiettivo=obiettivo):
        righe[(i.anno, i.fondo)][1] += i.impegnato
        righe[(i.anno, i.fondo)][2] += i.liquidato
    etichette = dict(Fondo.choices)
    return [(anno, etichette[fondo], *valori) for (anno, fondo), valori in sorted(righe.items())]


@dataclass
class ImpegniObiettivo:
    obiettivo: Obiettivo
    righe: list  # `risorse_e_impegni`
    coincidenza: Decimal | None


def impegni_del_piano(obiettivi):
    """Allocated, committed and paid resources of the objectives that have commitments."""
    elenco = []
    for o in obiettivi:
        righe = risorse_e_impegni(o)
        if any(imp or liq for *_, imp, liq in righe):
            elenco.append(ImpegniObiettivo(o, righe, coincidenza_risorse(o)))
    return elenco


# --- indicators --------------------------------------------------------------------------


def andamento(indicatore):
    """Baseline, targets and measurements of an indicator, in time order, for tables and charts."""
    misure = list(indicatore.misurazioni.select_related("inserita_da").order_by("anno", "semestre"))
    target = {t.anno: t.valore for t in indicatore.target.all()}
    return {
        "misure": misure,
        "target": target,
        "baseline": indicatore.baseline,
        "anno_baseline": indicatore.anno_baseline,
    }


def misurazioni_del_piano(piano):
    """{IndicatoreObiettivo pk: [Misurazione in time order]} of a plan."""
    misure = defaultdict(list)
    for m in Misurazione.objects.filter(indicatore__obiettivo__piano=piano).order_by("anno", "semestre"):
        misure[m.indicatore_id].append(m)
    return misure


# --- evaluation (Tabella 2) ----------------------------------------------------------------


@dataclass
class EsitoObiettivo:
    """An objective of a plan with its evaluation sheet (None if it has none)."""

    obiettivo: Obiettivo
    valutazione: Valutazione | None
    coincidenza_calcolata: Decimal | None  # from the resources, where the sheet gives none
    successivi: list  # the objectives of `successivo` that continue it


def esiti_del_piano(piano, successivo=None):
    """The objectives of `piano` (ordered as the plan lists them) with their evaluation."""
    obiettivi = (
        piano.obiettivi.select_related("macroarea", "area_policy", "valutazione")
        .prefetch_related("continuato_da__piano")
        .order_by("ordine", "codice")
    )
    esiti = []
    for o in obiettivi:
        v = getattr(o, "valutazione", None)
        calcolata = coincidenza_risorse(o) if v is not None and v.coincidenza_risorse is None else None
        successivi = [s for s in o.continuato_da.all() if successivo is not None and s.piano_id == successivo.pk]
        esiti.append(EsitoObiettivo(o, v, calcolata, successivi))
    return esiti


@dataclass
class Consistenza:
    """How much of a plan and its Ambito the information system holds (counts)."""

    indicatori: int
    indicatori_della_base: int  # measured from the knowledge base
    target: int
    misurazioni: int
    misurazioni_calcolate: int
    impegni: int
    valutazioni: int
    osservazioni: int  # base data stored at the Ambito level
    misure: int


def consistenza(piano):
    indicatori = IndicatoreObiettivo.objects.filter(obiettivo__piano=piano)
    misure = Misurazione.objects.filter(indicatore__obiettivo__piano=piano)
    osservazioni, con_dati = osservazioni_caricate(Livello.AMBITO, piano.ambito_id)
    return Consistenza(
        indicatori=indicatori.count(),
        indicatori_della_base=indicatori.filter(indicatore__isnull=False).count(),
        target=Target.objects.filter(indicatore__obiettivo__piano=piano).count(),
        misurazioni=misure.count(),
        misurazioni_calcolate=misure.filter(calcolata=True).count(),
        impegni=Impegno.objects.filter(obiettivo__piano=piano).count(),
        valutazioni=Valutazione.objects.filter(obiettivo__piano=piano).count(),
        osservazioni=osservazioni,
        misure=con_dati,
    )


# --- calendar ----------------------------------------------------------------------------


def semestre_di_riferimento(oggi):
    """The last semester ended by `oggi`: (anno, semestre)."""
    return (oggi.year, 1) if oggi.month > 6 else (oggi.year - 1, 2)


def semestre_della_relazione(piano, oggi):
    """The semester a monitoring report asked on `oggi` is about: the last one ended, within
    the plan's years in force (after the end of the plan or of its extension, its last semester)."""
    return min(max(semestre_di_riferimento(oggi), (piano.anno_inizio, 1)), (piano.anni_in_vigore[-1], 2))


def inizio_semestre(anno, semestre):
    return datetime.date(anno, 1 if semestre == 1 else 7, 1)


def semestri_dovuti(piano):
    """The semesters a plan must monitor: (anno, semestre, data di scadenza, proroga?).

    A semester is owed when it starts on or after the day the plan was approved (a plan approved
    on 15.12.2021 owes nothing for 2021: its first semester is the first of 2022) and on or before
    the end of the plan in force, its extension included. Without an approval date (a past plan
    known from its summary) every semester of the triennio is listed."""
    inizio = piano.approvato_il or piano.in_vigore_dal
    fine = piano.fine_vigenza
    elenco = []
    for anno in piano.anni_in_vigore:
        for semestre, scade in ((1, datetime.date(anno, 7, 31)), (2, datetime.date(anno + 1, 1, 31))):
            comincia = inizio_semestre(anno, semestre)
            if (inizio and comincia < inizio) or comincia > fine:
                continue
            elenco.append((anno, semestre, scade, anno > piano.anno_fine))
    return elenco


FATTO, IN_RITARDO, DA_FARE, NON_REGISTRATO = "fatto", "in ritardo", "da fare", "non registrato"


@dataclass
class Scadenza:
    piano: Piano
    data: datetime.date
    cosa: str
    esito: str
    dettaglio: str = ""


def scadenze(piano, oggi=None):
    """The deadlines of a plan: six-monthly checks (due by the end of the month after each
    semester), the evaluation of every objective (by 31 March after the triennio), and the
    deadlines of its actions; each done, late or still to do on `oggi`."""
    oggi = oggi or datetime.date.today()
    elenco = []
    if piano.stato == StatoPiano.BOZZA:
        return elenco
    # The revisions once: the extension, the end in force and the years in force below all
    # read them (nothing when a list of plans read them already: PianoQuerySet.con_revisioni).
    prefetch_related_objects([piano], "revisioni")
    # A closed plan can no longer be late: what is missing was simply never recorded.
    mancato = NON_REGISTRATO if piano.stato == StatoPiano.CHIUSO else IN_RITARDO
    # EXISTS, not a join + DISTINCT: sorting every column of 240 joined rows took 70 ms.
    con_indicatori = list(
        Obiettivo.objects.filter(piano=piano).filter(
            Exists(IndicatoreObiettivo.objects.filter(obiettivo=OuterRef("pk")))
        )
    )
    misurati = defaultdict(set)
    for anno, semestre, ob in Misurazione.objects.filter(indicatore__obiettivo__piano=piano).values_list(
        "anno", "semestre", "indicatore__obiettivo"
    ):
        misurati[(anno, semestre)].add(ob)
        if semestre is None:  # a yearly value covers both semesters
            misurati[(anno, 1)].add(ob)
            misurati[(anno, 2)].add(ob)
    proroga = piano.proroga()
    # In the extension only the objectives carried on are measured (none listed: all of them).
    prorogati = set(proroga.obiettivi_prorogati.values_list("pk", flat=True)) if proroga else set()
    for anno, semestre, scade, in_proroga in semestri_dovuti(piano):
        dovuti = [o for o in con_indicatori if not in_proroga or not prorogati or o.pk in prorogati]
        fatti = sum(1 for o in dovuti if o.pk in misurati[(anno, semestre)])
        esito = FATTO if dovuti and fatti == len(dovuti) else (mancato if scade < oggi else DA_FARE)
        elenco.append(
            Scadenza(
                piano,
                scade,
                f"Monitoraggio del {semestre}° semestre {anno}" + (" (proroga)" if in_proroga else ""),
                esito,
                f"{fatti} obiettivi misurati su {len(dovuti)} con indicatori",
            )
        )
    n = piano.obiettivi.count()
    valutati = piano.obiettivi.filter(valutazione__isnull=False).count()
    # The final evaluation follows the end of the plan in force, its extension included.
    scade = datetime.date(piano.fine_vigenza.year + 1, 3, 31)
    elenco.append(
        Scadenza(
            piano,
            scade,
            "Valutazione finale degli obiettivi (Tabella 2)",
            FATTO if n and valutati == n else (mancato if scade < oggi else DA_FARE),
            f"{valutati} schede su {n}",
        )
    )
    for a in Azione.objects.filter(obiettivo__piano=piano, scadenza__isnull=False).select_related("obiettivo"):
        esito = FATTO if a.completata_il else (mancato if a.scadenza < oggi else DA_FARE)
        dettaglio = f"completata il {a.completata_il:%d/%m/%Y}" if a.completata_il else ""
        elenco.append(Scadenza(piano, a.scadenza, f"{a.obiettivo.codice}: {a.titolo}", esito, dettaglio))
    # The milestones and targets of the Ambito's PNRR projects that fall in the plan's years.
    for t in Traguardo.objects.filter(
        progetto__ambito=piano.ambito_id, scadenza__year__gte=piano.anno_inizio, scadenza__lte=piano.fine_vigenza
    ).select_related("progetto"):
        esito = FATTO if t.raggiunto_il else (mancato if t.scadenza < oggi else DA_FARE)
        dettaglio = f"raggiunto il {t.raggiunto_il:%d/%m/%Y}" if t.raggiunto_il else ""
        cosa = f"PNRR {t.progetto.cup}, {t.get_tipo_display().lower()}: {t.descrizione}"
        elenco.append(Scadenza(piano, t.scadenza, cosa, esito, dettaglio))
    return sorted(elenco, key=lambda s: s.data)


# --- two trienni of the same Ambito ------------------------------------------------------


@dataclass
class AreaNeiTrienni:
    """One regional policy area (None: system actions) in the earlier and the later plan."""

    area: object
    obiettivi_prima: int
    obiettivi_dopo: int
    risorse_prima: Decimal  # budget per fund (Risorsa), every year
    risorse_dopo: Decimal
    preventivati_prima: Decimal  # the sheets' estimated amounts, converted to the triennio
    preventivati_dopo: Decimal


@dataclass
class ConfrontoTrienni:
    """A plan beside the Ambito's previous one: what continued (the predecessor link of each
    new objective), what was dropped, what is new, the resources per area, the status at the end."""

    precedente: Piano
    piano: Piano
    continuati: list  # (objective of the earlier plan, [objectives of the later plan continuing it])
    riproposti_senza_collegamento: list  # earlier objectives the evaluation says are re-proposed, not linked
    abbandonati: list  # earlier objectives not continued: not linked, and not re-proposed (or not evaluated)
    in_continuita_senza_precedente: list  # later objectives marked "in continuità" without a link
    nuovi: list  # later objectives neither linked nor marked "in continuità"
    aree: list  # AreaNeiTrienni
    stato_prima: list  # Attuazione.totale() of the earlier plan
    stato_dopo: list  # Attuazione.totale() of the later plan

    def _somma(self, campo):
        return sum((getattr(a, campo) for a in self.aree), 0)

    obiettivi_prima = property(lambda self: self._somma("obiettivi_prima"))
    obiettivi_dopo = property(lambda self: self._somma("obiettivi_dopo"))
    risorse_prima = property(lambda self: Decimal(self._somma("risorse_prima")))
    risorse_dopo = property(lambda self: Decimal(self._somma("risorse_dopo")))
    preventivati_prima = property(lambda self: Decimal(self._somma("preventivati_prima")))
    preventivati_dopo = property(lambda self: Decimal(self._somma("preventivati_dopo")))
    stati = StatoAttuazione.choices

    @property
    def righe_stato(self):
        """(triennio, [objectives per status in ORDINE_STATI], total) for the two plans."""
        righe = []
        for piano, totale in ((self.precedente, self.stato_prima), (self.piano, self.stato_dopo)):
            per_stato = {r.stato: r.numero for r in totale}
            righe.append((piano.triennio, [per_stato.get(s, 0) for s in ORDINE_STATI], sum(per_stato.values())))
        return righe


def confronto_trienni(piano, precedente):
    """`piano` beside `precedente` (an earlier plan of the same Ambito)."""
    prima = list(
        precedente.obiettivi.select_related("area_policy", "valutazione")
        .prefetch_related("risorse")
        .order_by("ordine", "codice")
    )
    dopo = list(
        piano.obiettivi.select_related("area_policy", "continua")
        .prefetch_related("risorse")
        .order_by("ordine", "codice")
    )
    successivi = defaultdict(list)
    for o in dopo:
        if o.continua_id:
            successivi[o.continua_id].append(o)
    continuati, riproposti, abbandonati = [], [], []
    for o in prima:
        if successivi.get(o.pk):
            continuati.append((o, successivi[o.pk]))
        elif getattr(o, "valutazione", None) is not None and o.valutazione.riproposto:
            riproposti.append(o)
        else:
            abbandonati.append(o)
    collegati = {o.pk for o in dopo if o.continua_id and o.continua.piano_id == precedente.pk}
    senza = [o for o in dopo if o.pk not in collegati]

    def per_area(obiettivi, anni):
        conti = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
        for o in obiettivi:
            c = conti[o.area_policy]
            c[0] += 1
            c[1] += sum((r.importo for r in o.risorse.all()), Decimal(0))
            c[2] += importo_nel_triennio(o.budget_stimato, o.periodo_budget, anni) or Decimal(0)
        return conti

    a_prima, a_dopo = per_area(prima, len(precedente.anni)), per_area(dopo, len(piano.anni))
    vuoto = [0, Decimal(0), Decimal(0)]
    aree = []
    for a in sorted(set(a_prima) | set(a_dopo), key=lambda a: a.codice if a else "~"):
        (n1, r1, p1), (n2, r2, p2) = a_prima.get(a, vuoto), a_dopo.get(a, vuoto)
        aree.append(AreaNeiTrienni(a, n1, n2, r1, r2, p1, p2))
    return ConfrontoTrienni(
        precedente=precedente,
        piano=piano,
        continuati=continuati,
        riproposti_senza_collegamento=riproposti,
        abbandonati=abbandonati,
        in_continuita_senza_precedente=[o for o in senza if o.continuita],
        nuovi=[o for o in senza if not o.continuita],
        aree=aree,
        stato_prima=attuazione(precedente).totale(),
        stato_dopo=attuazione(piano).totale(),
    )
