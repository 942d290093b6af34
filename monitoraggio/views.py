import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe

from programmazione.models import Azione, IndicatoreObiettivo, Obiettivo, Piano, StatoPiano
from programmazione.permessi import PIANO_SCRIVIBILE, PIANO_VISIBILE
from zona.lib import valori
from zona.lib.cache import memorizza
from zona.lib.forms import errori_in_breve
from zona.lib.ingressi import ParametroNonValido, parametro
from zona.lib.locking import MANCA_VERSIONE, ModificaConcorrente, mostra_conflitto
from zona.lib.policies import PUBBLICO, policy

from . import charts, selectors, services
from .forms import ImpegnoForm, MisurazioneForm, StatoForm, ValutazioneForm
from .permessi import INDICATORE_MISURABILE, puo_misurare, puo_monitorare


def _monitorabile(request, piano):
    return puo_monitorare(request.user, piano)


@policy(read=PIANO_VISIBILE)
def piano(request, pk):
    piano = get_object_or_404(Piano.objects.visibili_a(request.user).select_related("ambito"), pk=pk)

    def _calcola():
        obiettivi = list(piano.obiettivi.select_related("macroarea", "area_policy").order_by("ordine", "codice"))
        return selectors.attuazione(piano), selectors.scadenze(piano), obiettivi

    # The same for every visitor who may see the plan: once per data version and day (the
    # deadlines turn late at midnight).
    attuazione, scadenze, obiettivi = memorizza(f"monitoraggio-piano:{piano.pk}:{datetime.date.today()}", _calcola)
    return render(
        request,
        "monitoraggio/piano.html",
        {
            "piano": piano,
            "attuazione": attuazione,
            "scadenze": scadenze,
            "obiettivi": obiettivi,
            "modificabile": _monitorabile(request, piano),
        },
    )


@policy(read=PIANO_VISIBILE)
def trienni(request, pk):
    """The plan beside the Ambito's previous one: continued, dropped and new objectives,
    resources per area, status at the end."""
    from programmazione.selectors import piano_precedente

    piano = get_object_or_404(Piano.objects.visibili_a(request.user).select_related("ambito"), pk=pk)
    precedente = piano_precedente(piano)
    confronto = selectors.confronto_trienni(piano, precedente) if precedente else None
    return render(request, "monitoraggio/trienni.html", {"piano": piano, "confronto": confronto})


@policy(read=PIANO_VISIBILE)
def obiettivo(request, obiettivo):
    ob = get_object_or_404(
        Obiettivo.objects.visibili_a(request.user).select_related("piano__ambito", "continua__piano"), pk=obiettivo
    )
    return _pagina_obiettivo(request, ob)


def _pagina_obiettivo(request, ob, moduli_misurazione=None):
    """The monitoring page of an objective; `moduli_misurazione` (indicator pk -> bound form)
    shows a refused measurement again, with its message."""
    piano = ob.piano
    modificabile = _monitorabile(request, piano)
    # The plan's writers measure every indicator; a co-responsible ATS or ASST those of its
    # socio-health objective (the same answer for every indicator of the objective).
    misurabile = modificabile or puo_misurare(request.user, ob)
    indicatori = []
    for i in ob.indicatori.select_related("indicatore").prefetch_related("target", "misurazioni__inserita_da"):
        dati = selectors.andamento(i)
        grafico = charts.andamento(i.descrizione, dati, i.unita)
        indicatori.append(
            {
                "indicatore": i,
                "dati": dati,
                "grafico": mark_safe(grafico) if grafico else None,
                "misurabile": misurabile,
                "form": (moduli_misurazione or {}).get(i.pk)
                or MisurazioneForm(prefix=f"m{i.pk}", anni=piano.anni_in_vigore)
                if misurabile and not i.indicatore_id
                else None,
            }
        )
    return render(
        request,
        "monitoraggio/obiettivo.html",
        {
            "piano": piano,
            "ob": ob,
            "indicatori": indicatori,
            "modificabile": modificabile,
            "stato_form": StatoForm(initial={"stato": ob.stato, "motivo": ob.motivo, "versione": ob.versione})
            if modificabile
            else None,
            "impegno_form": ImpegnoForm(anni=piano.anni_in_vigore) if modificabile else None,
            "risorse": selectors.risorse_e_impegni(ob),
            "coincidenza": selectors.coincidenza_risorse(ob),
            "valutazione": getattr(ob, "valutazione", None),
            "azioni": ob.azioni.all(),
        },
    )


def _esito(request, funzione, *args, successo, **kwargs):
    try:
        funzione(request.user, *args, **kwargs)
    except ValidationError as e:
        messages.error(request, "Non è stato salvato nulla: " + " ".join(e.messages))
        return False
    messages.success(request, successo)
    return True


