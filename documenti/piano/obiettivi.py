"""The Tabella 3 sheet of an objective (regional template), with its indicators, actions and
resources, from `programmazione.selectors.SchedaObiettivo`."""

from zona.lib import formato as f

from .. import tabelle as t

# The rows of the regional Tabella 3, as the template words them.
DOMANDE = {
    "trasversale": "L'obiettivo è trasversale ed integrato con altre aree di policy?",
    "sociosanitaria": "Presenta aspetti di integrazione sociosanitaria?",
    "coprogettato": "L'intervento è co-progettato con altri attori della rete?",
    "bisogni": "Questo intervento a quale/i bisogno/i risponde?",
    "processo": ("Quali modalità organizzative, operative e di erogazione sono adottate? (indicatori di processo)"),
    "output": "Quali risultati vuole raggiungere? (indicatori di output)",
    "outcome": "Quale impatto ha avuto l'intervento? (indicatori di outcome)",
}


def tabella3(s, piano, precedente):
    """The blocks of one objective: its sheet, then its indicators, actions and resources."""
    blocchi = [_scheda(s, precedente)]
    if s.indicatori:
        blocchi.append(_indicatori(s, piano.anni))
    if s.azioni:
        blocchi.append(_azioni(s))
    if s.risorse:
        blocchi.append(_risorse(s))
    return blocchi


def _risorse_economiche(o):
    preventivato = ""
    if o.budget_stimato is not None:
        preventivato = f"{f.euro(o.budget_stimato)} {o.get_periodo_budget_display()}."
    return " ".join(x for x in (preventivato, f.pulisci(o.risorse_economiche)) if x)


def _scheda(s, precedente):
    o = s.obiettivo
    continuita = f.si_no(o.continuita)
    if o.continua_id:
        continuita += f": {o.continua.codice} – {o.continua.titolo} ({o.continua.piano.triennio})"
    precedente_label = f" ({precedente.triennio})" if precedente else ""
    macroarea = f" · macroarea {o.macroarea.titolo}" if o.macroarea else ""
    aree = ("Sì: " + "; ".join(str(a) for a in s.aree_trasversali)) if s.aree_trasversali else "No"
    righe = [
        ["Titolo obiettivo", o.titolo],
        ["Codice e area", f"{o.codice} · {o.area_policy or 'Azione di sistema'}{macroarea}"],
        ["Descrizione obiettivo", f.oppure(o.descrizione)],
        ["Target", f.oppure(o.target)],
        ["Risorse economiche preventivate", f.oppure(_risorse_economiche(o))],
        ["Risorse di personale dedicate", f.oppure(o.risorse_personale)],
        [DOMANDE["trasversale"], aree],
        [DOMANDE["sociosanitaria"], f.si_no(o.integrazione_sociosanitaria)],
        [f"È in continuità con la programmazione precedente{precedente_label}?", continuita],
        [DOMANDE["coprogettato"], f.si_no(o.coprogettato, o.partner)],
        [DOMANDE["bisogni"], f.oppure(o.bisogni)],
        [DOMANDE["processo"], f.oppure(o.processo)],
        [DOMANDE["output"], f.oppure(o.output)],
        [DOMANDE["outcome"], f.oppure(o.outcome)],
    ]
    if s.leps:
        righe.append(["LEPS attuati", "; ".join(str(x) for x in s.leps)])
    if s.provinciali:
        righe.append(["Obiettivi del Prologo provinciale", "; ".join(str(x) for x in s.provinciali)])
    fonte = o.fonte or "scheda obiettivo in Zona"
    return t.scheda(righe, fonte, larghezze=(2, 3), colonne=("Voce", "Contenuto"), mostra_intestazione=False)


def _indicatore(i, target, anni):
    descrizione = i.descrizione + (f" (dalla base di conoscenza: {i.indicatore.nome})" if i.indicatore else "")
    if i.baseline is not None:
        baseline = f.numero(i.baseline, 2) + (f" ({i.anno_baseline})" if i.anno_baseline else "")
    else:
        baseline = f.VUOTO
    attesi = [f.numero(target[a], 2) if target.get(a) is not None else f.VUOTO for a in anni]
    return [i.get_tipo_display(), descrizione, i.unita or f.VUOTO, baseline] + attesi


def _indicatori(s, anni):
    return t.tabella(
        [t.testo("Tipo", 1.1), t.testo("Indicatore", 5), t.testo("Unità", 1.1), t.numero("Baseline", 1.3)]
        + [t.numero(f"Atteso {a}", 1.1) for a in anni],
        [_indicatore(x.indicatore, x.target, anni) for x in s.indicatori],
        "indicatori e valori attesi dell'obiettivo in Zona",
        didascalia=f"Indicatori dell'obiettivo {s.obiettivo.codice}",
    )


def _azioni(s):
    return t.tabella(
        [t.testo("Azione", 4), t.testo("Responsabile", 2), t.testo("Inizio", 1.2), t.testo("Scadenza", 1.2)]
        + [t.testo("Stato", 1.5)],
        [
            [a.titolo, a.responsabile or f.VUOTO, f.data(a.inizio), f.data(a.scadenza), a.get_stato_display()]
            for a in s.azioni
        ],
        "azioni dell'obiettivo in Zona",
        didascalia=f"Azioni dell'obiettivo {s.obiettivo.codice}",
    )


def _risorse(s):
    return t.tabella(
        [t.testo("Anno", 1), t.testo("Fondo", 4), t.numero("Importo (€)", 1.6)],
        [[str(r.anno), r.get_fondo_display(), f.numero(r.importo, 2)] for r in s.risorse],
        "risorse dell'obiettivo in Zona",
        didascalia=f"Risorse dell'obiettivo {s.obiettivo.codice}",
        totale=["Totale", "", f.numero(sum(r.importo for r in s.risorse), 2)],
    )
