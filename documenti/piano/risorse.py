"""Chapter 6: the resources, per fund and year and as estimated in the objective sheets."""

from zona.lib import formato as f

from .. import tabelle as t


def scrivi(doc, dati):
    cap = doc.capitolo("Le risorse")
    r, preventivati, registro = dati.riepilogo, dati.preventivati, dati.registro
    if not r.righe and not preventivati.righe and registro.vuoto:
        cap.blocchi.append(t.nota("Nessuna risorsa economica è registrata negli obiettivi del piano o nei fondi."))
        return
    if r.righe:
        doc.sezione(cap, "Risorse per fondo e per anno")
        cap.blocchi.append(t.tabella_riepilogo(r))
    if preventivati.righe:
        doc.sezione(cap, "Importi preventivati nelle schede obiettivo")
        cap.blocchi.append(_preventivati(preventivati))
    if not registro.vuoto:
        doc.sezione(cap, "I fondi dell'Ambito per anno di competenza")
        cap.blocchi += tabelle_registro(registro, "Fondo", FONTE_REGISTRO)


FONTE_REGISTRO = (
    "registro dei fondi dell'Ambito in Zona (movimenti non corretti), per anno di competenza; "
    "il programmato è al netto delle economie"
)


def tabelle_registro(registro, prima, fonte):
    """A table per year of competence, then the years side by side with the total of the period
    (amounts of distinct years: nothing annual is added to a triennial figure)."""
    colonne = [t.testo(prima, 3)] + [t.numero(f"{e} (€)", 1.4) for e in registro.etichette]
    blocchi = []
    for anno in registro.anni:
        righe = registro.per_anno[anno]
        if not righe:
            continue
        blocchi.append(
            t.tabella(
                colonne,
                [[nome] + [f.numero(v, 2) for v in valori] for nome, valori in righe],
                f"{fonte}; anno {anno}",
                totale=[f"Totale {anno}"] + [f.numero(v, 2) for v in registro.totali[anno]],
            )
        )
    blocchi.append(
        t.tabella(
            [t.testo("Anno di competenza", 3)] + colonne[1:],
            [[str(a)] + [f.numero(v, 2) for v in registro.totali[a]] for a in registro.anni],
            f"{fonte}; somma degli anni",
            totale=[f"Totale {registro.anni[0]}-{registro.anni[-1]}"]
            + [f.numero(v, 2) for v in registro.totale_periodo],
        )
    )
    return blocchi


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
