"""Downloads of the documents: thin views over documenti.services.

The format is a query parameter (`?formato=pdf|docx`, PDF by default), so that the routes
have only the plan as URL argument."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from programmazione.permessi import PIANO_VISIBILE
from programmazione.selectors import piani
from zona.lib import valori
from zona.lib.ingressi import ParametroNonValido, parametro
from zona.lib.policies import PUBBLICO, policy

from . import services


def scarica(file):
    risposta = HttpResponse(file.contenuto, content_type=file.content_type)
    risposta["Content-Disposition"] = f'attachment; filename="{file.nome}"'
    return risposta


def _formato(request):
    formato = request.GET.get("formato", "pdf")
    if formato not in services.FORMATI:
        raise Http404("Formato non disponibile: pdf o docx.")
    return formato


@policy(read=PIANO_VISIBILE)
def documento_piano(request, pk):
    piano = get_object_or_404(piani().visibili_a(request.user), pk=pk)
    return scarica(services.genera(piano, _formato(request)))


@policy(read=PIANO_VISIBILE)
def relazione_monitoraggio(request, pk):
    piano = get_object_or_404(piani().visibili_a(request.user), pk=pk)
    return scarica(services.genera(piano, _formato(request), tipo="monitoraggio"))


@policy(read=PUBBLICO)
def relazione_provinciale(request):
    """Everybody may download it: it counts only the plans the user may read."""
    try:
        anno = parametro(request, "anno", valori.anno) or services.anno_predefinito()
    except ParametroNonValido as e:
        raise Http404(str(e)) from None
    if anno not in services.ANNI:
        raise Http404("Anno fuori dall'intervallo dei Piani di Zona.")
    return scarica(services.genera_provinciale(anno, request.user, _formato(request)))
