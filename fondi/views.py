"""Pages of the funds: thin over selectors (reads) and services (writes)."""

import datetime
from decimal import Decimal
from html import escape
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from lavori.services import url_lavoro
from programmazione.permessi import UFFICIO_DI_PIANO
from territorio.models import Ambito
from zona.lib import valori
from zona.lib.cache import CONOSCENZA, memorizza
from zona.lib.downloads import scarica_tabella
from zona.lib.formato import VUOTO, numero
from zona.lib.policies import CON_RUOLO, COORDINAMENTO, PUBBLICO, policy
from zona.lib.tabular import FileRifiutato

from . import background, importa, permessi, selectors, services
from . import scenari as scenari_mod
from .forms import (
    ImportaForm,
    MovimentoForm,
    ProgettoPnrrForm,
    RipartoComuniForm,
    RiportoForm,
    SalvaScenarioForm,
    ScenarioForm,
    TraguardoForm,
)
from .models import Fondo, ProgettoPnrr, Scenario, TipoMovimento
from .policies import FONDI_DETTAGLIO, FONDI_SCRITTURA
from .riparto import riparto_tra_comuni

COLONNE = selectors.COLONNE
ETICHETTE = {"assegnato": "Assegnato e riportato"}
# What the public sees: the approved programming and the reported totals.
COLONNE_PUBBLICHE = selectors.COLONNE_PUBBLICHE


def _anno(request, anni):
    """The year asked for (?anno=), else the latest with movements, else the current one."""
    try:
        return valori.anno(request.GET.get("anno"), minimo=1990, massimo=2100)
    except valori.ValoreNonValido:
        return anni[0] if anni else datetime.date.today().year


def _formato(request):
    formato = request.GET.get("formato")
    return formato if formato in {"csv", "xlsx"} else None


def _valore(saldo, colonna):
    """As export_fondi: «assegnato» includes the residui carried over (net of those carried on)."""
    return selectors.valore_colonna(saldo, colonna)


def _etichette(colonne):
    return [ETICHETTE.get(c, c.capitalize()) for c in colonne]


def _barre(saldo, colonne):
    """Bars of a fund: (column, amount as text, width in percent of the largest figure shown;
    never of a figure the user may not see: the public's bars must not reveal the assigned
    amount). Each amount formatted once here: the row shows it three times (cell, bar, label),
    and formatting in the template was most of the page's time."""
    valori = [_valore(saldo, c) for c in colonne]
    base = max(valori) or 1
    return [(c, numero(v, 2), f"{float(v * 100 / base):.1f}") for c, v in zip(colonne, valori, strict=True)]


def _svg_barre(barre):
    """The bars of a fund as one SVG (a bar per column, its amount in the label and the title).
    Built here, not by template loops: five bars of three or four values each, times a dozen
    funds, were six hundred template variables and most of the page's CPU; and with plain
    strings, not format_html, whose lazy-aware escaping of each of the 300 values cost more than
    the rest of the SVG (bench/README.md, fondi_national). Every value is Zona's own (a column
    name, a formatted amount, a width), escaped all the same."""
    etichetta = escape(", ".join(f"{c} {testo} €" for c, testo, _ in barre))
    rettangoli = "".join(
        f'<rect x="0" y="{i * 10}" height="8" width="{escape(p)}%" class="zona-barra-{escape(c)}">'
        f"<title>{escape(c)}: {escape(testo)} €</title></rect>"
        for i, (c, testo, p) in enumerate(barre)
    )
    return mark_safe(  # noqa: S308 (escaped above)
        f'<svg class="zona-barre" width="160" height="{len(barre) * 10}" role="img" aria-label="{etichetta}">'
        f"{rettangoli}</svg>"
    )


def _celle(saldo, barre, dettaglio):
    """The amounts of a row (or of the total) as text: the columns shown, then for those who
    see the detail what is available, committed not yet paid, the residuo and the % of use."""
    celle = [testo for _, testo, _ in barre]
    if dettaglio:
        celle += [
            numero(saldo.disponibile, 2),
            numero(saldo.impegnato_non_liquidato, 2),
            numero(saldo.residuo, 2),
            numero(saldo.percentuale_utilizzo, 1),
        ]
    return celle


