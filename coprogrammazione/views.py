"""Pages of the co-programming: thin over selectors (reads), services and posta (writes)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from programmazione.models import Azione, Obiettivo, Piano
from programmazione.permessi import PIANO_SCRIVIBILE, PIANO_VISIBILE
from territorio.models import Ambito
from zona.lib import valori
from zona.lib.cache import memorizza
from zona.lib.downloads import scarica_tabella
from zona.lib.forms import errori_in_breve, esegui_azione
from zona.lib.ingressi import ParametroNonValido, parametro, scelta
from zona.lib.policies import PUBBLICO, policy
from zona.lib.tabular import FileRifiutato

from . import importa, permessi, posta, selectors, services
from .forms import (
    AccordoForm,
    AvvisoForm,
    ChiusuraForm,
    CommentoForm,
    ComponenteForm,
    ConsultazioneForm,
    CoprogettazioneForm,
    EsitoForm,
    FinanziamentoForm,
    ImportaForm,
    IncontroForm,
    InvioForm,
    ManifestazioneForm,
    MonitoraggioCoprogettazioneForm,
    PartnerForm,
    RipartoForm,
    SedutaForm,
    TavoloForm,
)
from .models import AreaAvviso, Avviso, Consultazione, Coprogettazione, Incontro, Organizzazione, TipoOrganizzazione
from .permessi import (
    ASSEMBLEA_SCRIVIBILE,
    REGISTRO_SCRIVIBILE,
    TAVOLO_COMMENTABILE,
    TAVOLO_SCRIVIBILE,
    TAVOLO_VISIBILE,
)

# --- registry of organisations ---------------------------------------------------------------


@policy(read=PUBBLICO)
def organizzazioni(request):
    try:
        testo = parametro(request, "q", max_lunghezza=100, predefinito="")
        tipo = scelta(request, "tipo", set(TipoOrganizzazione.values))
        formato = scelta(request, "formato", {"csv", "xlsx"})
    except ParametroNonValido as e:
        return e.risposta()
    elenco = selectors.organizzazioni(testo, tipo)
    if formato:
        intestazione = ["nome", "tipo", "codice_fiscale", "forma_giuridica", "runts_numero", "runts_sezione", "sede"]
        righe = [
            [
                o.nome,
                o.tipo,
                o.codice_fiscale,
                o.forma_giuridica,
                o.runts_numero,
                o.runts_sezione,
                o.sede_comune.nome if o.sede_comune else "",
            ]
            for o in elenco
        ]
        return scarica_tabella("organizzazioni", formato, intestazione, righe, foglio="Organizzazioni")
    return render(
        request,
        "coprogrammazione/organizzazioni.html",
        {
            "organizzazioni": elenco[:500],
            "totale": elenco.count(),
            "q": testo,
            "tipo": tipo,
            "tipi": TipoOrganizzazione.choices,
            "puo_importare": permessi.puo_scrivere_registro(request.user),
        },
    )


@policy(read=PUBBLICO)
def organizzazione(request, organizzazione):
    # The argument is not called `pk`: there `pk` names a plan (the draft scan swaps in a draft's id).
    org = get_object_or_404(Organizzazione.objects.select_related("sede_comune"), pk=organizzazione)
    return render(
        request,
        "coprogrammazione/organizzazione.html",
        {"p": selectors.pagina_organizzazione(org, request.user), "org": org},
    )


@policy(read=REGISTRO_SCRIVIBILE, write=REGISTRO_SCRIVIBILE)
def importa_organizzazioni(request):
    form = ImportaForm(request.POST or None, request.FILES or None)
    errori = []
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            nuove, aggiornate = importa.importa_organizzazioni(
                importa.leggi_file(f.read(), f.name), fonte=f"file {valori.mostra(f.name, 100)}"
            )
        except FileRifiutato as e:
            errori = e.errori
        else:
            messages.success(request, f"File caricato: {nuove} organizzazioni aggiunte, {aggiornate} aggiornate.")
            return redirect("coprogrammazione:organizzazioni")
    return render(
        request,
        "coprogrammazione/importa.html",
        {"form": form, "errori": errori, "colonne": importa.TRACCIATO.colonne, "esempio": importa.ESEMPIO},
    )


# --- the procedure of a plan -----------------------------------------------------------------


def _moduli_piano(piano, dati=None, azione=None):
    aree = AreaAvviso.objects.filter(avviso__piano=piano)
    organizzazioni = Organizzazione.objects.order_by("nome")
    return {
        "avviso_form": AvvisoForm(dati if azione == "avviso" else None, prefix="avviso"),
        "manifestazione_form": ManifestazioneForm(
            dati if azione == "manifestazione" else None,
            prefix="manifestazione",
            avvisi=Avviso.objects.filter(piano=piano),
            organizzazioni=organizzazioni,
            aree=aree,
        ),
        "tavolo_form": TavoloForm(
            dati if azione == "tavolo" else None, prefix="tavolo", aree=aree, organizzazioni=organizzazioni
        ),
    }


def _scrivi_piano(user, piano, azione, d):
    """Runs the form named by `azione`; returns the success message."""
    if azione == "avviso":
        campi = {k: d[k] for k in ("atto", "approvato_il", "pubblicato_il", "scadenza")}
        services.crea_avviso(user, piano, d["titolo"], aree=d["aree"], **campi)
        return "Avviso registrato."
    if azione == "manifestazione":
        accolta = {"si": True, "no": False}.get(d["accolta"])
        services.registra_manifestazione(
            user,
            d["avviso"],
            d["organizzazione"],
            aree=d["aree"],
            ricevuta_il=d["ricevuta_il"],
            accolta=accolta,
            motivo=d["motivo"],
        )
        return "Manifestazione di interesse registrata."
    services.crea_tavolo(
        user, piano, d["titolo"], area=d["area"], coordinatore=d["coordinatore"], descrizione=d["descrizione"]
    )
    return "Tavolo registrato."


@policy(read=PIANO_VISIBILE, write=PIANO_SCRIVIBILE)
def piano(request, pk):
    p = get_object_or_404(Piano.objects.visibili_a(request.user).select_related("ambito"), pk=pk)
    puo_scrivere = permessi.puo_scrivere(request.user, p)
    if request.method == "POST":
        return esegui_azione(
            request,
            lambda dati, azione: _moduli_piano(p, dati, azione),
            lambda azione, d: _scrivi_piano(request.user, p, azione, d),
            "coprogrammazione:piano",
            pk=p.pk,
        )
    return render(
        request,
        "coprogrammazione/piano.html",
        {
            "piano": p,
            # The same for every visitor of the plan (no personal data): once per data version.
            "c": memorizza(f"coprogrammazione-piano:{p.pk}", lambda: selectors.coprogrammazione_del_piano(p)),
            "puo_scrivere": puo_scrivere,
            **(_moduli_piano(p) if puo_scrivere else {}),
        },
    )


def _moduli(tavolo, dati=None, azione=None):
    incontri = Incontro.objects.filter(tavolo=tavolo)
    return {
        "incontro_form": IncontroForm(
            dati if azione == "incontro" else None,
            prefix="incontro",
            organizzazioni=Organizzazione.objects.filter(partecipazioni__tavolo=tavolo).distinct(),
        ),
        "esito_form": EsitoForm(
            dati if azione == "esito" else None,
            prefix="esito",
            incontri=incontri,
            obiettivi=Obiettivo.objects.filter(piano=tavolo.piano).order_by("ordine", "codice"),
        ),
        "invio_form": InvioForm(dati if azione == "invio" else None, prefix="invio", incontri=incontri),
        "componente_form": ComponenteForm(
            dati if azione == "componente" else None,
            prefix="componente",
            organizzazioni=Organizzazione.objects.order_by("nome"),
        ),
        "consultazione_form": ConsultazioneForm(
            dati if azione == "consultazione" else None,
            prefix="consultazione",
            obiettivi=Obiettivo.objects.filter(piano=tavolo.piano).order_by("ordine", "codice"),
        ),
        "chiusura_form": ChiusuraForm(
            dati if azione == "chiusura" else None,
            prefix="chiusura",
            consultazioni=Consultazione.objects.filter(tavolo=tavolo, chiusa_il__isnull=True).select_related(
                "obiettivo"
            ),
        ),
    }


def _scrivi(user, tavolo, azione, d):
    """Runs the form named by `azione`; returns the success message."""
    if azione == "incontro":
        services.registra_incontro(
            user,
            tavolo,
            d["data"],
            organizzazioni_presenti=d["presenti"],
            ora=d["ora"],
            luogo=d["luogo"],
            online=d["online"],
            ordine_del_giorno=d["ordine_del_giorno"],
            verbale=d["verbale"],
        )
        return "Incontro registrato."
    if azione == "componente":
        services.aggiungi_componente(
            user, tavolo, d["organizzazione"], d["nome"], d["email"], d["coordinatore"], d["utente"]
        )
        return "Componente aggiunto."
    if azione == "consultazione":
        services.apri_consultazione(user, tavolo, d["obiettivo"], d["aperta_il"], d["domanda"])
        return f"Obiettivo {d['obiettivo'].codice} sottoposto al tavolo."
    if azione == "chiusura":
        services.chiudi_consultazione(user, d["consultazione"], d["chiusa_il"])
        return "Consultazione chiusa: non riceve più commenti."
    if azione == "esito":
        services.registra_esito(user, tavolo, d["tipo"], d["testo"], obiettivi=d["obiettivi"], incontro=d["incontro"])
        return "Esito registrato."
    invio = posta.invia(user, d["incontro"], d["tipo"])
    return f"{invio.get_tipo_display()} in invio a {invio.destinatari} componenti."


@policy(read=TAVOLO_VISIBILE, write=TAVOLO_SCRIVIBILE)
def tavolo(request, tavolo):
    t = get_object_or_404(permessi.tavoli_visibili(request.user).select_related("piano__ambito", "area"), pk=tavolo)
    puo_scrivere = permessi.puo_scrivere(request.user, t.piano)
    if request.method == "POST":
        return esegui_azione(
            request,
            lambda dati, azione: _moduli(t, dati, azione),
            lambda azione, d: _scrivi(request.user, t, azione, d),
            "coprogrammazione:tavolo",
            tavolo=t.pk,
        )
    d = selectors.dettaglio_tavolo(t, request.user)
    aperte = [r.consultazione.pk for r in d.consultazioni if r.commentabile]
    return render(
        request,
        "coprogrammazione/tavolo.html",
        {
            "d": d,
            "t": t,
            "piano": t.piano,
            "puo_scrivere": puo_scrivere,
            "commento_form": _commento_form(t, consultazioni=aperte) if aperte else None,
            **(_moduli(t) if puo_scrivere else {}),
        },
    )


def _commento_form(tavolo, dati=None, consultazioni=None):
    qs = Consultazione.objects.filter(tavolo=tavolo, chiusa_il__isnull=True).select_related("obiettivo")
    if consultazioni is not None:
        qs = qs.filter(pk__in=consultazioni)
    return CommentoForm(dati, prefix="commento", consultazioni=qs.order_by("obiettivo__ordine", "obiettivo__codice"))


@policy(write=TAVOLO_COMMENTABILE)
def commento(request, tavolo):
    """A member's comment on an objective submitted to its table."""
    t = get_object_or_404(permessi.tavoli_visibili(request.user), pk=tavolo)
    form = _commento_form(t, request.POST)
    if not form.is_valid():
        messages.error(request, f"Commento non salvato: {errori_in_breve(form)}")
    else:
        try:
            services.commenta(request.user, form.cleaned_data["consultazione"], form.cleaned_data["testo"])
        except (ValidationError, PermissionDenied) as e:
            messages.error(request, "Commento non salvato: " + " ".join(getattr(e, "messages", [str(e)])))
        else:
            messages.success(request, "Commento registrato, con il suo autore.")
    return redirect("coprogrammazione:tavolo", tavolo=t.pk)


