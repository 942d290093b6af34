import datetime
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from conoscenza import charts, mappe
from conoscenza.models import Livello
from conoscenza.selectors import nomi_territori
from lavori.services import url_lavoro
from territorio import selectors as territorio
from territorio.models import Ambito, Comune
from territorio.permessi import ambito_da
from zona.lib import valori
from zona.lib.cache import memorizza
from zona.lib.downloads import scarica_tabella
from zona.lib.forms import errori_in_breve
from zona.lib.ingressi import ParametroNonValido, parametro
from zona.lib.locking import ModificaConcorrente, mostra_conflitto
from zona.lib.policies import PUBBLICO, policy
from zona.lib.tabular import FileRifiutato

from . import background, leps, permessi, selectors, services
from . import importa as importatore
from .forms import ImportaForm, RilevazioneForm, UnitaForm
from .models import Calcolo, Leps, RilevazioneLeps, TipoUnita, UnitaOfferta


def _anno(request):
    """The year asked for (?anno=), the current one by default (or when unreadable)."""
    try:
        return valori.anno(request.GET.get("anno") or datetime.date.today().year, minimo=1990, massimo=2100)
    except valori.ValoreNonValido:
        return datetime.date.today().year


def _scelta(modello, testo):
    """The row of `modello` whose key is `testo`, or None (a bad filter shows everything)."""
    if not testo or len(testo) > 60:
        return None
    return modello.objects.filter(pk=testo).first()


@policy(read=PUBBLICO)
def elenco(request):
    ambito = _scelta(Ambito, request.GET.get("ambito"))
    tipo = _scelta(TipoUnita, request.GET.get("tipo"))
    try:
        testo = parametro(request, "q", max_lunghezza=100) or ""
    except ParametroNonValido as e:
        messages.error(request, str(e))
        testo = ""
    righe = selectors.unita(ambito=ambito, tipo=tipo, testo=testo)
    return render(
        request,
        "offerta/elenco.html",
        {
            "unita": righe,
            "ambiti": Ambito.objects.order_by("nome"),
            "tipi": TipoUnita.objects.all(),
            "ambito": ambito,
            "tipo": tipo,
            "q": testo,
            "limite": selectors.MAX_RISULTATI,
            "puo_importare": permessi.puo_importare(request.user) and request.user.is_authenticated,
        },
    )


@policy(read=PUBBLICO)
def scheda_unita(request, unita):
    u = get_object_or_404(UnitaOfferta.objects.select_related("tipo__area", "comune"), pk=unita)
    ambito = territorio.ambito_di(u.comune, datetime.date.today())
    return render(
        request,
        "offerta/unita.html",
        {
            "u": u,
            "ambito": ambito,
            "mostra_importo": permessi.vede_importi(request.user, ambito.pk if ambito else None)
            and request.user.is_authenticated,
            "puo_modificare": request.user.is_authenticated and permessi.puo_modificare_unita(request.user, u),
        },
    )


def _comuni_scrivibili(user):
    giorno = datetime.date.today()
    ambiti = permessi.ambiti_scrivibili(user)
    if ambiti is None:
        return territorio.comuni_della_provincia(giorno).order_by("nome")
    return Comune.objects.filter(
        pk__in=[pk for a in ambiti for pk in territorio.comuni_di(a, giorno).values_list("pk", flat=True)]
    ).order_by("nome")


def _salva(request, form, titolo, indietro):
    if request.method == "POST" and form.is_valid():
        try:
            u = services.salva_unita(request.user, form.instance, form.cleaned_data.get("versione"))
        except ModificaConcorrente as e:
            mostra_conflitto(form, e)
        except ValidationError as e:
            _errori_campi(form, e)
        except PermissionDenied as e:
            form.add_error("comune", str(e))
        else:
            messages.success(request, f"Unità «{u.nome}» salvata.")
            return redirect("offerta:unita", unita=u.pk)
    return render(request, "offerta/modulo.html", {"form": form, "titolo": titolo, "indietro": indietro})


def _errori_campi(form, e):
    if not hasattr(e, "error_dict"):
        form.add_error(None, e)
        return
    for campo, errori in e.message_dict.items():
        form.add_error(campo if campo in form.fields else None, errori)


