"""Pages of the social demand: thin over selectors (aggregates) and services (suppression, log)."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from territorio.models import Ambito
from zona.lib import formato, valori
from zona.lib.downloads import scarica_tabella
from zona.lib.ingressi import ParametroNonValido, parametro, scelta
from zona.lib.policies import COORDINAMENTO, PUBBLICO, policy
from zona.lib.tabular import FileRifiutato

from . import importa, permessi, selectors, services
from .forms import CaricaEstrattoForm
from .permessi import CARICA_ESTRATTI

MESI = ["gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"]


def _anno(request):
    anni = selectors.anni_disponibili()
    predefinito = anni[0] if anni else datetime.date.today().year - 1
    return parametro(request, "anno", valori.anno, predefinito, minimo=1990, massimo=2100), anni


def _cifra(v, decimali=0):
    return v if isinstance(v, str) else formato.numero(v, decimali)


@policy(read=PUBBLICO)
def provincia(request):
    try:
        anno, anni = _anno(request)
    except ParametroNonValido as e:
        return e.risposta()
    nomi = selectors.nomi("ambito")
    righe = [
        (a.codice_territorio, nomi.get(a.codice_territorio, a.codice_territorio), _cifra(u), _cifra(i), _cifra(s, 2))
        for a, u, i, s in services.righe("ambito", anno)
        if a.area == selectors.TOTALE
    ]
    return render(
        request,
        "domanda/provincia.html",
        {
            "anno": anno,
            "anni": anni,
            "righe": righe,
            "aree": selectors.aree(),
            "nomenclatore": selectors.nomenclatore(),
            "puo_caricare": permessi.puo_caricare(request.user),
            "coordinamento": permessi.puo_vedere_non_oscurati(request.user, None),
        },
    )


@policy(read=PUBBLICO)
def ambito(request, codice):
    ambito = get_object_or_404(Ambito, pk=codice)
    try:
        anno, anni = _anno(request)
        formato_file = scelta(request, "formato", {"csv", "xlsx"})
        riservato = scelta(request, "riservato", {"1"}) == "1"
    except ParametroNonValido as e:
        return e.risposta()
    puo_riservato = permessi.puo_vedere_non_oscurati(request.user, ambito.pk)
    oscurata = not (riservato and puo_riservato)
    if not oscurata:
        services.registra_visione(
            request.user,
            f"ambito {ambito.pk}, anno {anno}, pagina della domanda{' ' + formato_file if formato_file else ''}",
        )
    righe = services.righe_territorio("ambito", anno, ambito.pk, oscurata)
    if formato_file:
        return scarica_tabella(
            f"domanda-{ambito.pk}-{anno}",
            formato_file,
            services.COLONNE_EXPORT,
            [["ambito", ambito.pk, ambito.nome, anno, a.area, a.intervento, u, i, s] for a, u, i, s in righe],
        )
    nomi_aree = {a.codice: a.nome for a in selectors.aree()}
    descrizioni = {i.codice: i.descrizione for i in selectors.nomenclatore()}
    descrizioni[selectors.SENZA_CODICE] = "Interventi senza codice del nomenclatore"
    tabella = []
    for a, utenti, interventi, spesa in righe:
        if a.area == selectors.TOTALE:
            etichetta, livello = "Totale", "totale"
        elif a.intervento:
            etichetta, livello = f"{a.intervento} {descrizioni.get(a.intervento, '')}", "intervento"
        else:
            etichetta, livello = nomi_aree.get(a.area, a.area), "area"
        per_utente = None
        if not isinstance(utenti, str) and not isinstance(spesa, str) and utenti:
            per_utente = formato.numero(spesa / utenti, 2)
        tabella.append((etichetta, livello, _cifra(utenti), _cifra(interventi), _cifra(spesa, 2), per_utente))
    fasce, sesso_eta = services.tabella_sesso_eta(ambito.pk, anno, oscurata)
    sesso_eta = [(nome, [_cifra(v) for v in celle]) for nome, celle in sesso_eta]
    s = services.sintesi_ambito(ambito.pk, anno, oscurata)
    residenti = selectors.popolazione("ambito", ambito.pk, anno)
    tasso = None
    if residenti and not s.utenti_oscurati:
        tasso = (formato.numero(s.utenti * 1000 / residenti[1], 1), residenti[0], formato.numero(residenti[1]))
    sintesi = {
        "tasso": tasso,
        "utenti": _cifra(s.utenti),
        "nuovi": None if s.nuovi is None else _cifra(s.nuovi),
        "in_carico": _cifra(s.in_carico),
    }
    return render(
        request,
        "domanda/ambito.html",
        {
            "ambito": ambito,
            "anno": anno,
            "anni": anni,
            "tabella": tabella,
            "fasce": fasce,
            "sesso_eta": sesso_eta,
            "sintesi": sintesi,
            "oscurata": oscurata,
            "puo_riservato": puo_riservato,
        },
    )


@policy(read=CARICA_ESTRATTI, write=CARICA_ESTRATTI)
def carica(request):
    form = CaricaEstrattoForm(
        request.POST or None, request.FILES or None, initial={"periodo": importa.periodo_predefinito()}
    )
    errori = []
    ammessi = permessi.erogatori_ammessi(request.user)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            c = importa.importa_estratto(
                f.read(), f.name, periodo=form.cleaned_data["periodo"], utente=request.user, erogatori_ammessi=ammessi
            )
        except FileRifiutato as e:
            errori = e.errori
        else:
            messages.success(
                request, f"Estratto caricato: {c.righe} righe, {c.persone} persone ({c.erogatore}, {c.periodo})."
            )
            return redirect("domanda:carica")
    return render(
        request,
        "domanda/carica.html",
        {"form": form, "errori": errori, "colonne": importa.COLONNE, "storico": selectors.caricamenti(ammessi)},
    )


@policy(read=PUBBLICO)
def modello(request):
    response = HttpResponse(importa.modello_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modello-estratto-csi.csv"'
    return response


@policy(read=PUBBLICO)
def trattamento(request):
    return render(
        request,
        "domanda/trattamento.html",
        {"anni_conservazione": settings.DOMANDA_CONSERVAZIONE_ANNI, "colonne": importa.COLONNE},
    )


@policy(read=COORDINAMENTO)
def uso_csi(request):
    try:
        anno, anni = _anno(request)
    except ParametroNonValido as e:
        return e.risposta()
    services.registra_visione(request.user, f"uso della CSI per Ambito e mese, anno {anno}")
    nomi = selectors.nomi("ambito")
    righe = [
        (
            nomi.get(u.ambito, u.ambito),
            MESI[u.mese - 1],
            formato.numero(u.righe),
            formato.numero(u.persone),
            formato.percentuale(None if u.quota_codificati is None else u.quota_codificati * 100),
            formato.percentuale(None if u.quota_chiusi is None else u.quota_chiusi * 100),
        )
        for u in selectors.uso_csi(anno)
    ]
    return render(request, "domanda/uso_csi.html", {"anno": anno, "anni": anni, "righe": righe})