_SEGNAPOSTO_FONDO = "segnaposto-del-fondo"


def _tabella_ambito(ambito, anno, righe, totale, colonne, dettaglio):
    """The table of the Ambito's funds, built here with plain escaped strings like its bars
    (_svg_barre): a dozen funds of nine cells, rendered by the template's loops, were 2 ms of
    every request of the page (bench/README.md, fondi_national). Every cell text is escaped."""
    e = escape
    # A fund's history: one reverse for the page, the fund's code put in its place (a dozen
    # reverses were half a millisecond; the codes are the catalogue's, letters, digits, - and _).
    storia = reverse("fondi:storia", args=[ambito.pk, _SEGNAPOSTO_FONDO]) if dettaglio else None
    corpo = []
    for r in righe:
        barre = _barre(r.saldo, colonne)
        nome = e(r.fondo.nome)
        if storia:
            nome = f'<a href="{e(storia.replace(_SEGNAPOSTO_FONDO, quote(r.fondo.codice, safe="")))}">{nome}</a>'
        if r.chiuso:
            nome += ' <span class="badge bg-secondary">chiuso</span>'
        celle = "".join(f'<td class="zona-numero">{e(t)}</td>' for t in _celle(r.saldo, barre, dettaglio))
        corpo.append(f'<tr><th scope="row">{nome}</th>{celle}<td>{_svg_barre(barre)}</td></tr>')
    spiegazione = (
        "; disponibile = assegnato e riportato − programmato; residuo = assegnato e riportato − liquidato; "
        "% di utilizzo = liquidato sulle risorse dell'anno"
        if dettaglio
        else ""
    )
    intestazioni = "".join(f'<th scope="col" class="zona-numero">{e(t)}</th>' for t in _etichette(colonne))
    if dettaglio:
        intestazioni += "".join(
            f'<th scope="col" class="zona-numero">{t}</th>'
            for t in ("Disponibile", "Impegnato non liquidato", "Residuo", "% utilizzo")
        )
    somme = [(c, numero(_valore(totale, c), 2), "") for c in colonne]
    piede = "".join(f'<td class="zona-numero"><strong>{e(t)}</strong></td>' for t in _celle(totale, somme, dettaglio))
    return mark_safe(  # noqa: S308 (every value escaped above)
        '<table class="table table-sm zona-tabella" data-testid="fondi">'
        f"<caption>Importi in euro per fondo, anno di competenza {int(anno)}{spiegazione}.</caption>"
        f'<thead><tr><th scope="col">Fondo</th>{intestazioni}<th scope="col">Avanzamento</th></tr></thead>'
        f"<tbody>{''.join(corpo)}</tbody>"
        f'<tfoot><tr><th scope="row">Totale</th>{piede}<td></td></tr></tfoot></table>'
    )


@policy(read=PUBBLICO)
def ambito(request, codice):
    ambito = get_object_or_404(Ambito, pk=codice)
    anni = selectors.anni_con_movimenti(ambito.pk)
    anno = _anno(request, anni)
    dettaglio = permessi.puo_leggere_dettaglio(request.user, ambito.pk)
    colonne = COLONNE if dettaglio else COLONNE_PUBBLICHE
    dati_anno = selectors.anno_ambito(ambito.pk, anno, fuori_area=dettaglio)
    righe, totale = dati_anno.righe, dati_anno.totale
    formato = _formato(request)
    if formato:
        intestazione = ["fondo", "anno"] + colonne + (["residuo", "percentuale_utilizzo"] if dettaglio else [])
        dati = [
            [r.fondo.codice, anno]
            + [_valore(r.saldo, c) for c in colonne]
            + ([r.saldo.residuo, r.saldo.percentuale_utilizzo] if dettaglio else [])
            for r in righe
        ]
        return scarica_tabella(f"fondi-{ambito.pk}-{anno}", formato, intestazione, dati, foglio="Fondi")
    return render(
        request,
        "fondi/ambito.html",
        {
            "ambito": ambito,
            "anno": anno,
            "anni": sorted(set(anni) | {anno}, reverse=True),
            "tabella": _tabella_ambito(ambito, anno, righe, totale, colonne, dettaglio) if righe else None,
            "colonne": colonne,
            "dettaglio": dettaglio,
            "puo_scrivere": permessi.puo_scrivere(request.user, ambito.pk),
            "fuori_area": dati_anno.fuori_area,
            "fonti": dati_anno.fonti,
            "cofinanziamento": dati_anno.cofinanziamento,
        },
    )


