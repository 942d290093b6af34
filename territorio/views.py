import datetime

from auditlog.models import LogEntry
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from zona.lib.downloads import scarica_tabella
from zona.lib.locking import ModificaConcorrente, mostra_conflitto
from zona.lib.policies import COORDINAMENTO, PUBBLICO, policy
from zona.lib.tabular import FileRifiutato

from . import selectors, services
from .forms import (
    CercaForm,
    ContattiComuneForm,
    DataForm,
    ImportaAppartenenzeForm,
    IncaricoForm,
    UfficioDiPianoForm,
)
from .models import Ambito, Comune, Organo, TipoOrgano
from .permessi import ambito_da, comune_da, puo_modificare_ambito, puo_modificare_comune


def _giorno(request):
    """The day the page describes (?data=), today by default, and the form that chose it."""
    form = DataForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["data"]:
        return form.cleaned_data["data"], form
    return datetime.date.today(), form


@policy(read=PUBBLICO)
def provincia(request):
    giorno, form = _giorno(request)
    distretti = selectors.distretti_con_ambiti(giorno)
    per_asst = {}
    for d in distretti:
        per_asst.setdefault(d.asst, []).append(d)
    non_assegnati = selectors.comuni_non_assegnati(giorno)
    totale_ambiti = sum(len(d.ambiti_attuali) for d in distretti)
    return render(
        request,
        "territorio/provincia.html",
        {
            "giorno": giorno,
            "form": form,
            "per_asst": per_asst,
            "totale_ambiti": totale_ambiti,
            "totale_comuni": selectors.comuni_della_provincia(giorno).count(),
            "non_assegnati": non_assegnati,
            "organi": selectors.organi_provinciali(giorno),
        },
    )


@policy(read=PUBBLICO)
def ambito_detail(request, codice):
    ambito = get_object_or_404(Ambito, pk=codice)
    giorno, form = _giorno(request)
    organi = list(selectors.organi_di(ambito))
    incarichi = list(selectors.incarichi_in_carica(organi, giorno))
    for organo in organi:
        organo.in_carica = [i for i in incarichi if i.organo_id == organo.pk]
    return render(
        request,
        "territorio/ambito.html",
        {
            "ambito": ambito,
            "giorno": giorno,
            "form": form,
            "distretto": selectors.distretto_di(ambito, giorno),
            "comuni": selectors.comuni_di(ambito, giorno),
            "capofila": selectors.capofila_di(ambito, giorno),
            "ufficio": next((o for o in organi if o.tipo == TipoOrgano.UFFICIO_DI_PIANO), None),
            "assemblea": next((o for o in organi if o.tipo == TipoOrgano.ASSEMBLEA_AMBITO), None),
            "puo_modificare": puo_modificare_ambito(request.user, ambito),
        },
    )


