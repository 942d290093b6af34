"""Plans, objectives, indicators and budgets through the API, with the pages' permissions."""

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Schema
from ninja.errors import HttpError

from zona.lib.cache import memorizza
from zona.lib.ingressi import Anno, Codice, Importo, risposta_errore
from zona.lib.policies import PUBBLICO, RouterZona, policy_api

from . import selectors
from .models import Piano
from .permessi import PIANO_VISIBILE
from .popolazione import riparto_per_popolazione
from .riparto import DatiMancanti, RipartoNonValido

router = RouterZona(tags=["programmazione"])


class PianoBreve(Schema):
    id: int
    ambito: str
    triennio: str
    stato: str
    approvato_il: datetime.date | None


class TargetOut(Schema):
    anno: int
    valore: Decimal


class IndicatoreObiettivoOut(Schema):
    id: int
    tipo: str
    descrizione: str
    unita: str
    baseline: Decimal | None
    anno_baseline: int | None
    indicatore_conoscenza: str | None
    target: list[TargetOut]


class RisorsaOut(Schema):
    anno: int
    fondo: str
    importo: Decimal


class AzioneOut(Schema):
    titolo: str
    responsabile: str
    inizio: datetime.date | None
    scadenza: datetime.date | None
    completata_il: datetime.date | None
    stato: str


class ObiettivoOut(Schema):
    id: int
    codice: str
    titolo: str
    area_policy: str | None
    macroarea: str | None
    descrizione: str
    target: str
    budget_stimato: Decimal | None
    periodo_budget: str  # annuale, triennio, una_tantum; empty without an amount
    budget_stimato_triennio: Decimal | None
    aree_trasversali: list[str]
    integrazione_sociosanitaria: bool
    continuita: bool
    continua: int | None
    coprogettato: bool
    stato: str
    indicatori: list[IndicatoreObiettivoOut]
    risorse: list[RisorsaOut]
    azioni: list[AzioneOut]


class RigaBudget(Schema):
    fondo: str
    nome: str
    importi: list[Decimal]
    totale: Decimal


class PianoOut(PianoBreve):
    titolo: str
    delibera: str
    accordo_firmato_il: datetime.date | None
    in_vigore_dal: datetime.date | None
    chiuso_il: datetime.date | None
    numero_obiettivi: int
    anni: list[int]
    budget: list[RigaBudget]
    budget_totale: Decimal


class QuotaOut(Schema):
    ambito: str
    nome: str
    popolazione: int
    quota: Decimal


class RipartoOut(Schema):
    importo: Decimal
    anno_popolazione: int
    popolazione: int
    totale: Decimal
    fonti: list[str]
    quote: list[QuotaOut]


def _breve(p):
    return {"id": p.pk, "ambito": p.ambito_id, "triennio": p.triennio, "stato": p.stato, "approvato_il": p.approvato_il}


def _obiettivo(o):
    return {
        "id": o.pk,
        "codice": o.codice,
        "titolo": o.titolo,
        "area_policy": o.area_policy_id,
        "macroarea": o.macroarea.codice if o.macroarea else None,
        "descrizione": o.descrizione,
        "target": o.target,
        "budget_stimato": o.budget_stimato,
        "periodo_budget": o.periodo_budget,
        "budget_stimato_triennio": o.budget_nel_triennio(),
        "aree_trasversali": [a.codice for a in o.aree_trasversali.all()],
        "integrazione_sociosanitaria": o.integrazione_sociosanitaria,
        "continuita": o.continuita,
        "continua": o.continua_id,
        "coprogettato": o.coprogettato,
        "stato": o.stato,
        "indicatori": [
            {
                "id": i.pk,
                "tipo": i.tipo,
                "descrizione": i.descrizione,
                "unita": i.unita,
                "baseline": i.baseline,
                "anno_baseline": i.anno_baseline,
                "indicatore_conoscenza": i.indicatore.codice if i.indicatore else None,
                "target": [{"anno": t.anno, "valore": t.valore} for t in i.target.all()],
            }
            for i in o.indicatori.all()
        ],
        "risorse": [{"anno": r.anno, "fondo": r.fondo, "importo": r.importo} for r in o.risorse.all()],
        "azioni": [
            {
                "titolo": a.titolo,
                "responsabile": a.responsabile,
                "inizio": a.inizio,
                "scadenza": a.scadenza,
                "completata_il": a.completata_il,
                "stato": a.stato,
            }
            for a in o.azioni.all()
        ],
    }