@policy(read=PUBBLICO)
def provincia(request):
    visibili = permessi.ambiti_in_dettaglio(request.user)
    colonne = COLONNE if visibili is None else COLONNE_PUBBLICHE
    formato = _formato(request)
    if formato:
        anno = _anno(request, _anni_provincia())
        righe = _righe_provincia(_saldi_provincia(anno), visibili)
        dati = [[a.pk, a.nome, anno] + [_valore(s, c) if s else None for c in colonne] for a, s, _ in righe]
        return scarica_tabella(f"fondi-provincia-{anno}", formato, ["ambito", "nome", "anno"] + colonne, dati)
    # The page but the year's form is the same for everyone who sees the same Ambiti in detail:
    # the years with movements, the table of every Ambito (600 rows at national scale: a second
    # to render) and the catalogue, once per data version and view, in one value (each cached
    # value asked is a read of the shared cache: bench/README.md, fondi_national).
    try:
        chiesto = valori.anno(request.GET.get("anno"), minimo=1990, massimo=2100)
    except valori.ValoreNonValido:
        chiesto = None
    vista = "tutti" if visibili is None else ",".join(sorted(visibili))
    anno, anni, contenuto = memorizza(
        f"fondi-provincia-pagina:{chiesto}:{vista}",
        lambda: _pagina_provincia(chiesto, visibili, colonne),
    )
    return render(
        request,
        "fondi/provincia.html",
        {"anno": anno, "anni": anni, "contenuto": mark_safe(contenuto)},  # rendered by the template engine
    )


def _anni_provincia():
    # The years with movements: a DISTINCT over every Esercizio (70.000 at national scale,
    # 40 ms), once per data version.
    return memorizza("fondi-anni", selectors.anni_con_movimenti)


def _saldi_provincia(anno):
    # One grouped pass over a year of every Ambito's movements (0,3 s of PostgreSQL's CPU at
    # national scale, from the covering index): once per data version (every movement is
    # audited, so a new one changes the version), for the page and its downloads.
    return memorizza(f"fondi-provincia-{anno}", lambda: selectors.fondi_provincia(anno))


def _pagina_provincia(chiesto, visibili, colonne):
    """(year shown, [years to choose], HTML of the table of every Ambito and of the catalogue)."""
    anni = _anni_provincia()
    anno = chiesto if chiesto is not None else anni[0] if anni else datetime.date.today().year
    righe = _righe_provincia(_saldi_provincia(anno), visibili)
    contenuto = _tabella_provincia(anno, righe, colonne) + render_to_string(
        "fondi/_catalogo.html", {"catalogo": Fondo.objects.prefetch_related("aree")}
    )
    return anno, sorted(set(anni) | {anno}, reverse=True), contenuto


def _righe_provincia(per_ambito, visibili):
    """(Ambito, Saldo or None, whether the user sees its detail) of every Ambito, by name."""
    return [(a, per_ambito.get(a.pk), visibili is None or a.pk in visibili) for a in Ambito.objects.order_by("nome")]


def _tabella_provincia(anno, righe, colonne):
    """The province's table as HTML. Amounts formatted here, once each, and the template left
    with plain loops: 611 rows of formatting filters at national scale were 200 ms of CPU."""
    totale = sum((s for _, s, _ in righe if s), selectors.Saldo())
    vuote = [VUOTO] * len(colonne)
    return render_to_string(
        "fondi/_provincia_tabella.html",
        {
            "anno": anno,
            "righe": [
                (
                    a,
                    [numero(_valore(s, c), 2) for c in colonne] if s else vuote,
                    numero(s.percentuale_utilizzo, 1) if s and d and s.percentuale_utilizzo is not None else "",
                )
                for a, s, d in righe
            ],
            "etichette": _etichette(colonne),
            "totale": [numero(_valore(totale, c), 2) for c in colonne],
        },
    )


