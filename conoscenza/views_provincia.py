"""The province's quadro conoscitivo: every Ambito side by side, and homogeneous groups.

Plain GET forms, no JavaScript: charts and map are SVG rendered on the server."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.safestring import mark_safe

from zona.lib import valori
from zona.lib.cache import memorizza
from zona.lib.downloads import scarica_tabella
from zona.lib.policies import PUBBLICO, policy

from . import charts, charts_provincia, gruppi, mappe
from . import selectors_provincia as sp
from .models import Indicatore

INDICATORE_PREDEFINITO = "indice_vecchiaia"
FORMATI = ("html", "csv", "xlsx")


class ParametroNonValido(ValueError):
    pass


def _svg(chart):
    # vl-convert writes plain SVG (no script, no style attribute): safe to inline under the CSP.
    return mark_safe(charts.svg(chart))


def _indicatore(codice, per_codice, predefinito):
    if codice in (None, ""):
        codice = predefinito if predefinito in per_codice else next(iter(per_codice))
    if codice not in per_codice:
        noto = Indicatore.objects.filter(pk=codice).first()
        if noto is not None:
            raise ParametroNonValido(f"Per l'indicatore «{noto.nome}» non ci sono dati degli Ambiti.")
        raise ParametroNonValido(f"Indicatore sconosciuto: «{codice}». Sceglierne uno dall'elenco.")
    return per_codice[codice]


def _anno(valore, indicatori_anni):
    """The year asked, or the latest year with data for every indicator in
    [(Indicatore, years)]."""
    comuni = set.intersection(*(set(anni) for _, anni in indicatori_anni))
    if valore in (None, ""):
        if not comuni:
            raise ParametroNonValido("Gli indicatori scelti non hanno dati dello stesso anno.")
        return max(comuni)
    try:
        anno = valori.anno(valore)
    except valori.ValoreNonValido as e:
        raise ParametroNonValido(f"Anno non valido: {e.motivo}") from None
    for ind, anni in indicatori_anni:
        if anno not in anni:
            elenco = ", ".join(str(a) for a in anni)
            raise ParametroNonValido(
                f"Per l'indicatore «{ind.nome}» non ci sono dati del {anno}: anni disponibili {elenco}."
            )
    return anno


def _formato(request):
    formato = request.GET.get("formato") or "html"
    if formato not in FORMATI:
        raise ParametroNonValido(f"Formato non valido: «{formato}». Formati disponibili: CSV, XLSX.")
    return formato


@policy(read=PUBBLICO)
def provincia(request):
    disponibili = sp.disponibili_con_pubblicati()
    contesto = {"disponibili": disponibili, "anni": sorted({a for _, anni in disponibili for a in anni})}
    if not disponibili:
        return render(request, "conoscenza/provincia.html", contesto)
    per_codice = {i.codice: (i, anni) for i, anni in disponibili}
    try:
        formato = _formato(request)
        indicatore, anni_indicatore = _indicatore(request.GET.get("indicatore"), per_codice, INDICATORE_PREDEFINITO)
        contesto["indicatore"] = indicatore
        anno = _anno(request.GET.get("anno"), [(indicatore, anni_indicatore)])
        contesto["anno"] = anno
        ordina = request.GET.get("ordina") or "nome"
        if ordina not in sp.ORDINAMENTI:
            raise ParametroNonValido(f"Ordinamento non valido: «{ordina}». Si può ordinare per nome o per valore.")
    except ParametroNonValido as e:
        contesto["errore"] = str(e)
        contesto.setdefault("anno", contesto["anni"][-1])
        return render(request, "conoscenza/provincia.html", contesto, status=400)

    righe = memorizza(
        f"confronto-con-origine:{indicatore.codice}:{anno}:{ordina}",
        lambda: sp.confronto_ambiti(indicatore, anno, ordina),
    )
    nome_file = f"ambiti-{indicatore.codice}-{anno}"
    if formato in ("csv", "xlsx"):
        tabella = [[r[c] for c in sp.COLONNE_EXPORT] for r in sp.righe_export(indicatore, anno, righe)]
        return scarica_tabella(nome_file, formato, sp.COLONNE_EXPORT, tabella, foglio="Ambiti")

    ats, grafico, mappa = memorizza(
        f"provincia-con-origine:{indicatore.codice}:{anno}:{ordina}",
        lambda: _grafici_provincia(indicatore, anno, righe),
    )
    base = {"indicatore": indicatore.codice, "anno": anno}
    contesto.update(
        {
            "ordina": ordina,
            "righe": righe,
            "ats": ats,
            # vl-convert writes plain SVG (no script, no style attribute): safe to inline.
            "grafico": mark_safe(grafico),
            "mappa": mark_safe(mappa),
            "url_nome": "?" + urlencode({**base, "ordina": "nome"}),
            "url_valore": "?" + urlencode({**base, "ordina": "valore"}),
            "url_csv": "?" + urlencode({**base, "ordina": ordina, "formato": "csv"}),
            "url_xlsx": "?" + urlencode({**base, "ordina": ordina, "formato": "xlsx"}),
            "url_gruppi": "?" + urlencode({"primo": indicatore.codice, "anno": anno}),
            "contati": _link_contati(righe, ats, anno),
            "con_pubblicati": any(r["origine"] == sp.PUBBLICATO for r in righe + ats),
        }
    )
    return render(request, "conoscenza/provincia.html", contesto)


def _link_contati(righe, ats, anno):
    """[(territory name, query of the page of the Comuni its figure counts)] for each figure of
    the page: every Ambito's, and the ATS's."""
    link = [(r["ambito"].nome, {"livello": "ambito", "codice": r["ambito"].pk}) for r in righe]
    link += [(a["nome"], {"livello": a["livello"], "codice": a["codice"]}) for a in ats]
    return [(nome, "?" + urlencode({**q, "anno": anno})) for nome, q in link]


def _grafici_provincia(indicatore, anno, righe):
    """The ATS value, the bar chart and the map (SVG text): building the map carries every
    Comune's boundary through Altair, about a second, so the three are cached together."""
    ats = sp.valore_ats(indicatore, anno)
    riferimento = next(((a["nome"], a["valore"]) for a in ats if a["livello"] == "ats"), None)
    barre = charts_provincia.barre_ambiti(
        f"{indicatore.nome}, {anno}: gli Ambiti",
        [
            {"nome": r["ambito"].nome + (" (pubbl.)" if r["origine"] == sp.PUBBLICATO else ""), "valore": r["valore"]}
            for r in righe
        ],
        indicatore.unita,
        indicatore.decimali,
        riferimento=riferimento,
    )
    mappa = mappe.mappa_indicatore(indicatore, anno, giorno=sp.giorno_di_riferimento(anno))
    # A year only a province-wide document prints (the Prologo's 2010) has no Ambito to draw:
    # no empty chart, which would be an image without a text.
    con_valore = any(r["valore"] is not None for r in righe)
    return ats, charts.svg(barre) if con_valore else "", charts.svg(mappa)