@policy(read=PIANO_VISIBILE)
def obiettivo(request, obiettivo):
    ob = get_object_or_404(Obiettivo.objects.visibili_a(request.user).select_related("piano__ambito"), pk=obiettivo)
    return render(
        request,
        "coprogrammazione/obiettivo.html",
        {"ob": ob, "piano": ob.piano, "provenienze": selectors.provenienza_obiettivo(ob)},
    )


# --- co-progettazione ------------------------------------------------------------------------


def _moduli_coprogettazione(ob, dati=None, azione=None):
    coprogettazioni = Coprogettazione.objects.filter(obiettivo=ob)
    organizzazioni = Organizzazione.objects.order_by("nome")

    def d(nome):
        return dati if azione == nome else None

    return {
        "coprogettazione_form": CoprogettazioneForm(
            d("coprogettazione"), prefix="coprogettazione", azioni=Azione.objects.filter(obiettivo=ob)
        ),
        "partner_form": PartnerForm(
            d("partner"), prefix="partner", coprogettazioni=coprogettazioni, organizzazioni=organizzazioni
        ),
        "riparto_form": RipartoForm(d("riparto"), prefix="riparto", coprogettazioni=coprogettazioni),
        "accordo_form": AccordoForm(d("accordo"), prefix="accordo", coprogettazioni=coprogettazioni),
        "finanziamento_form": FinanziamentoForm(
            d("finanziamento"),
            prefix="finanziamento",
            coprogettazioni=coprogettazioni,
            movimenti=selectors.movimenti_collegabili(ob),
        ),
        "monitoraggio_form": MonitoraggioCoprogettazioneForm(
            d("monitoraggio"), prefix="monitoraggio", coprogettazioni=coprogettazioni
        ),
    }