@policy(read=FONDI_DETTAGLIO)
def storia(request, codice, fondo):
    ambito = get_object_or_404(Ambito, pk=codice)
    fondo = get_object_or_404(Fondo, pk=fondo)
    anni = selectors.storia_fondo(ambito.pk, fondo.pk)
    formato = _formato(request)
    if formato:
        dati = [[fondo.codice, a] + [_valore(s, c) for c in COLONNE] + [s.residuo] for a, s, _ in anni]
        return scarica_tabella(
            f"fondo-{fondo.codice}-{ambito.pk}", formato, ["fondo", "anno"] + COLONNE + ["residuo"], dati
        )
    return render(
        request,
        "fondi/storia.html",
        {
            "ambito": ambito,
            "fondo": fondo,
            "anni": [(a, [_valore(s, c) for c in COLONNE], s, chiuso) for a, s, chiuso in anni],
            "colonne": COLONNE,
            "etichette": _etichette(COLONNE),
        },
    )


@policy(read=FONDI_DETTAGLIO)
def registro(request, codice):
    ambito = get_object_or_404(Ambito, pk=codice)
    anni = selectors.anni_con_movimenti(ambito.pk)
    anno = None
    if request.GET.get("anno"):
        anno = _anno(request, anni)
    try:
        fondo = valori.codice(request.GET.get("fondo"), campo="fondo", max_lunghezza=20, obbligatorio=False)
    except valori.ValoreNonValido:
        fondo = None
    if fondo and not Fondo.objects.filter(pk=fondo).exists():
        fondo = None
    tipo = request.GET.get("tipo") if request.GET.get("tipo") in TipoMovimento.values else None
    movimenti = selectors.registro(ambito.pk, anno=anno, fondo=fondo, tipo=tipo)
    formato = _formato(request)
    if formato:
        intestazione = [
            "fondo", "anno", "tipo", "numero", "data", "importo", "obiettivo", "servizio", "area",
            "beneficiario", "periodo_dal", "periodo_al", "utenti", "corregge", "corretto_da", "registrato_da",
        ]  # fmt: skip
        dati = [
            [
                m.esercizio.fondo.codice,
                m.esercizio.anno,
                m.tipo,
                m.numero,
                m.data.isoformat(),
                m.importo,
                m.obiettivo.codice if m.obiettivo else "",
                m.servizio,
                m.area_id or "",
                m.beneficiario,
                m.periodo_dal.isoformat() if m.periodo_dal else "",
                m.periodo_al.isoformat() if m.periodo_al else "",
                m.utenti,
                m.corregge.numero if m.corregge else "",
                m.corretto_da.numero if hasattr(m, "corretto_da") else "",
                m.registrato_da.username if m.registrato_da else "",
            ]
            for m in movimenti
        ]
        return scarica_tabella(f"registro-fondi-{ambito.pk}", formato, intestazione, dati, foglio="Registro")
    return render(
        request,
        "fondi/registro.html",
        {
            "ambito": ambito,
            "movimenti": movimenti[:500],
            "numero": movimenti.count(),
            "anni": anni,
            "anno": anno,
            "fondi": Fondo.objects.all(),
            "fondo": fondo,
            "tipi": TipoMovimento.choices,
            "tipo": tipo,
            "puo_scrivere": permessi.puo_scrivere(request.user, ambito.pk),
        },
    )