def _gruppi_e_grafico(primo, secondo, anno, k):
    raggruppamento = gruppi.gruppi_omogenei([primo, secondo], anno, k)
    return raggruppamento, _svg(gruppi.grafico_gruppi(raggruppamento))


@policy(read=PUBBLICO)
def gruppi_ambiti(request):
    disponibili = sp.disponibili()
    contesto = {
        "disponibili": disponibili,
        "anni": sorted({a for _, anni in disponibili for a in anni}),
        "valori_k": list(range(gruppi.K_MIN, gruppi.K_MAX + 1)),
        "k": gruppi.K_PREDEFINITO,
    }
    if len(disponibili) < 2:
        return render(request, "conoscenza/gruppi.html", contesto)
    per_codice = {i.codice: (i, anni) for i, anni in disponibili}
    primo_pred, secondo_pred = gruppi.INDICATORI_PREDEFINITI
    try:
        primo = _indicatore(request.GET.get("primo"), per_codice, primo_pred)
        contesto["primo"] = primo[0]
        codice_secondo = request.GET.get("secondo")
        if not codice_secondo:
            codice_secondo = next(c for c in (secondo_pred, primo_pred, *per_codice) if c != primo[0].codice)
        secondo = _indicatore(codice_secondo, per_codice, secondo_pred)
        contesto["secondo"] = secondo[0]
        if primo[0].codice == secondo[0].codice:
            raise ParametroNonValido("Scegliere due indicatori diversi.")
        anno = _anno(request.GET.get("anno"), [primo, secondo])
        contesto["anno"] = anno
        try:
            k = valori.intero(request.GET.get("k") or gruppi.K_PREDEFINITO, max_cifre=3)
        except valori.ValoreNonValido as e:
            raise ParametroNonValido(f"Numero di gruppi non valido: {e.motivo}") from None
        contesto["k"] = k
        if not gruppi.K_MIN <= k <= gruppi.K_MAX:
            raise ParametroNonValido(f"Il numero di gruppi va da {gruppi.K_MIN} a {gruppi.K_MAX}.")
        raggruppamento, grafico = memorizza(
            f"gruppi:{primo[0].codice}:{secondo[0].codice}:{anno}:{k}",
            lambda: _gruppi_e_grafico(primo[0], secondo[0], anno, k),
        )
    except (ParametroNonValido, gruppi.GruppiNonCalcolabili) as e:
        contesto["errore"] = str(e)
        contesto.setdefault("anno", contesto["anni"][-1])
        return render(request, "conoscenza/gruppi.html", contesto, status=400)
    contesto.update(
        {
            "raggruppamento": raggruppamento,
            "grafico": grafico,
            "url_provincia": "?" + urlencode({"indicatore": primo[0].codice, "anno": anno}),
        }
    )
    return render(request, "conoscenza/gruppi.html", contesto)