@policy(write=INDICATORE_MISURABILE)
def misurazione(request, obiettivo, indicatore):
    ind = get_object_or_404(
        IndicatoreObiettivo.objects.select_related("obiettivo__piano"), pk=indicatore, obiettivo=obiettivo
    )
    if request.POST.get("azione") == "calcola":
        anno = request.POST.get("anno", "")
        if anno.isdigit():
            _esito(
                request,
                services.rileva_da_conoscenza,
                ind,
                int(anno),
                successo="Valore calcolato dalla base di conoscenza.",
            )
        else:
            messages.error(request, f"«{anno}» non è un anno.")
    else:
        form = MisurazioneForm(request.POST, prefix=f"m{ind.pk}", anni=ind.obiettivo.piano.anni_in_vigore)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.registra_misurazione(
                    request.user, ind, d["anno"], d["semestre"], d["data"], d["valore"], d["nota"], d["versione"]
                )
            except ModificaConcorrente as e:
                # The form again, with the message and the version of the measurement it met:
                # submitting it once more, after reading, replaces that measurement deliberately.
                mostra_conflitto(form, e)
                ob = Obiettivo.objects.select_related("piano__ambito", "continua__piano").get(pk=ind.obiettivo_id)
                return _pagina_obiettivo(request, ob, {ind.pk: form})
            except ValidationError as e:
                messages.error(request, "Non è stato salvato nulla: " + " ".join(e.messages))
            else:
                messages.success(request, "Misurazione registrata.")
        else:
            messages.error(request, f"Non è stato salvato nulla: {errori_in_breve(form)}")
    return redirect("monitoraggio:obiettivo", obiettivo=obiettivo)


@policy(write=PIANO_SCRIVIBILE)
def stato(request, obiettivo):
    ob = get_object_or_404(Obiettivo.objects.select_related("piano"), pk=obiettivo)
    form = StatoForm(request.POST)
    if form.is_valid():
        _esito(
            request,
            services.aggiorna_stato,
            ob,
            form.cleaned_data["stato"],
            form.cleaned_data["motivo"],
            form.cleaned_data["versione"],
            successo="Stato aggiornato.",
        )
    else:
        messages.error(request, MANCA_VERSIONE if "versione" in form.errors else "Stato non valido.")
    return redirect("monitoraggio:obiettivo", obiettivo=ob.pk)


@policy(write=PIANO_SCRIVIBILE)
def stato_azione(request, obiettivo, azione):
    a = get_object_or_404(Azione.objects.select_related("obiettivo__piano"), pk=azione, obiettivo=obiettivo)
    _esito(request, services.aggiorna_stato, a, request.POST.get("stato", ""), successo="Stato dell'azione aggiornato.")
    return redirect("monitoraggio:obiettivo", obiettivo=obiettivo)


@policy(write=PIANO_SCRIVIBILE)
def impegno(request, obiettivo):
    ob = get_object_or_404(Obiettivo.objects.select_related("piano"), pk=obiettivo)
    form = ImpegnoForm(request.POST, anni=ob.piano.anni)
    if form.is_valid():
        d = form.cleaned_data
        _esito(
            request,
            services.registra_impegno,
            ob,
            d["anno"],
            d["fondo"],
            d["impegnato"],
            d["liquidato"],
            successo="Impegno registrato.",
        )
    else:
        messages.error(request, f"Non è stato salvato nulla: {errori_in_breve(form)}")
    return redirect("monitoraggio:obiettivo", obiettivo=ob.pk)


@policy(read=PIANO_SCRIVIBILE, write=PIANO_SCRIVIBILE)
def valutazione(request, obiettivo):
    ob = get_object_or_404(Obiettivo.objects.select_related("piano__ambito"), pk=obiettivo)
    val = services.valutazione_di(ob)
    form = ValutazioneForm(request.POST or None, instance=val)
    if request.method == "POST" and form.is_valid():
        try:
            services.salva_valutazione(request.user, form.save(commit=False), form.cleaned_data["versione"])
        except ValidationError as e:
            mostra_conflitto(form, e)
        else:
            messages.success(request, "Scheda di valutazione salvata.")
            return redirect("monitoraggio:obiettivo", obiettivo=ob.pk)
    return render(
        request,
        "programmazione/modulo.html",
        {
            "form": form,
            "piano": ob.piano,
            "titolo": f"Valutazione di {ob.codice} (Tabella 2)",
            "coincidenza_calcolata": selectors.coincidenza_risorse(ob),
        },
    )


@policy(read=PUBBLICO)
def provincia(request):
    visibili = list(Piano.objects.visibili_a(request.user).select_related("ambito").order_by("ambito__nome"))
    trienni = sorted({p.anno_inizio for p in visibili}, reverse=True)
    try:
        anno = parametro(request, "triennio", valori.anno)
    except ParametroNonValido:
        anno = None  # the latest, as when none is asked
    if anno not in trienni:
        anno = trienni[0] if trienni else None
    dati = selectors.attuazione_provinciale(anno, visibili) if anno else None
    return render(request, "monitoraggio/provincia.html", {"trienni": trienni, "anno": anno, "dati": dati})


@policy(read=PUBBLICO)
def calendario(request):
    visibili = (
        Piano.objects.visibili_a(request.user)
        .select_related("ambito")
        .exclude(stato__in=[StatoPiano.BOZZA, StatoPiano.CHIUSO])
        .order_by("ambito__nome", "-anno_inizio")
    )
    per_ambito = []
    for p in visibili:
        elenco = selectors.scadenze(p)
        per_ambito.append(
            {"piano": p, "scadenze": elenco, "in_ritardo": sum(1 for s in elenco if s.esito == selectors.IN_RITARDO)}
        )
    return render(request, "monitoraggio/calendario.html", {"per_ambito": per_ambito})