@router.get("/piani", response=list[PianoBreve], auth=policy_api(read=PUBBLICO))
def piani(request, ambito: Codice | None = None, triennio: Anno | None = None):
    """The plans the caller may see (approved plans for everybody, drafts for their Ambito)."""
    qs = Piano.objects.visibili_a(request.user).select_related("ambito").order_by("ambito__nome", "anno_inizio")
    if ambito:
        qs = qs.filter(ambito=ambito)
    if triennio:
        qs = qs.filter(anno_inizio=triennio)
    return [_breve(p) for p in qs]


@router.get("/piani/{id:pk}", response=PianoOut, auth=policy_api(read=PIANO_VISIBILE))
def piano(request, pk: int):
    p = get_object_or_404(Piano.objects.visibili_a(request.user).select_related("ambito"), pk=pk)
    r = selectors.riepilogo_finanziario(p)
    return {
        **_breve(p),
        "titolo": p.titolo,
        "delibera": p.delibera,
        "accordo_firmato_il": p.accordo_firmato_il,
        "in_vigore_dal": p.in_vigore_dal,
        "chiuso_il": p.chiuso_il,
        "numero_obiettivi": p.obiettivi.count(),
        "anni": r.anni,
        "budget": [{"fondo": f, "nome": n, "importi": i, "totale": t} for f, n, i, t in r.righe],
        "budget_totale": r.totale,
    }


@router.get("/piani/{id:pk}/obiettivi", response=list[ObiettivoOut], auth=policy_api(read=PIANO_VISIBILE))
def obiettivi(request, pk: int):
    p = get_object_or_404(Piano.objects.visibili_a(request.user).select_related("ambito"), pk=pk)
    # Visibility is already decided: the list depends on the plan's data only.
    return memorizza(f"api-obiettivi:{p.pk}", lambda: [_obiettivo(o) for o in selectors.obiettivi_del_piano(p)])


@router.get("/obiettivi/{id:obiettivo}", response=ObiettivoOut, auth=policy_api(read=PIANO_VISIBILE))
def obiettivo(request, obiettivo: int):
    o = get_object_or_404(selectors.obiettivi_con_dettagli().visibili_a(request.user), pk=obiettivo)
    return _obiettivo(o)


@router.get(
    "/riparto",
    response=RipartoOut,
    auth=policy_api(read=PUBBLICO),
    openapi_extra={"responses": {404: risposta_errore("Ambito sconosciuto o popolazione dell'anno mancante.")}},
)
def riparto(request, importo: Importo, anno: Anno, ambiti: Query[list[Codice]] = None):
    """Split `importo` among the Ambiti (all, or those listed) by residents on 1 January of `anno`;
    the quotas add up exactly to the amount."""
    try:
        r = riparto_per_popolazione(importo, anno, ambiti or None)
    except DatiMancanti as e:
        raise HttpError(404, str(e)) from None
    except RipartoNonValido as e:
        raise HttpError(422, str(e)) from None
    return {
        "importo": r.importo,
        "anno_popolazione": r.anno,
        "popolazione": r.popolazione,
        "totale": r.totale,
        "fonti": [c.fonte for c in r.fonti],
        "quote": [
            {"ambito": x.ambito.pk, "nome": x.ambito.nome, "popolazione": x.popolazione, "quota": x.quota}
            for x in r.righe
        ],
    }
