"""The co-programming of a plan and the registry of organisations through the API, with the
pages' permissions (no personal data: the API serves organisations, not people)."""

from django.shortcuts import get_object_or_404
from ninja import Schema

from programmazione.models import Piano
from programmazione.permessi import PIANO_VISIBILE
from zona.lib.policies import PUBBLICO, RouterZona, policy_api

from . import selectors
from .models import Organizzazione

router = RouterZona(tags=["coprogrammazione"])


class OrganizzazioneOut(Schema):
    id: int
    nome: str
    tipo: str
    codice_fiscale: str
    forma_giuridica: str
    runts_numero: str
    runts_sezione: str
    sede: str | None


class TavoloOut(Schema):
    id: int
    tavolo: str
    area: str | None
    incontri: int
    partecipanti_enti: int
    proposte: int
    obiettivi_collegati: list[str]


@router.get("/organizzazioni", response=list[OrganizzazioneOut], auth=policy_api(read=PUBBLICO))
def organizzazioni(request):
    return [
        {
            "id": o.pk,
            "nome": o.nome,
            "tipo": o.tipo,
            "codice_fiscale": o.codice_fiscale,
            "forma_giuridica": o.forma_giuridica,
            "runts_numero": o.runts_numero,
            "runts_sezione": o.runts_sezione,
            "sede": o.sede_comune_id,
        }
        for o in Organizzazione.objects.order_by("nome")[:5000]
    ]


@router.get("/piani/{id:pk}/tavoli", response=list[TavoloOut], auth=policy_api(read=PIANO_VISIBILE))
def tavoli(request, pk: int):
    """The tables of a plan with the figures of `export_coprogrammazione`."""
    p = get_object_or_404(Piano.objects.visibili_a(request.user), pk=pk)
    return [
        {
            "id": r.tavolo.pk,
            "tavolo": r.tavolo.titolo,
            "area": r.tavolo.area.titolo if r.tavolo.area else None,
            "incontri": r.incontri,
            "partecipanti_enti": r.organizzazioni,
            "proposte": r.esiti,
            "obiettivi_collegati": r.obiettivi,
        }
        for r in selectors.riepilogo_tavoli(p)
    ]
