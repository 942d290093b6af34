"""Chapter 6: the resources, per fund and year and as estimated in the objective sheets."""

from zona.lib import formato as f

from .. import tabelle as t


def scrivi(doc, dati):
    cap = doc.capitolo("Le risorse")
    r, preventivati = dati.riepilogo, dati.preventivati
    if not r.righe and not preventivati.righe:
        cap.blocchi.append(t.nota("Nessuna risorsa economica è registrata negli obiettivi del piano."))
        return
    if r.righe:
        doc.sezione(cap, "Risorse per fondo e per anno")
        cap.blocchi.append(t.tabella_riepilogo(r))
    if preventivati.righe:
        doc.sezione(cap, "Importi preventivati nelle schede obiettivo")
        cap.blocchi.append(_preventivati(preventivati))


def _preventivati(preventivati):
    # Annual costs and amounts for the whole triennio are added only in triennial terms.
    return t.tabella(
        [t.testo("Obiettivo", 3.2), t.numero("Importo (€)", 1.2), t.testo("Periodo", 1.2)]
        + [t.numero(f"Nel triennio (€, {preventivati.anni} anni)", 1.4)],
        [
            [t.titolo_obiettivo(p.obiettivo), f.numero(p.importo, 2), p.obiettivo.get_periodo_budget_display()]
            + [f.numero(p.importo_triennio, 2)]
            for p in preventivati.righe
        ],
        "campo «risorse economiche preventivate» delle schede obiettivo in Zona; "
        "gli importi annuali contano una volta per ogni anno del piano",
        totale=["Totale nel triennio", "", "", f.numero(preventivati.totale_triennio, 2)],
    )