def _scrivi_coprogettazione(user, ob, azione, d):
    """Runs the form named by `azione`; returns the success message."""
    if azione == "coprogettazione":
        services.crea_coprogettazione(
            user,
            ob,
            d["titolo"],
            d["budget"],
            azione=d["azione"],
            avviso=d["avviso"],
            avviso_pubblicato_il=d["avviso_pubblicato_il"],
        )
        return "Co-progettazione registrata."
    c = d["coprogettazione"]
    if azione == "partner":
        services.aggiungi_partner(user, c, d["organizzazione"], d["quota"], d["capofila"], d["selezionato_il"])
        return "Partner aggiunto."
    if azione == "riparto":
        services.ripartisci_in_parti_uguali(user, c)
        return "Budget ripartito in parti uguali tra i partner."
    if azione == "accordo":
        services.registra_accordo(user, c, d["strumento"], d["firmato_il"], d["atto"], d["dal"], d["al"])
        return "Accordo registrato."
    if azione == "finanziamento":
        services.collega_movimento(user, c, d["movimento"])
        return "Movimento del registro collegato."
    services.registra_monitoraggio_coprogettazione(user, c, d["data"], d["stato"], d["speso"], d["testo"])
    return "Monitoraggio registrato."


@policy(read=PIANO_VISIBILE, write=PIANO_SCRIVIBILE)
def coprogettazione(request, obiettivo):
    """The co-designs of an objective: one page for all of them, forms for the Ufficio di Piano."""
    ob = get_object_or_404(Obiettivo.objects.visibili_a(request.user).select_related("piano__ambito"), pk=obiettivo)
    puo_scrivere = permessi.puo_scrivere(request.user, ob.piano)
    if request.method == "POST":
        return esegui_azione(
            request,
            lambda dati, azione: _moduli_coprogettazione(ob, dati, azione),
            lambda azione, d: _scrivi_coprogettazione(request.user, ob, azione, d),
            "coprogrammazione:coprogettazione",
            obiettivo=ob.pk,
        )
    return render(
        request,
        "coprogrammazione/coprogettazione.html",
        {
            "ob": ob,
            "piano": ob.piano,
            "righe": selectors.coprogettazioni_obiettivo(ob, request.user),
            "puo_scrivere": puo_scrivere,
            "moduli": _elenco_moduli(_moduli_coprogettazione(ob)) if puo_scrivere else [],
        },
    )


