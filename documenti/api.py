"""The documents through the API: the endpoint answers with the file itself."""

from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Query

from programmazione.permessi import PIANO_VISIBILE
from programmazione.selectors import piani
from zona.lib.policies import PUBBLICO, RouterZona, policy_api

from . import services
from .views import scarica

router = RouterZona(tags=["documenti"])

Formato = Literal["pdf", "docx"]
# The OpenAPI description of a file answer: ninja has no schema for it.
RISPOSTA_FILE = {
    "responses": {
        200: {
            "description": "Il documento (PDF o DOCX, secondo `formato`), come allegato.",
            "content": {ct: {"schema": {"type": "string", "format": "binary"}} for ct in services.FORMATI.values()},
        }
    }
}


@router.get("/piani/{id:pk}/documento", openapi_extra=RISPOSTA_FILE, auth=policy_api(read=PIANO_VISIBILE))
def documento_piano(request, pk: int, formato: Formato = "pdf"):
    """The Piano di Zona document of a plan, generated from the data (drafts: only for the
    Ambito and the provincial coordination)."""
    piano = get_object_or_404(piani().visibili_a(request.user), pk=pk)
    return scarica(services.genera(piano, formato))


@router.get("/piani/{id:pk}/relazione-monitoraggio", openapi_extra=RISPOSTA_FILE, auth=policy_api(read=PIANO_VISIBILE))
def relazione_monitoraggio(request, pk: int, formato: Formato = "pdf"):
    """The six-monthly monitoring report of a plan."""
    piano = get_object_or_404(piani().visibili_a(request.user), pk=pk)
    return scarica(services.genera(piano, formato, tipo="monitoraggio"))


@router.get("/relazione-provinciale", openapi_extra=RISPOSTA_FILE, auth=policy_api(read=PUBBLICO))
def relazione_provinciale(
    request, anno: int = Query(..., ge=services.ANNI.start, le=services.ANNI.stop - 1), formato: Formato = "pdf"
):
    """The provincial report of the plans starting in `anno` (only the plans the caller may read)."""
    return scarica(services.genera_provinciale(anno, request.user, formato))
