"""The demand through the API: the nomenclature, and an Ambito's aggregates, always
suppressed (the API is an output that leaves the restricted roles: no unsuppressed mode)."""

from django.shortcuts import get_object_or_404
from ninja import Schema
from ninja.errors import HttpError

from territorio.models import Ambito
from zona.lib import valori
from zona.lib.ingressi import Codice, intero_api
from zona.lib.policies import PUBBLICO, RouterZona, policy_api

from . import selectors, services

router = RouterZona(tags=["domanda"])

AnnoDomanda = intero_api(1990, 2100)


class InterventoOut(Schema):
    codice: str
    descrizione: str
    macroarea: str
    unita: str


class DomandaOut(Schema):
    """Counts as text: a number, "<5" (1-4 users) or "n.d." (hidden so that a small cell cannot
    be computed from a total)."""

    ambito: str
    anno: int
    area_utenza: str
    codice_intervento: str
    utenti: str
    interventi: str
    spesa: str


@router.get("/domanda/nomenclatore", response=list[InterventoOut], auth=policy_api(read=PUBBLICO))
def nomenclatore(request):
    return [
        {"codice": i.codice, "descrizione": i.descrizione, "macroarea": i.macroarea, "unita": i.unita}
        for i in selectors.nomenclatore()
    ]


@router.get("/ambiti/{codice}/domanda", response=list[DomandaOut], auth=policy_api(read=PUBBLICO))
def domanda_ambito(request, codice: Codice, anno: AnnoDomanda):
    """Users (distinct persons), interventions and spending of the Ambito's residents in `anno`
    by area and intervention (codice_intervento "" = the whole area; area TOTALE), suppressed."""
    try:
        ambito = get_object_or_404(Ambito, pk=valori.codice(codice, campo="ambito"))
    except valori.ValoreNonValido:
        raise HttpError(404, "Ambito non trovato.") from None
    righe = services.righe_territorio("ambito", anno, ambito.pk)
    return [
        {
            "ambito": ambito.pk,
            "anno": anno,
            "area_utenza": a.area,
            "codice_intervento": a.intervento,
            "utenti": str(u),
            "interventi": str(i),
            "spesa": str(s),
        }
        for a, u, i, s in righe
    ]