_MODULI_COPROGETTAZIONE = [
    ("coprogettazione", "Nuova co-progettazione", "Registra"),
    ("partner", "Aggiungi un partner selezionato con la sua quota", "Aggiungi"),
    ("riparto", "Ripartisci il budget in parti uguali tra i partner (al centesimo)", "Ripartisci"),
    ("accordo", "Registra l'accordo o la convenzione sottoscritti", "Registra l'accordo"),
    ("finanziamento", "Collega un movimento del registro dei fondi", "Collega"),
    ("monitoraggio", "Registra il monitoraggio", "Registra"),
]


def _elenco_moduli(moduli):
    return [
        (azione, titolo, moduli[f"{azione}_form"], pulsante) for azione, titolo, pulsante in _MODULI_COPROGETTAZIONE
    ]


@policy(read=PUBBLICO)
def calendario(request):
    try:
        codice = parametro(request, "ambito", valori.codice, max_lunghezza=60)
        anno = parametro(request, "anno", valori.anno, minimo=1990, massimo=2100)
    except ParametroNonValido as e:
        return e.risposta()
    ambito = Ambito.objects.filter(pk=codice).first() if codice else None
    incontri = selectors.calendario(request.user, ambito, anno)
    mesi = {}
    for i in incontri:
        mesi.setdefault((i.data.year, i.data.month), []).append(i)
    return render(
        request,
        "coprogrammazione/calendario.html",
        {
            "mesi": [(i[0].data, i) for i in mesi.values()],
            "ambito": ambito,
            "anno": anno,
            "ambiti": Ambito.objects.order_by("nome"),
            "anni": selectors.anni_calendario(request.user),
        },
    )


