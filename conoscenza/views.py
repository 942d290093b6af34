import csv
import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from territorio import selectors as territorio_selectors
from territorio.models import Ambito

from . import charts, selectors
from .models import Indicatore, Livello

GRAFICI = ["indice_vecchiaia", "dipendenza_strutturale", "indice_invecchiamento"]


def _confronti(ambito, giorno):
    distretto = territorio_selectors.distretto_di(ambito, giorno)
    if distretto is None:
        return []
    ats = distretto.asst.ats
    return [(Livello.DISTRETTO, distretto.pk, distretto.nome), (Livello.ATS, ats.pk, ats.nome)]


@require_safe
def profilo_ambito(request, codice):
    ambito = get_object_or_404(Ambito, pk=codice)
    giorno = datetime.date.today()
    confronti = _confronti(ambito, giorno)
    dati = selectors.profilo(Livello.AMBITO, ambito.pk, confronti)
    if request.GET.get("formato") == "csv":
        return _csv(ambito, dati, confronti)
    grafici = []
    if dati["anni"]:
        for codice_ind in GRAFICI:
            ind = Indicatore.objects.filter(pk=codice_ind).first()
            righe = [r for r in dati["righe"] if r["indicatore"].codice == codice_ind]
            if ind is None or not righe:
                continue
            serie = [
                {"territorio": f"Ambito {ambito.nome}", "anno": a, "valore": float(v)}
                for a, v in zip(dati["anni"], righe[0]["valori"])
                if v is not None
            ]
            for lv, c, nome in confronti:
                valori = selectors.calcola(lv, anni=dati["anni"], indicatori=[codice_ind], territori=[c])
                serie += [
                    {"territorio": nome, "anno": a, "valore": float(v)}
                    for (_, a, _), v in sorted(valori.items())
                    if v is not None
                ]
            grafico = charts.serie_confronto(ind.nome, serie, ind.unita)
            # vl-convert writes plain SVG (no script, no style attribute): safe to inline.
            grafici.append(mark_safe(charts.svg(grafico)))
    fonti = selectors.caricamenti_attivi([Livello.AMBITO], [ambito.pk], dati["anni"] or [0])
    nomi = {Livello.REGIONE: "Regione Lombardia", Livello.ITALIA: "Italia", Livello.AMBITO: f"Ambito {ambito.nome}"}
    nomi.update({lv: nome for lv, _, nome in confronti})
    for p in dati["pubblicati"]:
        p["territorio"] = nomi.get(p["pubblicato"].livello, p["pubblicato"].codice_territorio)
    return render(
        request,
        "conoscenza/profilo.html",
        {
            "ambito": ambito,
            "dati": dati,
            "confronti": confronti,
            "grafici": grafici,
            "fonti": fonti,
            "dati_di_base": selectors.dati_di_base(Livello.AMBITO, ambito.pk),
        },
    )


def _csv(ambito, dati, confronti):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quadro-conoscitivo-{ambito.pk}.csv"'
    w = csv.writer(response, lineterminator="\n")
    w.writerow(["indicatore", "unita"] + [str(a) for a in dati["anni"]] + [f"{nome} {dati['anni'][-1]}" for _, _, nome in confronti])
    for r in dati["righe"]:
        valori = ["" if v is None else format(v, "f") for v in r["valori"] + r["confronti"]]
        w.writerow([r["indicatore"].nome, r["indicatore"].unita] + valori)
    return response
