import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe

from accounts.permissions import data_scope
from accounts.policies import CON_RUOLO, PUBBLICO, policy
from accounts.selectors import relazioni_nome
from territorio import selectors as territorio_selectors
from territorio.models import Ambito
from zona.lib.cache import memorizza
from zona.lib.downloads import scarica_tabella
from zona.lib.tabular import FileRifiutato

from . import charts, selectors, services
from .forms import CaricaDatiForm
from .models import Caricamento, Indicatore, Livello, Misura

GRAFICI = ["indice_vecchiaia", "dipendenza_strutturale", "indice_invecchiamento"]


def _confronti(ambito, giorno):
    distretto = territorio_selectors.distretto_di(ambito, giorno)
    if distretto is None:
        return []
    ats = distretto.asst.ats
    return [(Livello.DISTRETTO, distretto.pk, distretto.nome), (Livello.ATS, ats.pk, ats.nome)]


@policy(read=PUBBLICO)
def profilo_ambito(request, codice):
    ambito = get_object_or_404(Ambito, pk=codice)
    giorno = datetime.date.today()
    confronti = _confronti(ambito, giorno)
    if request.GET.get("formato") in ("csv", "xlsx"):
        dati = selectors.profilo(Livello.AMBITO, ambito.pk, confronti)
        return _tabella(ambito, dati, confronti, request.GET["formato"])
    # Computing the indicators and drawing the charts takes most of a second: once per data version.
    dati, grafici, fonti = memorizza(f"profilo:{ambito.pk}:{giorno}", lambda: _profilo(ambito, confronti))
    return render(
        request,
        "conoscenza/profilo.html",
        {
            "ambito": ambito,
            "dati": dati,
            "confronti": confronti,
            # vl-convert writes plain SVG (no script, no style attribute): safe to inline.
            "grafici": [mark_safe(g) for g in grafici],
            "fonti": fonti,
            "dati_di_base": selectors.dati_di_base(Livello.AMBITO, ambito.pk),
        },
    )


def _profilo(ambito, confronti):
    """Indicators, charts (SVG text) and sources of an Ambito's quadro conoscitivo."""
    dati = selectors.profilo(Livello.AMBITO, ambito.pk, confronti)
    grafici = []
    if dati["anni"]:
        for codice_ind in GRAFICI:
            ind = Indicatore.objects.filter(pk=codice_ind).first()
            serie = charts.serie_profilo(ambito.nome, dati, confronti, codice_ind)
            if ind is None or not serie:
                continue
            grafico = charts.serie_confronto(ind.nome, serie, ind.unita)
            grafici.append(charts.svg(grafico))
    fonti = selectors.caricamenti_attivi([Livello.AMBITO], [ambito.pk], dati["anni"] or [0])
    nomi = {Livello.REGIONE: "Regione Lombardia", Livello.ITALIA: "Italia", Livello.AMBITO: f"Ambito {ambito.nome}"}
    nomi.update({lv: nome for lv, _, nome in confronti})
    for p in dati["pubblicati"]:
        p["territorio"] = nomi.get(p["pubblicato"].livello, p["pubblicato"].codice_territorio)
    return dati, grafici, list(fonti)


def _tabella(ambito, dati, confronti, formato):
    """The indicator table of the page as CSV (full precision, dot) or XLSX (numbers)."""
    intestazione = ["indicatore", "unita"] + [str(a) for a in dati["anni"]]
    if dati["anni"]:
        intestazione += [f"{nome} {dati['anni'][-1]}" for _, _, nome in confronti]
    righe = [
        [r["indicatore"].nome, r["indicatore"].unita] + [v for v in r["valori"] + r["confronti"]] for r in dati["righe"]
    ]
    return scarica_tabella(f"quadro-conoscitivo-{ambito.pk}", formato, intestazione, righe, foglio="Indicatori")


MODELLO_RIGHE = [
    ["comune", "016128", 2023, "utenti", "", "", "", "SAD", 40],
    ["comune", "Castro", 2023, "utenti", 65, "", "", "SAD", 12],
    ["ambito", "alto-sebino", 2019, "spesa_euro", "", "", "", "Anziani|Comune", 65617],
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
        try:
            caricamento = services.importa_dati(
                f.read(),
                f.name,
                formato=form.cleaned_data["formato"],
                anno=form.cleaned_data["anno"],
                fonte=form.cleaned_data["fonte"],
                utente=request.user,
                consentito=data_scope(request.user),
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


@policy(read=PUBBLICO)
def caricamenti(request):
    # A superseded load is marked on the load, not on each value: none of its values is in use.
    voci = (
        Caricamento.objects.select_related(*relazioni_nome("utente"), "sostituito_da")
        .annotate(
            attive=Case(
                When(sostituito_da__isnull=False, then=Value(0)),
                default=Count("osservazioni", filter=Q(osservazioni__attiva=True)),
            )
        )
        .order_by("-creato_il", "-id")
    )
    return render(
        request, "conoscenza/caricamenti.html", {"pagina": Paginator(voci, 50).get_page(request.GET.get("pagina"))}
    )
