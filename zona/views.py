from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from zona.lib.policies import PUBBLICO, policy

from . import salute as servizio_salute


@never_cache
@policy(read=PUBBLICO)
def salute(request):
    """For the load balancer and monitoring: 200 when Zona can serve, 503 otherwise."""
    controlli, sano = servizio_salute.stato()
    return JsonResponse({"stato": "ok" if sano else "non disponibile", **controlli}, status=200 if sano else 503)


@policy(read=PUBBLICO)
def accessibilita(request):
    """AgID's accessibility statement (Legge 4/2004): the state of compliance as the project's
    own tests measure it."""
    return render(request, "accessibilita.html", {"ente": settings.ZONA_DATI_APERTI})
