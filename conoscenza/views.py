import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from accounts.selectors import relazioni_nome
from lavori.services import url_lavoro
from territorio.models import Ambito
from territorio.selectors import LIVELLI_TERRITORIO
from zona.lib import valori
from zona.lib.cache import memorizza
from zona.lib.downloads import scarica_tabella
from zona.lib.ingressi import ParametroNonValido, parametro, scelta
from zona.lib.policies import CON_RUOLO, COORDINAMENTO, PUBBLICO, policy
from zona.lib.tabular import FileRifiutato

from . import background, charts, selectors, selectors_comuni, services
from .forms import CaricaDatiForm
from .models import Caricamento, Indicatore, Livello, Misura
from .permessi import territori_caricabili


@policy(read=PUBBLICO)
def profilo_ambito(request, codice):
    ambito = get_object_or_404(Ambito, pk=codice)
    giorno = datetime.date.today()
    if request.GET.get("formato") in ("csv", "xlsx"):
        confronti = selectors.confronti_ambito(ambito, giorno)
        dati = selectors.profilo(Livello.AMBITO, ambito.pk, confronti)
        return _tabella(ambito, dati, confronti, request.GET["formato"])
    # Computing the indicators, drawing the charts and laying out the tables takes most of a
    # second: the content is the same for every visitor, so it is rendered once per data version.
    contenuto = memorizza(f"profilo-ambito-html:{ambito.pk}:{giorno}", lambda: _contenuto_profilo(ambito, giorno))
    return render(request, "conoscenza/profilo.html", {"ambito": ambito, "contenuto": mark_safe(contenuto)})


def _contenuto_profilo(ambito, giorno):
    """The page's content as HTML, from the read model of the Ambito's quadro conoscitivo
    (shared with the Piano di Zona document)."""
    profilo = selectors.profilo_ambito(ambito, giorno)
    nomi = {Livello.REGIONE: "Regione Lombardia", Livello.ITALIA: "Italia", Livello.AMBITO: f"Ambito {ambito.nome}"}
    nomi.update({c.livello: c.nome for c in profilo.confronti})
    for p in profilo.dati["pubblicati"]:
        p["territorio"] = nomi.get(p["pubblicato"].livello, p["pubblicato"].codice_territorio)
    return render_to_string(
        "conoscenza/_profilo.html",
        {
            "ambito": ambito,
            "dati": profilo.dati,
            "confronti": profilo.confronti,
            # vl-convert writes plain SVG (no script, no style attribute): safe to inline.
            "grafici": [mark_safe(charts.svg(grafico)) for _, grafico in profilo.grafici],
            "fonti": profilo.caricamenti,
            "dati_di_base": profilo.dati_di_base,
            "discordanze": profilo.discordanze,
        },
    )


def _tabella(ambito, dati, confronti, formato):
    """The indicator table of the page as CSV (full precision, dot) or XLSX (numbers)."""
    intestazione = ["indicatore", "unita"] + [str(a) for a in dati["anni"]]
    if dati["anni"]:
        intestazione += [f"{c.nome} {dati['anni'][-1]}" for c in confronti]
    righe = [
        [r["indicatore"].nome, r["indicatore"].unita] + [v for v in r["valori"] + r["confronti"]] for r in dati["righe"]
    ]
    return scarica_tabella(f"quadro-conoscitivo-{ambito.pk}", formato, intestazione, righe, foglio="Indicatori")


MODELLO_RIGHE = [
    ["comune", "016128", 2023, "utenti", "", "", "", "SAD", 40],
    ["comune", "Castro", 2023, "utenti", 65, "", "", "SAD", 12],
    ["ambito", "alto-sebino", 2019, "spesa_area_canale_euro", "", "", "", "Anziani|Comune", 65617],
    ["ambito", "alto-sebino", 2019, "indice_vecchiaia", "", "", "", "", 204.3],
]


@policy(read=PUBBLICO)
def modello(request, formato):
    """The template of the Zona layout, with example rows."""
    if formato not in ("csv", "xlsx"):
        raise Http404("Modello disponibile in CSV o XLSX.")
    return scarica_tabella("modello-dati-zona", formato, services.COLONNE_ZONA, MODELLO_RIGHE, foglio="dati")