@policy(read=ambito_da("codice"), write=ambito_da("codice"))
def ufficio_di_piano_modifica(request, codice):
    ambito = get_object_or_404(Ambito, pk=codice)
    ufficio = get_object_or_404(Organo, ambito=ambito, tipo=TipoOrgano.UFFICIO_DI_PIANO)
    form = UfficioDiPianoForm(request.POST or None, instance=Organo.objects.get(pk=ufficio.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.aggiorna_contatti(
                ufficio, {f: form.cleaned_data[f] for f in form.Meta.fields}, form.cleaned_data["versione"]
            )
        except ModificaConcorrente as e:
            mostra_conflitto(form, e)
        else:
            messages.success(request, "Contatti dell'Ufficio di Piano salvati.")
            return redirect("territorio:ambito", codice=ambito.pk)
    return render(request, "territorio/modifica.html", {"form": form, "titolo": ufficio.nome, "indietro": ambito})


@policy(read=ambito_da("codice"), write=ambito_da("codice"))
def incarico_nuovo(request, codice):
    ambito = get_object_or_404(Ambito, pk=codice)
    giorno = datetime.date.today()
    form = IncaricoForm(
        request.POST or None,
        organi=Organo.objects.filter(ambito=ambito),
        comuni=selectors.comuni_di(ambito, giorno),
    )
    if request.method == "POST" and form.is_valid():
        dati = form.cleaned_data
        try:
            services.aggiungi_incarico(
                organo=dati["organo"],
                persona_nome=dati["persona_nome"],
                ruolo=dati["ruolo"],
                qualifica=dati["qualifica"],
                comune=dati["comune"],
                dal=dati["dal"],
                al=dati["al"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, "Incarico registrato.")
            return redirect("territorio:ambito", codice=ambito.pk)
    return render(
        request,
        "territorio/modifica.html",
        {"form": form, "titolo": f"Nuovo incarico – Ambito {ambito.nome}", "indietro": ambito},
    )


@policy(read=PUBBLICO)
def comune_detail(request, codice_istat):
    comune = get_object_or_404(Comune.objects.select_related("regione"), pk=codice_istat)
    giorno, form = _giorno(request)
    ambito = selectors.ambito_di(comune, giorno)
    precedenti, successive = selectors.variazioni_di(comune)
    return render(
        request,
        "territorio/comune.html",
        {
            "comune": comune,
            "giorno": giorno,
            "form": form,
            "ambito": ambito,
            "distretto": selectors.distretto_di(ambito, giorno) if ambito else None,
            "storia": selectors.storia_di(comune),
            "precedenti": precedenti,
            "successive": successive,
            "esiste": Comune.objects.esistenti_il(giorno).filter(pk=comune.pk).exists(),
            "alias": comune.alias.all(),
            "puo_modificare": puo_modificare_comune(request.user, comune),
        },
    )


@policy(read=comune_da("codice_istat"), write=comune_da("codice_istat"))
def comune_modifica(request, codice_istat):
    comune = get_object_or_404(Comune, pk=codice_istat)
    form = ContattiComuneForm(request.POST or None, instance=Comune.objects.get(pk=comune.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.aggiorna_contatti(
                comune, {f: form.cleaned_data[f] for f in form.Meta.fields}, form.cleaned_data["versione"]
            )
        except ModificaConcorrente as e:
            mostra_conflitto(form, e)
        else:
            messages.success(request, "Contatti del Comune salvati.")
            return redirect("territorio:comune", codice_istat=comune.pk)
    return render(
        request, "territorio/modifica.html", {"form": form, "titolo": f"Contatti del Comune di {comune.nome}"}
    )


@policy(read=PUBBLICO)
def cerca(request):
    form = CercaForm(request.GET or None)
    giorno, form_data = _giorno(request)
    risultati = None
    non_esistenti = []
    if form.is_valid() and form.cleaned_data["q"]:
        risultati = list(selectors.cerca_comuni(form.cleaned_data["q"], day=giorno))
        ambiti = selectors.ambiti_di(risultati, giorno)
        for c in risultati:
            c.ambito_attuale = ambiti.get(c.pk)
        # Names that match a Comune of another time (suppressed, or born later): said, not hidden.
        trovati = {c.pk for c in risultati}
        non_esistenti = [c for c in selectors.cerca_comuni(form.cleaned_data["q"], limit=20) if c.pk not in trovati]
    return render(
        request,
        "territorio/cerca.html",
        {"form": form, "risultati": risultati, "giorno": giorno, "non_esistenti": non_esistenti},
    )


@policy(read=PUBBLICO)
def export(request):
    giorno, _ = _giorno(request)
    righe = selectors.righe_export(giorno)
    return scarica_tabella(
        f"anagrafe-territoriale-{giorno:%Y-%m-%d}",
        request.GET.get("formato"),
        selectors.COLONNE_EXPORT,
        [[r[c] for c in selectors.COLONNE_EXPORT] for r in righe],
        foglio="Comuni",
    )


@policy(read=COORDINAMENTO, write=COORDINAMENTO)
def importa(request):
    form = ImportaAppartenenzeForm(request.POST or None, request.FILES or None)
    errori = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            n = services.importa_appartenenze(f.read(), f.name)
        except FileRifiutato as e:
            errori = e.errori
        else:
            messages.success(request, f"File importato: {n} appartenenze create o modificate.")
            return redirect("territorio:importa")
    return render(request, "territorio/importa.html", {"form": form, "errori": errori})


@policy(read=COORDINAMENTO)
def registro_modifiche(request):
    voci = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    pagina = Paginator(voci, 50).get_page(request.GET.get("pagina"))
    return render(request, "territorio/registro.html", {"pagina": pagina})