@policy(read=permessi.UNITA_SCRITTURA, write=permessi.UNITA_SCRITTURA)
def modifica(request, unita):
    u = get_object_or_404(UnitaOfferta, pk=unita)
    form = UnitaForm(request.POST or None, instance=u, comuni=_comuni_scrivibili(request.user))
    return _salva(request, form, f"Modifica: {u.nome}", reverse("offerta:unita", args=[u.pk]))


@policy(read=permessi.IMPORTAZIONE, write=permessi.IMPORTAZIONE)
def nuova(request):
    form = UnitaForm(request.POST or None, comuni=_comuni_scrivibili(request.user))
    return _salva(request, form, "Nuova unità d'offerta", reverse("offerta:elenco"))


@policy(read=permessi.IMPORTAZIONE, write=permessi.IMPORTAZIONE)
def importa(request):
    form = ImportaForm(request.POST or None, request.FILES or None)
    errori = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        if f.size > settings.LAVORI_SOGLIA_BYTES:  # a large file: loaded by a worker, followed on the job's page
            return redirect(url_lavoro(background.accoda_unita(request.user, f.read(), f.name)))
        try:
            n = importatore.importa(f.read(), f.name, request.user)
        except FileRifiutato as e:
            errori = e.errori
        else:
            messages.success(request, f"File importato: {n} unità d'offerta create o aggiornate.")
            return redirect("offerta:elenco")
    return render(request, "offerta/importa.html", {"form": form, "errori": errori, "colonne": importatore.COLONNE})


@policy(read=PUBBLICO)
def modello(request):
    risposta = HttpResponse(importatore.modello_csv(), content_type="text/csv; charset=utf-8")
    risposta["Content-Disposition"] = 'attachment; filename="unita-offerta-modello.csv"'
    return risposta


@policy(read=PUBBLICO)
def leps_provincia(request):
    """Every Ambito side by side: one row per LEPS, one column per Ambito."""
    anno = _anno(request)
    ambiti = list(Ambito.objects.order_by("nome"))
    stati = leps.stati_per_ambiti(anno, [a.pk for a in ambiti])
    catalogo = leps.catalogo()
    righe = [(voce, [stati[a.pk][i] for a in ambiti]) for i, voce in enumerate(catalogo)]
    return render(
        request,
        "offerta/leps_provincia.html",
        {"anno": anno, "ambiti": ambiti, "righe": righe, "stati": leps.STATI},
    )


@policy(read=PUBBLICO, write=ambito_da("codice"))
def leps_ambito(request, codice):
    ambito = get_object_or_404(Ambito, pk=codice)
    anno = _anno(request)
    if request.method == "POST":
        return _registra_rilevazione(request, ambito, anno)
    if request.GET.get("formato") in ("csv", "xlsx"):
        return scarica_tabella(
            f"leps-{ambito.pk}-{anno}",
            request.GET["formato"],
            leps.COLONNE_EXPORT,
            leps.righe_export(ambito.pk, anno),
            foglio="LEPS",
        )
    stati = leps.stati_ambito(ambito.pk, anno)
    moduli = []
    if request.user.is_authenticated and permessi.puo_scrivere_ambito(request.user, ambito.pk):
        registrate = {r.leps_id: r for r in RilevazioneLeps.objects.filter(ambito=ambito, anno=anno)}
        for s in stati:
            if s.calcolo == Calcolo.RILEVATO:
                r = registrate.get(s.codice)
                iniziali = {"leps": s.codice, "versione": r.versione if r else 0}
                if r:
                    iniziali |= {"valore": r.valore, "fonte": r.fonte}
                moduli.append((s, RilevazioneForm(initial=iniziali, prefix=s.codice)))
    return render(
        request,
        "offerta/leps_ambito.html",
        {"ambito": ambito, "anno": anno, "stati": stati, "moduli": moduli},
    )


def _registra_rilevazione(request, ambito, anno):
    prefisso = next((k[: -len("-leps")] for k in request.POST if k.endswith("-leps")), "")
    form = RilevazioneForm(request.POST, prefix=prefisso or None)
    try:
        codice_leps = valori.codice(request.POST.get(f"{prefisso}-leps"), max_lunghezza=50) if prefisso else None
    except valori.ValoreNonValido:
        codice_leps = None
    voce = Leps.objects.filter(pk=codice_leps).first() if codice_leps else None
    if voce is None or not form.is_valid():
        errore = errori_in_breve(form) if voce is not None else "LEPS sconosciuto."
        messages.error(request, f"Dato non registrato: {errore}")
    else:
        d = form.cleaned_data
        try:
            services.registra_rilevazione(request.user, ambito.pk, voce, anno, d["valore"], d["fonte"], d["versione"])
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, f"Dato registrato: {voce.nome}, {anno}.")
    return redirect(f"{reverse('offerta:leps_ambito', args=[ambito.pk])}?anno={anno}")


