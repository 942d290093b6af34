"""The user's jobs: the list, a job's page (reloaded by lavori.js while it runs), its result."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from zona.lib.policies import AUTENTICATO, policy

from . import selectors
from .models import Lavoro
from .permessi import LAVORO_VISIBILE


@policy(read=AUTENTICATO)
def elenco(request):
    return render(request, "lavori/elenco.html", {"lavori": selectors.elenco(request.user)})


@policy(read=LAVORO_VISIBILE)
def lavoro(request, lavoro):
    return render(request, "lavori/lavoro.html", {"lavoro": selectors.lavoro(request.user, lavoro)})


@policy(read=LAVORO_VISIBILE)
def risultato(request, lavoro):
    voce = selectors.risultato(request.user, lavoro)
    if voce.stato != Lavoro.COMPLETATO or voce.risultato is None:
        raise Http404("Il lavoro non ha prodotto un file.")
    risposta = HttpResponse(bytes(voce.risultato), content_type=voce.risultato_tipo)
    risposta["Content-Disposition"] = f'attachment; filename="{voce.risultato_nome}"'
    return risposta
