import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from offerta import leps as offerta_leps
from territorio.models import Ambito
from zona.lib import valori
from zona.lib.cache import CONOSCENZA, memorizza
from zona.lib.downloads import XLSX, scarica_tabella
from zona.lib.forms import errori_in_breve, esegui_azione
from zona.lib.ingressi import ParametroNonValido, parametro
from zona.lib.locking import MANCA_VERSIONE, mostra_conflitto
from zona.lib.policies import COORDINAMENTO, PUBBLICO, fatti, policy
from zona.lib.tabular import FileRifiutato

from . import permessi, selectors, services, tabella3
from .forms import (
    AzioneForm,
    ChiudiRevisioneForm,
    CorresponsabileForm,
    ImportaObiettiviForm,
    IndicatoreForm,
    NuovoPianoForm,
    ObiettivoForm,
    PassaggioForm,
    PianoForm,
    ProrogaForm,
    RevisioneForm,
    RevocaCorresponsabileForm,
    RipartoForm,
    RisorsaForm,
    SottoscrittoreForm,
    SovrazonaleForm,
)
from .models import (
    Azione,
    IndicatoreObiettivo,
    ModalitaAdesione,
    Obiettivo,
    ObiettivoProvinciale,
    Piano,
    Prologo,
    Revisione,
    Risorsa,
    Target,
)
from .permessi import OBIETTIVO_SCRIVIBILE, PIANO_SCRIVIBILE, PIANO_VISIBILE, UFFICIO_DI_PIANO
from .popolazione import riparto_per_popolazione, verifica_tabella_prologo_2025
from .riparto import RipartoNonValido

# --- plans -------------------------------------------------------------------------------


def _piano(request, pk):
    """The plan of the URL, through the one visibility rule (the policy already answered 404
    for a plan the user may not see; this keeps the view honest on its own)."""
    return get_object_or_404(Piano.objects.visibili_a(request.user).select_related("ambito"), pk=pk)


def _obiettivo(request, obiettivo):
    return get_object_or_404(Obiettivo.objects.visibili_a(request.user).select_related("piano"), pk=obiettivo)


@policy(read=PUBBLICO)
def elenco(request):
    piani = (
        Piano.objects.visibili_a(request.user)
        .select_related("ambito")
        .con_revisioni()
        .order_by("-anno_inizio", "ambito__nome")
    )
    return render(
        request,
        "programmazione/elenco.html",
        {"piani": piani, "puo_creare": permessi.puo_creare(request.user)},
    )