def _json_ld(servizi, request):
    """schema.org data for search engines: each unit a LocalBusiness-like GovernmentService
    place with its address."""
    voci = []
    for u in servizi.unita:
        voci.append(
            {
                "@type": "Place",
                "name": u.nome,
                "description": u.tipo.nome,
                "url": request.build_absolute_uri(reverse("offerta:unita", args=[u.pk])),
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": u.indirizzo,
                    "addressLocality": u.comune.nome,
                    "addressRegion": u.comune.sigla_provincia,
                    "addressCountry": "IT",
                },
                **({"telephone": u.telefono} if u.telefono else {}),
            }
        )
    dati = {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": voci}
    testo = json.dumps(dati, ensure_ascii=False)
    # Inside <script>: no way out of the element.
    return testo.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@policy(read=PUBBLICO)
def servizi(request):
    comune = _scelta(Comune, request.GET.get("comune"))
    try:
        bisogno = parametro(request, "bisogno", max_lunghezza=100) or ""
    except ParametroNonValido as e:
        messages.error(request, str(e))
        bisogno = ""
    risultato = selectors.servizi(comune, bisogno)
    # The map of the same choice: the Comune's Ambito, and the type when the need names one.
    filtri = {"ambito": risultato.ambito.pk if risultato.ambito else None}
    filtri["tipo"] = risultato.tipi[0].pk if len(risultato.tipi) == 1 else None
    return render(
        request,
        "offerta/servizi.html",
        {
            "s": risultato,
            "bisogno": bisogno,
            "filtri_mappa": urlencode({k: v for k, v in filtri.items() if v is not None}),
            "comuni": territorio.comuni_della_provincia(datetime.date.today()).order_by("nome").only("pk", "nome"),
            "json_ld": _json_ld(risultato, request),
        },
    )


def _svg_mappa(righe, titolo, giorno):
    """The province's map (conoscenza.mappe, as the province page draws it) with each Comune
    coloured by its number of units; cached per data version (building it takes a second)."""
    valori = {r.codice: r.unita for r in righe}
    comuni = mappe.geojson_comuni(valori, nomi_territori(Livello.COMUNE), giorno=giorno)
    ambiti = mappe.geojson_ambiti(giorno, nomi_territori(Livello.AMBITO))
    sottotitolo = [
        "Le unità sono collocate nel loro Comune (gli indirizzi non sono geolocalizzati).",
        "In grigio i Comuni senza unità registrate.",
    ]
    grafico = mappe.grafico_mappa(comuni, ambiti, titolo, "unità d'offerta", decimali=0, sottotitolo=sottotitolo)
    return charts.svg(grafico)


@policy(read=PUBBLICO)
def mappa(request):
    """The units of the register on the map of the province, by Comune, with the same figures
    as a table (the text alternative)."""
    ambito = _scelta(Ambito, request.GET.get("ambito"))
    tipo = _scelta(TipoUnita, request.GET.get("tipo"))
    giorno = datetime.date.today()
    righe = selectors.unita_per_comune(tipo=tipo, ambito=ambito, giorno=giorno)
    titolo = "Unità d'offerta per Comune" + (f": {tipo.nome}" if tipo else "")
    titolo += f", Ambito {ambito.nome}" if ambito else ""
    svg = memorizza(
        f"offerta-mappa:{tipo.pk if tipo else ''}:{ambito.pk if ambito else ''}:{giorno}",
        lambda: _svg_mappa(righe, titolo, giorno),
    )
    return render(
        request,
        "offerta/mappa.html",
        {
            "righe": righe,
            "titolo": titolo,
            # vl-convert writes plain SVG (no script, no style attribute): safe to inline.
            "mappa": mark_safe(svg),
            "ambiti": Ambito.objects.order_by("nome"),
            "tipi": TipoUnita.objects.all(),
            "ambito": ambito,
            "tipo": tipo,
            "totale_unita": sum(r.unita for r in righe),
            "totale_posti": sum(r.posti for r in righe),
        },
    )