# --- Assemblea dei Sindaci -------------------------------------------------------------------


def _seduta_form(ambito, dati=None):
    from territorio.selectors import comuni_di

    oggi = datetime.date.today()
    return SedutaForm(dati, prefix="seduta", comuni=comuni_di(ambito, oggi), piani=Piano.objects.filter(ambito=ambito))


@policy(read=PUBBLICO, write=ASSEMBLEA_SCRIVIBILE)
def assemblea(request, codice):
    ambito = get_object_or_404(Ambito, pk=codice)
    puo_scrivere = permessi.puo_scrivere_assemblea(request.user, ambito.pk)
    if request.method == "POST":
        form = _seduta_form(ambito, request.POST)
        if not form.is_valid():
            messages.error(request, f"Non è stato salvato nulla: {errori_in_breve(form)}")
        else:
            d = form.cleaned_data
            delibere = []
            if d["oggetto"]:
                delibere = [{"numero": d["numero"], "data": d["data"], "oggetto": d["oggetto"], "piano": d["piano"]}]
            try:
                services.registra_seduta(
                    request.user,
                    ambito,
                    d["data"],
                    comuni_presenti=d["presenti"],
                    comuni_assenti=[c for c in form.fields["presenti"].queryset if c not in d["presenti"]],
                    delibere=delibere,
                    luogo=d["luogo"],
                    ordine_del_giorno=d["ordine_del_giorno"],
                )
            except ValidationError as e:
                messages.error(request, "Non è stato salvato nulla: " + " ".join(e.messages))
            else:
                messages.success(request, "Seduta registrata.")
        return redirect("coprogrammazione:assemblea", codice=ambito.pk)
    sedute = selectors.sedute_di(ambito)
    visibili = set(Piano.objects.visibili_a(request.user).filter(ambito=ambito).values_list("pk", flat=True))
    return render(
        request,
        "coprogrammazione/assemblea.html",
        {
            "ambito": ambito,
            "sedute": sedute,
            "piani_visibili": visibili,
            "seduta_form": _seduta_form(ambito) if puo_scrivere else None,
        },
    )
