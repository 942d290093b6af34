"""Downloads of the documents: thin views over documenti.services.

The format is a query parameter (`?formato=pdf|docx`, PDF by default), so that the routes
have only the plan as URL argument. A GET composes the document in the request (the API, the
public, scripts); the plan's page instead POSTs the format (signed-in users): a document ready
for the current data is served at once, any other is composed by a background job and the
user is sent to the job's page. The provincial page POSTs a batch for the coordination: the
documents of every approved plan of a triennio in one ZIP, as a job."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from lavori.services import url_lavoro
from programmazione.permessi import PIANO_VISIBILE, piano_da_url
from programmazione.selectors import piani
from zona.lib import valori
from zona.lib.ingressi import ParametroNonValido, parametro
from zona.lib.policies import COORDINAMENTO, PUBBLICO, Regola, policy

from . import background, services


def scarica(file):
    risposta = HttpResponse(file.contenuto, content_type=file.content_type)
    risposta["Content-Disposition"] = f'attachment; filename="{file.nome}"'
    return risposta


def _formato(request):
    formato = request.GET.get("formato", "pdf")
    if formato not in services.FORMATI:
        raise Http404("Formato non disponibile: pdf o docx.")
    return formato


# A job has an owner who follows it on its page: signed-in users only.
DOCUMENTO_IN_LAVORO = Regola(
    "chi ha eseguito l'accesso e legge il piano", lambda user, kwargs: piano_da_url(user, kwargs) is not None
)


@policy(read=PIANO_VISIBILE, write=DOCUMENTO_IN_LAVORO)
def documento_piano(request, pk):
    return _documento(request, pk, "piano")


@policy(read=PIANO_VISIBILE, write=DOCUMENTO_IN_LAVORO)
def relazione_monitoraggio(request, pk):
    return _documento(request, pk, "monitoraggio")


def _documento(request, pk, tipo):
    piano = get_object_or_404(piani().visibili_a(request.user), pk=pk)
    if request.method != "POST":
        return scarica(services.genera(piano, _formato(request), tipo=tipo))
    formato = request.POST.get("formato")
    if formato not in services.FORMATI:
        messages.error(request, "Formato del documento non disponibile: scegliere PDF o DOCX.")
        return redirect("programmazione:piano", pk=piano.pk)
    pronto = services.pronto(piano, formato, tipo)
    if pronto is not None:  # the data have not changed since it was made
        return scarica(pronto)
    return redirect(url_lavoro(background.accoda_documento(request.user, piano, formato, tipo)))


@policy(read=PUBBLICO, write=COORDINAMENTO)
def relazione_provinciale(request):
    """Everybody may download it: it counts only the plans the user may read. A POST (the
    coordination) queues the batch of the triennio's approved plans."""
    if request.method == "POST":
        return _raccolta(request)
    try:
        anno = parametro(request, "anno", valori.anno) or services.anno_predefinito()
    except ParametroNonValido as e:
        raise Http404(str(e)) from None
    if anno not in services.ANNI:
        raise Http404("Anno fuori dall'intervallo dei Piani di Zona.")
    return scarica(services.genera_provinciale(anno, request.user, _formato(request)))


def _raccolta(request):
    try:
        anno = valori.anno(request.POST.get("anno", ""))
    except valori.ValoreNonValido:
        anno = None
    formato = request.POST.get("formato")
    if anno not in services.ANNI or formato not in services.FORMATI:
        messages.error(request, "Indicare il triennio e il formato (PDF o DOCX) dei documenti da raccogliere.")
        return redirect("monitoraggio:provincia")
    if not background.piani_approvati(request.user, anno):
        messages.error(request, f"Nessun Piano di Zona approvato che inizi nel {anno}.")
        return redirect("monitoraggio:provincia")
    return redirect(url_lavoro(background.accoda_raccolta(request.user, anno, formato)))