@policy(read=UFFICIO_DI_PIANO, write=UFFICIO_DI_PIANO)
def nuovo_piano(request):
    if request.user.is_superuser:
        ambiti = Ambito.objects.all()
    else:
        ambiti = Ambito.objects.filter(pk=fatti(request.user).ufficio_di_piano)
    form = NuovoPianoForm(request.POST or None, ambiti=ambiti, initial={"ambito": ambiti.first()})
    if request.method == "POST" and form.is_valid():
        try:
            piano = services.crea_piano(
                request.user,
                form.cleaned_data["ambito"],
                form.cleaned_data["anno_inizio"],
                titolo=form.cleaned_data["titolo"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"Creato il {piano}.")
            return redirect("programmazione:piano", pk=piano.pk)
    return render(request, "programmazione/modulo.html", {"form": form, "titolo": "Nuovo Piano di Zona"})


@policy(read=PIANO_VISIBILE)
def piano(request, pk):
    piano = _piano(request, pk)
    # The revisions once: the open one, the extension and their list below all read them.
    prefetch_related_objects([piano], Prefetch("revisioni", queryset=Revisione.objects.select_related("aperta_da")))
    puo_modificare = permessi.puo_modificare(request.user, piano)
    passaggio = services.PASSAGGI.get(piano.stato)
    revisione = piano.revisione_aperta()
    obiettivi = selectors.obiettivi_in_elenco(piano)
    accordo = selectors.accordo_di(piano)
    per_area = {}
    for o in obiettivi:
        per_area.setdefault(o.area_policy, []).append(o)
    return render(
        request,
        "programmazione/piano.html",
        {
            "piano": piano,
            "per_area": sorted(per_area.items(), key=lambda x: x[0].codice if x[0] else "~"),
            "numero_obiettivi": len(obiettivi),
            # The estimated amount each Tabella 3 sheet gives, apart from the budget per fund.
            "preventivati": selectors.importi_preventivati(piano, obiettivi),
            "riepilogo": selectors.riepilogo_finanziario(piano),
            "puo_modificare": puo_modificare,
            "modificabile": puo_modificare and piano.modificabile(),
            "passaggio": passaggio[2] if passaggio else None,
            "passaggio_form": PassaggioForm(initial={"data": datetime.date.today(), "versione": piano.versione}),
            "revisione_form": RevisioneForm(),
            "proroga": piano.proroga(),
            "proroga_form": ProrogaForm(piano=piano) if puo_modificare and piano.pubblico else None,
            "progetti": piano.progetti.select_related("obiettivo"),
            "chiudi_revisione_form": ChiudiRevisioneForm(),
            "revisione": revisione,
            "revisioni": piano.revisioni.all(),
            "accordo": accordo.accordo if accordo else None,
            "sottoscrittori": accordo.sottoscrittori if accordo else [],
            "macroaree": piano.macroaree.prefetch_related("aree_policy"),
            "sottoscrittore_form": _form_sottoscrittore(piano) if puo_modificare and piano.pubblico else None,
        },
    )


def _form_sottoscrittore(piano, dati=None):
    from territorio.selectors import comuni_di

    return SottoscrittoreForm(dati, prefix="s", comuni=comuni_di(piano.ambito, datetime.date.today()))


@policy(write=PIANO_SCRIVIBILE)
def sottoscrittore(request, pk):
    piano = _piano(request, pk)
    form = _form_sottoscrittore(piano, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.aggiungi_sottoscrittore(
                request.user,
                piano,
                d["tipo"],
                d["nome"],
                d["comune"],
                d["aderito_il"],
                modalita=d["modalita"] or ModalitaAdesione.FIRMA,
                ritirato_il=d["ritirato_il"],
            )
        except ValidationError as e:
            messages.error(request, "Non è stato salvato nulla: " + " ".join(e.messages))
        else:
            messages.success(request, f"{d['nome']} aggiunto ai sottoscrittori dell'accordo.")
    else:
        messages.error(request, f"Non è stato salvato nulla: {errori_in_breve(form)}")
    return redirect("programmazione:piano", pk=piano.pk)


@policy(read=PIANO_SCRIVIBILE, write=PIANO_SCRIVIBILE)
def piano_modifica(request, pk):
    piano = _piano(request, pk)
    form = PianoForm(request.POST or None, instance=piano)
    if request.method == "POST" and form.is_valid():
        try:
            services.salva_piano(request.user, form.instance, form.cleaned_data["versione"])
        except ValidationError as e:
            mostra_conflitto(form, e)
        else:
            messages.success(request, "Piano salvato.")
            return redirect("programmazione:piano", pk=piano.pk)
    return render(
        request, "programmazione/modulo.html", {"form": form, "titolo": f"Modifica – {piano}", "piano": piano}
    )


@policy(write=PIANO_SCRIVIBILE)
def piano_stato(request, pk):
    piano = _piano(request, pk)
    azione = request.POST.get("azione")
    try:
        if azione == "avanza":
            form = PassaggioForm(request.POST)
            if not form.is_valid():
                raise ValidationError(MANCA_VERSIONE if "versione" in form.errors else "Indicare una data valida.")
            services.avanza_stato(
                request.user,
                piano,
                form.cleaned_data["data"],
                form.cleaned_data["delibera"],
                form.cleaned_data["versione"],
            )
            messages.success(request, f"Stato del piano: {piano.get_stato_display()}.")
        elif azione == "apri_revisione":
            form = RevisioneForm(request.POST)
            services.apri_revisione(request.user, piano, form.data.get("motivo", ""))
            messages.success(request, "Revisione aperta: il piano è modificabile fino alla sua chiusura.")
        elif azione == "proroga":
            form = ProrogaForm(request.POST, piano=piano)
            if not form.is_valid():
                raise ValidationError(f"Non è stato salvato nulla: {errori_in_breve(form)}")
            d = form.cleaned_data
            services.proroga_piano(
                request.user,
                piano,
                d["prorogato_al"],
                d["atto_ente"],
                d["atto_numero"],
                d["atto_data"],
                d["obiettivi"],
            )
            messages.success(request, f"Proroga registrata: il piano è in vigore fino al {d['prorogato_al']:%d/%m/%Y}.")
        elif azione == "chiudi_revisione":
            services.chiudi_revisione(request.user, piano, request.POST.get("delibera", ""))
            messages.success(request, "Revisione chiusa.")
        else:
            raise ValidationError("Operazione sconosciuta.")
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("programmazione:piano", pk=piano.pk)


@policy(read=PIANO_VISIBILE)
def sinottica(request, pk):
    piano = _piano(request, pk)
    return render(
        request,
        "programmazione/sinottica.html",
        {"piano": piano, "righe": selectors.sinottica(piano), "matrice": selectors.matrice_aree(piano)},
    )


@policy(read=PIANO_VISIBILE)
def esporta_obiettivi(request, pk):
    piano = _piano(request, pk)
    # Visibility is already decided: the file depends on the plan's data only.
    contenuto = memorizza(
        f"tabella3-xlsx:{piano.pk}",
        lambda: tabella3.esporta_xlsx(piano, list(selectors.obiettivi_del_piano(piano))),
    )
    risposta = HttpResponse(contenuto, content_type=XLSX)
    risposta["Content-Disposition"] = f'attachment; filename="obiettivi-{piano.ambito_id}-{piano.triennio}.xlsx"'
    return risposta


@policy(read=PIANO_SCRIVIBILE, write=PIANO_SCRIVIBILE)
def importa_obiettivi(request, pk):
    piano = _piano(request, pk)
    form = ImportaObiettiviForm(request.POST or None, request.FILES or None)
    errori = []
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            righe = tabella3.leggi_file(f.read(), f.name)
            creati, aggiornati = tabella3.importa_obiettivi(request.user, piano, righe, fonte=f"file {f.name}")
        except FileRifiutato as e:
            errori = e.errori
        else:
            messages.success(request, f"File caricato: {creati} obiettivi aggiunti, {aggiornati} aggiornati.")
            return redirect("programmazione:piano", pk=piano.pk)
    return render(
        request,
        "programmazione/importa.html",
        {"form": form, "piano": piano, "errori": errori, "colonne": tabella3.COLONNE},
    )


# --- objectives --------------------------------------------------------------------------


@policy(read=PIANO_SCRIVIBILE, write=PIANO_SCRIVIBILE)
def obiettivo_nuovo(request, pk):
    piano = _piano(request, pk)
    return _modulo_obiettivo(request, piano, Obiettivo(piano=piano))


@policy(read=PIANO_VISIBILE)
def obiettivo(request, obiettivo):
    ob = get_object_or_404(
        selectors.obiettivi_con_dettagli().visibili_a(request.user).select_related("piano__ambito"), pk=obiettivo
    )
    piano = ob.piano
    modificabile = permessi.modificabile(request.user, piano)
    # The Ufficio di Piano names the co-responsible agencies also after approval (the service's rule).
    sceglie_enti = ob.integrazione_sociosanitaria and permessi.puo_modificare(request.user, piano)
    # The LEPS the objective implements, each with its status for the plan's Ambito.
    leps_ob, anno_leps = list(ob.leps.all()), offerta_leps.anno_del_piano(piano.anno_fine, datetime.date.today())
    stati = {s.codice: s for s in offerta_leps.stati_ambito(piano.ambito_id, anno_leps)} if leps_ob else {}
    return render(
        request,
        "programmazione/obiettivo.html",
        {
            "piano": piano,
            "ob": ob,
            "leps": [stati[x.codice] for x in leps_ob if x.codice in stati],
            "anno_leps": anno_leps,
            "modificabile": modificabile,
            # An ATS or ASST co-responsible for it edits the sheet, and nothing else of the plan.
            "scheda_modificabile": piano.modificabile() and permessi.puo_modificare_obiettivo(request.user, ob),
            "corresponsabili": list(ob.corresponsabili.select_related("ats", "asst")),
            "anni": piano.anni,
            "indicatori": [
                (i, [next((t.valore for t in i.target.all() if t.anno == a), None) for a in piano.anni])
                for i in ob.indicatori.all()
            ],
            "totale_risorse": sum((r.importo for r in ob.risorse.all()), Decimal(0)),
            "azione_form": AzioneForm(prefix="azione") if modificabile else None,
            "indicatore_form": IndicatoreForm(prefix="indicatore", anni=piano.anni) if modificabile else None,
            "risorsa_form": RisorsaForm(prefix="risorsa", anni=piano.anni) if modificabile else None,
            **(_moduli_corresponsabili(ob) if sceglie_enti else {}),
            "sceglie_enti": sceglie_enti,
        },
    )


def _moduli_corresponsabili(ob, dati=None, azione=None):
    ats, asst = selectors.enti_sanitari_del_piano(ob.piano)
    return {
        "corresponsabile_form": CorresponsabileForm(
            dati if azione == "corresponsabile" else None, prefix="corresponsabile", ats=ats, asst=asst
        ),
        "revoca_form": RevocaCorresponsabileForm(dati if azione == "revoca" else None, prefix="revoca", obiettivo=ob),
    }


@policy(write=PIANO_SCRIVIBILE)
def corresponsabili(request, obiettivo):
    """Name an ATS or ASST of the plan's territory co-responsible of a socio-health objective,
    or revoke it (the Ufficio di Piano of the plan)."""
    ob = _obiettivo(request, obiettivo)

    def scrivi(azione, d):
        if azione == "corresponsabile":
            c = services.assegna_corresponsabilita(request.user, ob, compiti=d["compiti"], **d["ente"])
            return f"{c.ats or c.asst} è ora corresponsabile dell'obiettivo {ob.codice}."
        c = d["corresponsabile"]
        services.revoca_corresponsabilita(request.user, c)
        return f"{c.ats or c.asst} non è più corresponsabile dell'obiettivo {ob.codice}."

    return esegui_azione(
        request,
        lambda dati, azione: _moduli_corresponsabili(ob, dati, azione),
        scrivi,
        "programmazione:obiettivo",
        obiettivo=ob.pk,
    )


@policy(read=OBIETTIVO_SCRIVIBILE, write=OBIETTIVO_SCRIVIBILE)
def obiettivo_modifica(request, obiettivo):
    ob = _obiettivo(request, obiettivo)
    return _modulo_obiettivo(request, ob.piano, ob)


def _modulo_obiettivo(request, piano, ob):
    form = ObiettivoForm(request.POST or None, instance=ob, piano=piano)
    if request.method == "POST" and form.is_valid():
        m2m = {
            c: form.cleaned_data[c]
            for c in ("aree_trasversali", "leps", "obiettivi_provinciali")
            if c in form.cleaned_data
        }
        ob = form.save(commit=False)
        try:
            services.salva_obiettivo(request.user, ob, form.cleaned_data["versione"], m2m=m2m)
        except ValidationError as e:
            mostra_conflitto(form, e)
        else:
            messages.success(request, f"Obiettivo {ob.codice} salvato.")
            return redirect("programmazione:obiettivo", obiettivo=ob.pk)
    titolo = f"Modifica obiettivo {ob.codice}" if ob.pk else "Nuovo obiettivo"
    return render(request, "programmazione/modulo.html", {"form": form, "titolo": titolo, "piano": piano})


def _aggiungi(request, obiettivo, form_class, nome, prefix, con_anni=False):
    """Add an action, indicator or resource; `nome` is the message's subject ("Azione aggiunta")."""
    ob = _obiettivo(request, obiettivo)
    form = form_class(request.POST, prefix=prefix, **({"anni": ob.piano.anni} if con_anni else {}))
    if form.is_valid():
        oggetto = form.save(commit=False)
        oggetto.obiettivo = ob
        if hasattr(oggetto, "ordine"):
            oggetto.ordine = type(oggetto).objects.filter(obiettivo=ob).count() + 1
        try:
            services.salva_dettaglio(request.user, oggetto)
            if isinstance(form, IndicatoreForm):
                for anno, valore in form.target().items():
                    services.salva_dettaglio(request.user, Target(indicatore=oggetto, anno=anno, valore=valore))
        except ValidationError as e:
            messages.error(request, "Non è stato salvato nulla: " + " ".join(e.messages))
        else:
            messages.success(request, f"{nome}.")
    else:
        messages.error(request, f"Non è stato salvato nulla: {errori_in_breve(form)}")
    return redirect("programmazione:obiettivo", obiettivo=ob.pk)


@policy(write=PIANO_SCRIVIBILE)
def azione_aggiungi(request, obiettivo):
    return _aggiungi(request, obiettivo, AzioneForm, "Azione aggiunta", "azione")


@policy(write=PIANO_SCRIVIBILE)
def indicatore_aggiungi(request, obiettivo):
    return _aggiungi(request, obiettivo, IndicatoreForm, "Indicatore aggiunto", "indicatore", con_anni=True)


@policy(write=PIANO_SCRIVIBILE)
def risorsa_aggiungi(request, obiettivo):
    return _aggiungi(request, obiettivo, RisorsaForm, "Risorsa aggiunta", "risorsa", con_anni=True)


_DETTAGLI = {"azione": Azione, "indicatore": IndicatoreObiettivo, "risorsa": Risorsa}


@policy(write=PIANO_SCRIVIBILE)
def dettaglio_elimina(request, obiettivo, tipo, id):
    ob = _obiettivo(request, obiettivo)
    modello = _DETTAGLI.get(tipo)
    if modello is None:
        return HttpResponse(status=404)
    oggetto = get_object_or_404(modello, pk=id, obiettivo=ob)
    try:
        services.elimina_dettaglio(request.user, oggetto)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, "Eliminato.")
    return redirect("programmazione:obiettivo", obiettivo=ob.pk)


# --- provincial level --------------------------------------------------------------------


def _anno_scelto(request, disponibili):
    try:
        anno = parametro(request, "triennio", valori.anno)
    except ParametroNonValido:
        anno = None  # the latest, as when none is asked
    return anno if anno in disponibili else (max(disponibili) if disponibili else None)


@policy(read=PUBBLICO)
def confronto(request):
    trienni = selectors.trienni_disponibili(request.user)
    anno = _anno_scelto(request, [a for a, _ in trienni])
    dati = selectors.confronto_piani(anno, request.user) if anno else None
    if dati and request.GET.get("formato") in {"csv", "xlsx"}:
        intestazione = (
            ["ambito", "stato", "obiettivi"]
            + [a.codice for a in dati["aree"]]
            + ["sistema"]
            + [f.value for f in dati["fondi"]]
            + ["budget"]
        )
        righe = [
            [
                r["piano"].ambito.nome,
                r["piano"].get_stato_display(),
                r["obiettivi"],
                *r["per_area"],
                r["sistema"],
                *r["per_fondo"],
                r["budget"],
            ]
            for r in dati["righe"]
        ]
        return scarica_tabella(f"confronto-piani-{anno}", request.GET["formato"], intestazione, righe)
    return render(request, "programmazione/confronto.html", {"trienni": trienni, "anno": anno, "dati": dati})


@policy(read=PUBBLICO)
def prologo(request):
    prologhi = list(Prologo.objects.all())
    anno = _anno_scelto(request, [p.anno_inizio for p in prologhi])
    scelto = next((p for p in prologhi if p.anno_inizio == anno), None)
    obiettivi = []
    if scelto:
        # Only the plan objectives the user may see: drafts of other Ambiti are not listed.
        collegati = Obiettivo.objects.visibili_a(request.user).select_related("piano__ambito")
        obiettivi = list(
            ObiettivoProvinciale.objects.filter(prologo=scelto).prefetch_related(
                "azioni", Prefetch("obiettivi_di_piano", queryset=collegati)
            )
        )
    return render(
        request, "programmazione/prologo.html", {"prologhi": prologhi, "prologo": scelto, "obiettivi": obiettivi}
    )


@policy(read=PUBBLICO)
def riparto(request):
    form = RipartoForm(request.GET or None)
    risultato = errore = None
    if form.is_bound and form.is_valid():
        try:
            risultato = riparto_per_popolazione(
                form.cleaned_data["importo"],
                form.cleaned_data["anno"],
                [a.pk for a in form.cleaned_data["ambiti"]] or None,
            )
        except RipartoNonValido as e:
            errore = str(e)
        else:
            if request.GET.get("formato") in {"csv", "xlsx"}:
                righe = [[r.ambito.nome, r.popolazione, r.quota] for r in risultato.righe]
                return scarica_tabella(
                    f"riparto-{form.cleaned_data['anno']}",
                    request.GET["formato"],
                    ["ambito", "popolazione", "quota"],
                    righe,
                )
    return render(
        request,
        "programmazione/riparto.html",
        {
            "form": form,
            "risultato": risultato,
            "errore": errore,
            "prologo": memorizza("verifica-prologo-2025", verifica_tabella_prologo_2025, dati=CONOSCENZA),
        },
    )


@policy(read=PUBBLICO, write=COORDINAMENTO)
def sovrazonali(request):
    """The shared objectives of a triennio and the reward; the coordination records them."""
    trienni = sorted({a for a, _ in selectors.trienni_disponibili(request.user)} | {2021, 2025}, reverse=True)
    anno = _anno_scelto(request, trienni)
    form = None
    if fatti(request.user).coordinamento:
        form = SovrazonaleForm(request.POST or None, initial={"anno_inizio": anno, "anno_fine": anno + 2})
        if request.method == "POST" and form.is_valid():
            ob = form.save()
            messages.success(request, f"Obiettivo sovrazonale «{ob.titolo}» registrato.")
            return redirect(f"{request.path}?triennio={ob.anno_inizio}")
    esiti, premi = selectors.premialita(anno)
    return render(
        request,
        "programmazione/sovrazonali.html",
        {"trienni": trienni, "anno": anno, "esiti": esiti, "premi": premi, "form": form},
    )
