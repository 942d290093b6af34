"""Reads of plans: the tables computed from objectives and budgets. What a user may see is
`Piano.objects.visibili_a(user)` / `Obiettivo.objects.visibili_a(user)` (rule in permessi.py)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum

from territorio.models import AmbitoDistretto

from .models import (
    AccordoDiProgramma,
    AreaPolicy,
    Fondo,
    IndicatoreObiettivo,
    Obiettivo,
    ObiettivoProvinciale,
    ObiettivoSovrazonale,
    Piano,
    Prologo,
    Risorsa,
    StatoPiano,
    importo_nel_triennio,
)


def piani():
    return Piano.objects.select_related("ambito")


def piani_del_triennio(anno_inizio):
    """The plans starting in `anno_inizio`, one per Ambito (for batches)."""
    return piani().filter(anno_inizio=anno_inizio).order_by("ambito__nome")


def piani_approvati_del_triennio(anno_inizio, user):
    """The approved plans (any state but draft) starting in `anno_inizio` that `user` may read,
    by Ambito (the coordination's batch of documents)."""
    return list(piani_del_triennio(anno_inizio).visibili_a(user).exclude(stato=StatoPiano.BOZZA))


def piano_precedente(piano):
    """The Ambito's plan before this one; drafts never became plans, so they do not count."""
    return (
        piani()
        .filter(ambito=piano.ambito_id, anno_inizio__lt=piano.anno_inizio)
        .exclude(stato=StatoPiano.BOZZA)
        .order_by("-anno_inizio")
        .first()
    )


def chiavi_piani_visibili(user, anno_inizio):
    """The keys of the plans of a triennio `user` may read, in order (for cache keys)."""
    return list(
        Piano.objects.visibili_a(user).filter(anno_inizio=anno_inizio).order_by("pk").values_list("pk", flat=True)
    )


def obiettivi_con_dettagli():
    return (
        Obiettivo.objects.select_related("piano", "area_policy", "macroarea", "continua__piano")
        .prefetch_related(
            "aree_trasversali",
            "leps",
            "obiettivi_provinciali",
            Prefetch("indicatori", IndicatoreObiettivo.objects.prefetch_related("target").select_related("indicatore")),
            "risorse",
            "azioni",
        )
        .order_by("ordine", "codice")
    )


def obiettivi_in_elenco(piano):
    """The plan's objectives for a list of titles: without the sheets' details, whose prefetch
    costs more than the page."""
    return list(
        Obiettivo.objects.filter(piano=piano)
        .select_related("area_policy", "continua__piano")
        .order_by("ordine", "codice")
    )


def obiettivi_del_piano(piano):
    return obiettivi_con_dettagli().filter(piano=piano)


@dataclass
class IndicatoreConTarget:
    indicatore: IndicatoreObiettivo
    target: dict  # anno -> expected value


@dataclass
class SchedaObiettivo:
    """An objective with everything its Tabella 3 sheet prints, as lists."""

    obiettivo: Obiettivo
    aree_trasversali: list
    leps: list
    provinciali: list  # ObiettivoProvinciale
    indicatori: list  # IndicatoreConTarget
    azioni: list
    risorse: list


def schede_del_piano(piano):
    return [
        SchedaObiettivo(
            obiettivo=o,
            aree_trasversali=list(o.aree_trasversali.all()),
            leps=list(o.leps.all()),
            provinciali=list(o.obiettivi_provinciali.all()),
            indicatori=[IndicatoreConTarget(i, {t.anno: t.valore for t in i.target.all()}) for i in o.indicatori.all()],
            azioni=list(o.azioni.all()),
            risorse=list(o.risorse.all()),
        )
        for o in obiettivi_del_piano(piano)
    ]


@dataclass
class Accordo:
    accordo: AccordoDiProgramma
    sottoscrittori: list


def enti_sanitari_del_piano(piano):
    """(ATS, ASST) of the plan's territory: the agencies of the Distretti its Ambito belonged to
    during the plan's years (the rule of permessi.nel_territorio_sanitario), by name. Only these
    can share the responsibility of its socio-health objectives."""
    from territorio.models import ASST, ATS

    appartenenze = AmbitoDistretto.objects.filter(ambito_id=piano.ambito_id, dal__year__lte=piano.anno_fine).exclude(
        al__year__lt=piano.anno_inizio
    )
    asst = ASST.objects.filter(pk__in=appartenenze.values("distretto__asst_id")).order_by("nome")
    ats = ATS.objects.filter(pk__in=appartenenze.values("distretto__asst__ats_id")).order_by("nome")
    return list(ats), list(asst)


def accordo_di(piano):
    """The plan's accordo di programma with its signatories, or None."""
    accordo = getattr(piano, "accordo", None)
    if accordo is None:
        return None
    return Accordo(accordo, list(accordo.sottoscrittori.select_related("comune")))


@dataclass
class SovrazonaleDelPiano:
    sovrazonale: ObiettivoSovrazonale
    ambiti: list
    obiettivi: list  # the plan's own objectives linked to it


def sovrazonali_del_piano(piano):
    elenco = (
        ObiettivoSovrazonale.objects.filter(obiettivi__piano=piano).prefetch_related("ambiti", "obiettivi").distinct()
    )
    return [
        SovrazonaleDelPiano(s, list(s.ambiti.all()), [o for o in s.obiettivi.all() if o.piano_id == piano.pk])
        for s in elenco
    ]


@dataclass
class PrologoDelTriennio:
    prologo: Prologo
    obiettivi: list  # ObiettivoProvinciale
    collegati: dict  # ObiettivoProvinciale pk -> [(Ambito name, objective code)] of `piani`


def prologo_del_triennio(anno_inizio, piani):
    """The provincial Prologo of the triennio, with the objectives of `piani` linked to each of
    its objectives; None when there is none."""
    prologo = Prologo.objects.filter(anno_inizio=anno_inizio).first()
    if prologo is None:
        return None
    collegati = defaultdict(list)
    for op_id, codice, ambito in ObiettivoProvinciale.objects.filter(
        prologo=prologo, obiettivi_di_piano__piano__in=piani
    ).values_list("pk", "obiettivi_di_piano__codice", "obiettivi_di_piano__piano__ambito__nome"):
        collegati[op_id].append((ambito, codice))
    return PrologoDelTriennio(prologo, list(prologo.obiettivi.all()), dict(collegati))


@dataclass
class Riepilogo:
    """Budget of a plan: amount per fund and year, with row and column totals."""

    anni: list
    righe: list = field(default_factory=list)  # (fondo code, label, [amount per year], total)
    totali_anno: list = field(default_factory=list)
    totale: Decimal = Decimal("0.00")


CENTESIMO = Decimal("0.01")
ZERO = Decimal("0.00")


def riepilogo_finanziario(piano):
    somme = Risorsa.objects.filter(obiettivo__piano=piano).values("fondo", "anno").annotate(totale=Sum("importo"))
    per_fondo = defaultdict(dict)
    for s in somme:
        # Same scale whatever the database returns for a sum.
        per_fondo[s["fondo"]][s["anno"]] = Decimal(s["totale"]).quantize(CENTESIMO)
    anni = sorted(set(piano.anni) | {a for f in per_fondo.values() for a in f})
    r = Riepilogo(anni=anni)
    for fondo in Fondo:
        if fondo.value not in per_fondo:
            continue
        importi = [per_fondo[fondo.value].get(a, ZERO) for a in anni]
        r.righe.append((fondo.value, fondo.label, importi, sum(importi, ZERO)))
    r.totali_anno = [sum((riga[2][i] for riga in r.righe), ZERO) for i in range(len(anni))]
    r.totale = sum(r.totali_anno, ZERO)
    return r


@dataclass
class ImportoPreventivato:
    obiettivo: Obiettivo
    periodo: str  # PeriodoImporto value
    importo: Decimal
    importo_triennio: Decimal
    fondi: list  # Fondo values of the objective's resources, if any were entered


@dataclass
class Preventivati:
    """The estimated amounts of the Tabella 3 sheets, each with its period, and their total in
    terms of the plan's whole triennio (never a sum of annual and three-year figures)."""

    anni: int
    righe: list
    totale_triennio: Decimal


def importi_preventivati(piano, obiettivi=None):
    """`obiettivi`: the plan's objectives already read, if any."""
    if obiettivi is None:
        obiettivi = obiettivi_in_elenco(piano)
    fondi = {}
    for obiettivo, fondo in (
        Risorsa.objects.filter(obiettivo__in=[o.pk for o in obiettivi]).values_list("obiettivo", "fondo").distinct()
    ):
        fondi.setdefault(obiettivo, set()).add(fondo)
    anni = len(piano.anni)
    righe = [
        ImportoPreventivato(
            obiettivo=o,
            periodo=o.periodo_budget,
            importo=o.budget_stimato,
            importo_triennio=importo_nel_triennio(o.budget_stimato, o.periodo_budget, anni),
            fondi=sorted(fondi.get(o.pk, ())),
        )
        for o in obiettivi
        if o.budget_stimato is not None
    ]
    return Preventivati(anni=anni, righe=righe, totale_triennio=sum((r.importo_triennio for r in righe), ZERO))


def sinottica(piano):
    """Rows of the synoptic table: macro-area of the Ambito, regional areas, objectives."""
    obiettivi = list(piano.obiettivi.select_related("area_policy", "macroarea").prefetch_related("aree_trasversali"))
    righe = []
    for macro in piano.macroaree.prefetch_related("aree_policy"):
        dentro = [o for o in obiettivi if o.macroarea_id == macro.pk]
        righe.append({"macroarea": macro, "aree": list(macro.aree_policy.all()), "obiettivi": dentro})
    senza = [o for o in obiettivi if o.macroarea_id is None]
    if senza:
        righe.append(
            {
                "macroarea": None,
                "aree": sorted({o.area_policy for o in senza if o.area_policy}, key=lambda a: a.codice),
                "obiettivi": senza,
            }
        )
    return righe


def matrice_aree(piano):
    """Objectives per regional area (main area and cross-cutting ones), for the A-J grid."""
    aree = list(AreaPolicy.objects.all())
    principali = defaultdict(list)
    trasversali = defaultdict(list)
    for o in piano.obiettivi.select_related("area_policy").prefetch_related("aree_trasversali"):
        principali[o.area_policy_id].append(o)
        for a in o.aree_trasversali.all():
            trasversali[a.pk].append(o)
    return [(a, principali[a.pk], trasversali[a.pk]) for a in aree]


def confronto_piani(anno_inizio, user):
    """Per Ambito: objectives per regional area and budget per fund, for one triennio."""
    piani = list(
        Piano.objects.visibili_a(user).select_related("ambito").filter(anno_inizio=anno_inizio).order_by("ambito__nome")
    )
    ids = [p.pk for p in piani]
    per_area = defaultdict(dict)
    for r in Obiettivo.objects.filter(piano__in=ids).values("piano", "area_policy").annotate(n=Count("pk")):
        per_area[r["piano"]][r["area_policy"]] = r["n"]
    per_fondo = defaultdict(dict)
    for r in (
        Risorsa.objects.filter(obiettivo__piano__in=ids).values("obiettivo__piano", "fondo").annotate(t=Sum("importo"))
    ):
        per_fondo[r["obiettivo__piano"]][r["fondo"]] = Decimal(r["t"]).quantize(CENTESIMO)
    aree = list(AreaPolicy.objects.all())
    fondi = list(Fondo)
    righe = []
    for p in piani:
        conteggi = [per_area[p.pk].get(a.pk, 0) for a in aree]
        # System actions (no area A-J, e.g. writing the next plan) are objectives too: each
        # objective counts once in the total, whatever its area.
        sistema = per_area[p.pk].get(None, 0)
        importi = [per_fondo[p.pk].get(f.value, ZERO) for f in fondi]
        righe.append(
            {
                "piano": p,
                "per_area": conteggi,
                "sistema": sistema,
                "obiettivi": sum(conteggi) + sistema,
                "per_fondo": importi,
                "budget": sum(importi, ZERO),
            }
        )
    return {"aree": aree, "fondi": fondi, "righe": righe}


def trienni_disponibili(user=None):
    """The trienni with a plan (that `user` may see, when given), latest first."""
    piani = Piano.objects.all() if user is None else Piano.objects.visibili_a(user)
    return sorted(set(piani.values_list("anno_inizio", "anno_fine")), reverse=True)


# --- obiettivi sovrazonali e criterio premiale ------------------------------------------------

QUOTA_PER_OBIETTIVO = Decimal("20000.00")  # for each of the first two shared objectives
OBIETTIVI_MINIMI = 2
QUOTA_OLTRE_DUE = Decimal("50000.00")  # one single extra quota when more than two
ACCONTO = Decimal("0.20")  # advance after the proposals are assessed; the rest on reporting


@dataclass
class EsitoSovrazonale:
    obiettivo: ObiettivoSovrazonale
    ambiti: list
    valido: bool
    motivi: list  # why it does not qualify (Italian), empty when it does


@dataclass
class PremioAmbito:
    ambito: object
    obiettivi: list
    importo: Decimal
    acconto: Decimal
    saldo: Decimal
    nota: str


def premialita(anno_inizio):
    """Which shared objectives of a triennio meet the regional reward conditions, and what each
    Ambito receives (DGR guidelines 2021-2023: two Ambiti of the same Distretto at least, with the
    ASST and ATS coordination; Ambiti that coincide with their Distretto are exempt from the
    same-Distretto condition; 20.000 € for each of the first two objectives, a single 50.000 €
    for more than two; 20 % advance, 80 % balance)."""
    giorno = datetime.date(anno_inizio, 1, 1)
    distretto = dict(AmbitoDistretto.objects.valid_on(giorno).values_list("ambito", "distretto"))
    ambiti_per_distretto = defaultdict(int)
    for d in distretto.values():
        ambiti_per_distretto[d] += 1

    esiti = []
    for ob in ObiettivoSovrazonale.objects.filter(anno_inizio=anno_inizio).prefetch_related("ambiti"):
        ambiti = list(ob.ambiti.all())
        motivi = []
        if len(ambiti) < 2:
            motivi.append("coinvolge meno di due Ambiti")
        # The map of the triennio's first day (territorio: the Distretti change over time). An
        # Ambito without a Distretto on that day cannot be judged: said, not exempted.
        senza = [a.nome for a in ambiti if a.pk not in distretto]
        if senza:
            motivi.append(f"Distretto non registrato al {giorno:%d/%m/%Y} per: {', '.join(senza)}")
        vincolati = [a for a in ambiti if a.pk in distretto and ambiti_per_distretto[distretto[a.pk]] > 1]
        if len({distretto[a.pk] for a in vincolati}) > 1:
            motivi.append("gli Ambiti appartengono a Distretti diversi")
        if not ob.asst_coinvolta:
            motivi.append("l'ASST di riferimento non è coinvolta")
        if not ob.coordinamento_ats:
            motivi.append("manca il coordinamento dell'ATS")
        esiti.append(EsitoSovrazonale(ob, ambiti, not motivi, motivi))

    per_ambito = defaultdict(list)
    for e in esiti:
        if e.valido:
            for a in e.ambiti:
                per_ambito[a].append(e.obiettivo)
    premi = []
    for ambito, obiettivi in sorted(per_ambito.items(), key=lambda x: x[0].nome):
        n = len(obiettivi)
        if n < OBIETTIVI_MINIMI:
            importo, nota = Decimal(0), f"servono almeno {OBIETTIVI_MINIMI} obiettivi sovrazonali validi"
        elif n == OBIETTIVI_MINIMI:
            importo, nota = QUOTA_PER_OBIETTIVO * OBIETTIVI_MINIMI, ""
        else:
            importo, nota = (
                QUOTA_PER_OBIETTIVO * OBIETTIVI_MINIMI + QUOTA_OLTRE_DUE,
                "quota unica per gli obiettivi oltre il secondo",
            )
        acconto = (importo * ACCONTO).quantize(Decimal("0.01"))
        premi.append(PremioAmbito(ambito, obiettivi, importo, acconto, importo - acconto, nota))
    return esiti, premi