@policy(read=CON_RUOLO, write=CON_RUOLO)
def carica(request):
    form = CaricaDatiForm(request.POST or None, request.FILES or None)
    errori = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        if f.size > settings.LAVORI_SOGLIA_BYTES:
            # A large file is loaded by a worker: the user follows it on the job's page.
            lavoro = background.accoda_dati(
                request.user,
                f.read(),
                f.name,
                formato=form.cleaned_data["formato"],
                anno=form.cleaned_data["anno"],
                fonte=form.cleaned_data["fonte"],
            )
            return redirect(url_lavoro(lavoro))
        try:
            caricamento = services.importa_dati(
                f.read(),
                f.name,
                formato=form.cleaned_data["formato"],
                anno=form.cleaned_data["anno"],
                fonte=form.cleaned_data["fonte"],
                utente=request.user,
                consentito=territori_caricabili(request.user),
            )
        except FileRifiutato as e:
            errori = e.errori
        else:
            messages.success(request, f"File «{caricamento.nome_file}» caricato: {caricamento.righe} righe.")
            return redirect("conoscenza:caricamenti")
    return render(
        request,
        "conoscenza/carica.html",
        {"form": form, "errori": errori, "misure": Misura.objects.all(), "indicatori": Indicatore.objects.all()},
    )


@policy(read=PUBBLICO, write=COORDINAMENTO)
def caricamenti(request):
    """The loads; the coordination may recompute every indicator at every level from here (a
    background job whose result is the CSV of the values)."""
    if request.method == "POST":
        if request.POST.get("azione") != "ricalcola":
            messages.error(request, "Operazione non riconosciuta.")
            return redirect("conoscenza:caricamenti")
        return redirect(url_lavoro(background.accoda_ricalcolo(request.user)))
    voci = Caricamento.objects.select_related(*relazioni_nome("utente"), "sostituito_da").order_by("-creato_il", "-id")
    pagina = Paginator(voci, 50).get_page(request.GET.get("pagina"))
    # Counting the values in use scans every observation: once per data version, not per visit.
    attive = memorizza("caricamenti:attive", selectors.osservazioni_attive_per_caricamento)
    for c in pagina:
        c.attive = attive.get(c.pk, 0)
    return render(request, "conoscenza/caricamenti.html", {"pagina": pagina})


@policy(read=PUBBLICO)
def fonti(request):
    """Dove le fonti non tornano: the source documents, and with `?documento=` one document's
    known differences and the published values Zona recomputes otherwise."""
    from . import discordanze

    documenti = discordanze.documenti()
    try:
        codice = scelta(request, "documento", documenti)
    except ParametroNonValido as e:
        return e.risposta()
    if codice is None:
        elenco = [(d, len(discordanze.di_documento(d.codice))) for d in documenti.values()]
        return render(request, "conoscenza/fonti.html", {"elenco": elenco})
    return render(request, "conoscenza/fonti.html", {"dati": selectors.discordanze_documento(codice)})


# The level's default territory when the link names none (the page opened from the menu).
TERRITORIO_PREDEFINITO = {"provincia": "BG", "italia": "IT"}


@policy(read=PUBBLICO)
def comuni_contati(request):
    """Which Comuni a figure counts: ?livello=ambito&codice=alto-sebino&anno=2023 (every level
    of territorio.selectors.LIVELLI_TERRITORIO, the province by default)."""
    try:
        livello = scelta(request, "livello", LIVELLI_TERRITORIO, "provincia")
        codice = parametro(request, "codice", valori.codice, TERRITORIO_PREDEFINITO.get(livello))
        anno = parametro(request, "anno", valori.anno, datetime.date.today().year)
    except ParametroNonValido as e:
        return e.risposta()
    if codice is None:
        return ParametroNonValido("codice: manca il codice del territorio.").risposta()
    figura = selectors_comuni.figura_contata(livello, codice, anno)
    if figura is None:
        raise Http404("Territorio sconosciuto.")
    return render(request, "conoscenza/comuni_contati.html", {"figura": figura, "contati": figura.contati})