@policy(read=FONDI_SCRITTURA, write=FONDI_SCRITTURA)
def movimento(request, codice):
    ambito = get_object_or_404(Ambito, pk=codice)
    iniziale = {"anno": datetime.date.today().year, "data": datetime.date.today()}
    form = MovimentoForm(
        request.POST if request.POST.get("azione") != "riporto" else None, ambito=ambito, initial=iniziale
    )
    riporto = RiportoForm(request.POST if request.POST.get("azione") == "riporto" else None, initial=iniziale)
    if request.method == "POST":
        scelto = riporto if request.POST.get("azione") == "riporto" else form
        if scelto.is_valid():
            d = scelto.cleaned_data
            try:
                if scelto is riporto:
                    services.riporta_residuo(
                        request.user, ambito.pk, d["fondo"].pk, d["anno"], d["importo"], d["numero"], d["data"]
                    )
                    messages.success(request, f"Residuo del {d['anno']} riportato al {d['anno'] + 1}.")
                else:
                    extra = {k: d[k] for k in services.CAMPI_PER_TIPO[d["tipo"]] if d.get(k) not in (None, "")}
                    m = services.registra_movimento(
                        request.user,
                        ambito.pk,
                        d["fondo"].pk,
                        d["anno"],
                        d["tipo"],
                        d["importo"],
                        d["numero"],
                        d["data"],
                        corregge=d["corregge"],
                        descrizione=d["descrizione"],
                        **extra,
                    )
                    messages.success(request, f"Registrato: {m}.")
            except ValidationError as e:
                scelto.add_error(None, e)
            except PermissionDenied as e:
                scelto.add_error(None, str(e))
            else:
                return redirect("fondi:registro", codice=ambito.pk)
    return render(request, "fondi/movimento.html", {"ambito": ambito, "form": form, "riporto": riporto})


@policy(read=UFFICIO_DI_PIANO, write=UFFICIO_DI_PIANO)
def importa_movimenti(request):
    form = ImportaForm(request.POST or None, request.FILES or None)
    errori = []
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        if f.size > settings.LAVORI_SOGLIA_BYTES:  # a large file: loaded by a worker, followed on the job's page
            return redirect(url_lavoro(background.accoda_movimenti(request.user, f.read(), f.name)))
        try:
            n = importa.importa(request.user, importa.leggi_file(f.read(), f.name))
        except FileRifiutato as e:
            errori = e.errori
        else:
            messages.success(request, f"File caricato: {n} movimenti registrati.")
            return redirect("fondi:provincia")
    return render(request, "fondi/importa.html", {"form": form, "errori": errori, "colonne": importa.COLONNE})


