"""Monitoring through the API: the status rollup of a plan and the measurements of an objective."""

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Schema

from programmazione import selectors as piani
from programmazione.models import Piano
from programmazione.permessi import PIANO_VISIBILE
from zona.lib.policies import RouterZona, policy_api

from . import selectors

router = RouterZona(tags=["monitoraggio"])


class RigaAttuazioneOut(Schema):
    area: str
    stato: str
    numero: int
    percentuale: Decimal | None
    origine: str


class AttuazioneOut(Schema):
    piano: int
    righe: list[RigaAttuazioneOut]
    verifiche: list[str]


class MisurazioneOut(Schema):
    indicatore: int
    descrizione: str
    anno: int
    semestre: int | None
    data: datetime.date
    valore: Decimal
    calcolata: bool
    fonte: str


@router.get("/piani/{id:pk}/attuazione", response=AttuazioneOut, auth=policy_api(read=PIANO_VISIBILE))
def attuazione(request, pk: int):
    """Objectives per status, per area and in total (percentages with one decimal)."""
    piano = get_object_or_404(Piano.objects.visibili_a(request.user), pk=pk)
    a = selectors.attuazione(piano)
    return {"piano": piano.pk, "righe": [r.__dict__ for r in a.righe], "verifiche": a.verifiche}


@router.get(
    "/obiettivi/{id:obiettivo}/misurazioni", response=list[MisurazioneOut], auth=policy_api(read=PIANO_VISIBILE)
)
def misurazioni(request, obiettivo: int):
    ob = get_object_or_404(piani.obiettivi_con_dettagli().visibili_a(request.user), pk=obiettivo)
    return [
        {
            "indicatore": i.pk,
            "descrizione": i.descrizione,
            "anno": m.anno,
            "semestre": m.semestre,
            "data": m.data,
            "valore": m.valore,
            "calcolata": m.calcolata,
            "fonte": m.fonte,
        }
        for i in ob.indicatori.all()
        for m in i.misurazioni.order_by("anno", "semestre")
    ]