@policy(read=PUBBLICO)
def modello(request):
    response = HttpResponse(importa.modello_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modello-movimenti.csv"'
    return response


def _anno_popolazione_recente():
    """The population year of the Prologo's split (the what-if's default): a split tried year by
    year, so once per version of the knowledge base's data (the residents, the memberships)."""
    from programmazione.popolazione import verifica_tabella_prologo_2025

    def calcola():
        v = verifica_tabella_prologo_2025()
        return v.anno if v else datetime.date.today().year - 1

    return memorizza("fondi-anno-popolazione-recente", calcola, dati=CONOSCENZA)


# Above this many Comuni (a province has a few hundred, the country 7.900: 1,5 MB of page) the
# what-if lists the Comuni of one Ambito at a time; the downloads have all of them.
MAX_COMUNI_PAGINA = 400


def _righe_scenario(righe):
    """(name, Ambito, current, what-if, difference as text) of the what-if's rows: formatted
    once here, not by three filters a row in the template (600 Ambiti at national scale)."""
    return [(r.nome, r.ambito, numero(r.attuale, 2), numero(r.scenario, 2), numero(r.differenza, 2)) for r in righe]


@policy(read=CON_RUOLO, write=COORDINAMENTO)
def scenari(request):
    """What-if: change the amount, the population year or the criterion among the Comuni and see
    every Ambito and Comune beside the current split; nothing is saved unless asked."""
    anno_recente = _anno_popolazione_recente()
    iniziali = {"importo": Decimal("120000.00"), "anno": anno_recente, "criterio_comuni": "popolazione"}
    dati = request.POST if request.method == "POST" else (request.GET if "importo" in request.GET else None)
    form = ScenarioForm(dati, initial=iniziali)
    salva = SalvaScenarioForm(request.POST if request.method == "POST" else None, prefix="s")
    confronto = errore = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        nuovi = scenari_mod.Parametri(
            d["importo"], d["anno"], d["criterio_comuni"], d["eta_da"], d["eta_a"], d["quota_uguale"]
        )
        attuali = (
            scenari_mod.Parametri.da_scenario(d["base"])
            if d["base"]
            else scenari_mod.Parametri(Decimal("120000.00"), anno_recente)
        )
        try:
            ambiti, comuni = scenari_mod.confronta(attuali, nuovi)
        except scenari_mod.RipartoNonValido as e:
            errore = str(e)
        else:
            if d["ambito"]:
                comuni = [c for c in comuni if c.ambito == d["ambito"].pk]
            confronto = {
                "ambiti": _righe_scenario(ambiti),
                "comuni": _righe_scenario(comuni) if len(comuni) <= MAX_COMUNI_PAGINA else None,
                "numero_comuni": len(comuni),
                "attuali": attuali,
                "nuovi": nuovi,
            }
            if request.method == "POST" and salva.is_valid():
                d = salva.cleaned_data
                try:
                    s = services.salva_scenario(request.user, d["nome"], nuovi, d["note"])
                except ValidationError as e:
                    salva.add_error(None, e)  # a taken name goes to its field
                else:
                    messages.success(request, f"Scenario «{s.nome}» salvato.")
                    return redirect("fondi:scenari")
            formato = _formato(request)
            if formato:
                return scarica_tabella(
                    "scenario-comuni",
                    formato,
                    ["comune", "ambito", "attuale", "scenario", "differenza"],
                    [[c.nome, c.ambito, c.attuale, c.scenario, c.differenza] for c in comuni],
                )
    return render(
        request,
        "fondi/scenari.html",
        {
            "form": form,
            "salva": salva,
            "confronto": confronto,
            "errore": errore,
            "salvati": Scenario.objects.select_related("creato_da"),
            "puo_salvare": COORDINAMENTO.consente(request.user, {}),
        },
    )


@policy(read=PUBBLICO, write=FONDI_SCRITTURA)
def pnrr(request, codice):
    """The Ambito's PNRR projects (M5C2) with their milestones and targets; the Ufficio di Piano
    adds projects and milestones (the deadlines go to the monitoring calendar)."""
    ambito = get_object_or_404(Ambito, pk=codice)
    puo_scrivere = permessi.puo_scrivere(request.user, ambito.pk)
    azione = request.POST.get("azione")
    progetto_form = ProgettoPnrrForm(request.POST if azione == "progetto" else None, prefix="p")
    traguardo_form = TraguardoForm(request.POST if azione == "traguardo" else None, prefix="t", ambito=ambito)
    if request.method == "POST":
        form = progetto_form if azione == "progetto" else traguardo_form
        if form.is_valid():
            oggetto = form.save(commit=False)
            if azione == "progetto":
                oggetto.ambito = ambito
            try:
                oggetto.full_clean()
            except ValidationError as e:
                form.add_error(None, e)
            else:
                oggetto.save()
                messages.success(request, f"Registrato: {oggetto}.")
                return redirect("fondi:pnrr", codice=ambito.pk)
    progetti = ProgettoPnrr.objects.filter(ambito=ambito).prefetch_related("traguardi")
    return render(
        request,
        "fondi/pnrr.html",
        {
            "ambito": ambito,
            "progetti": progetti,
            "oggi": datetime.date.today(),
            "puo_scrivere": puo_scrivere,
            "progetto_form": progetto_form,
            "traguardo_form": traguardo_form,
        },
    )


@policy(read=PUBBLICO)
def riparto_comuni(request, codice):
    """An amount split among the Comuni of the Ambito (quota capitaria), cent-exact."""
    ambito = get_object_or_404(Ambito, pk=codice)
    form = RipartoComuniForm(request.GET if "importo" in request.GET else None)
    risultato = errore = None
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            risultato = riparto_tra_comuni(
                ambito,
                d["importo"],
                d["criterio"],
                d["anno"],
                eta_da=d["eta_da"],
                eta_a=d["eta_a"],
                quota_uguale=d["quota_uguale"],
            )
        except scenari_mod.RipartoNonValido as e:
            errore = str(e)
        else:
            formato = _formato(request)
            if formato:
                righe = [[q.comune.pk, q.comune.nome, q.peso, q.quota] for q in risultato.righe]
                return scarica_tabella(
                    f"riparto-comuni-{ambito.pk}", formato, ["codice_istat", "comune", "peso", "quota"], righe
                )
    return render(
        request,
        "fondi/riparto_comuni.html",
        {"ambito": ambito, "form": form, "risultato": risultato, "errore": errore},
    )
