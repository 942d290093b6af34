"""Chapter 2: the previous triennio, its status rollup and its evaluation sheets (Tabella 2)."""

from monitoraggio.selectors import ETICHETTE_STATI, area_di
from zona.lib import formato as f

from .. import tabelle as t
from ..modello import Elenco, Paragrafo, Titolo

# The rows of the regional Tabella 2, as the template words them.
DOMANDA_BISOGNO = (
    "Questo obiettivo ha adeguatamente risposto ad un bisogno producendo un cambiamento positivo "
    "nell'area individuata come problematica?"
)
DOMANDA_GRADO = "Grado di raggiungimento dell'obiettivo rispetto a ciò che è stato definito nella programmazione"
DOMANDA_COINCIDENZA = "Livello di coincidenza tra risorse stanziate e risorse impegnate/liquidate"


def scrivi(doc, dati):
    piano, precedente = dati.piano, dati.precedente
    if precedente is None:
        cap = doc.capitolo("La precedente triennalità")
        cap.blocchi.append(
            t.nota(
                f"In Zona non c'è un piano dell'Ambito {dati.ambito.nome} precedente al {piano.triennio}: "
                "la sua valutazione non è disponibile."
            )
        )
        return
    cap = doc.capitolo(f"La precedente triennalità {precedente.triennio}")
    esiti = dati.esiti_precedente
    cap.blocchi.append(
        Paragrafo(
            f"Il Piano di Zona {precedente.triennio} dell'Ambito contava {len(esiti)} obiettivi. "
            f"Stato del piano: {t.stato_piano(precedente)}."
        )
    )
    _attuazione(doc, cap, precedente, dati.attuazione_precedente)
    doc.sezione(cap, "Esiti degli obiettivi (Tabella 2)")
    valutati = [e for e in esiti if e.valutazione is not None]
    senza = [e.obiettivo for e in esiti if e.valutazione is None]
    if not valutati:
        cap.blocchi.append(
            t.nota("Nessun obiettivo del piano precedente ha una scheda di valutazione (Tabella 2) in Zona.")
        )
    for e in valutati:
        cap.blocchi.append(Titolo(t.titolo_obiettivo(e.obiettivo), 3))
        cap.blocchi.append(_scheda_tabella2(e, piano.triennio))
    if senza:
        cap.blocchi.append(Titolo("Obiettivi senza scheda di valutazione", 3))
        cap.blocchi.append(_senza_scheda(senza, precedente))


def _attuazione(doc, cap, precedente, att):
    doc.sezione(cap, "Stato di attuazione degli obiettivi")
    if att.righe:
        fonte = (
            f"stato di attuazione degli obiettivi del piano {precedente.triennio} in Zona, "
            "conteggi e percentuali calcolati"
        )
        cap.blocchi.append(t.tabella_attuazione(att, t.con_fonte(fonte, precedente.fonte)))
    else:
        cap.blocchi.append(t.nota("Lo stato di attuazione degli obiettivi non è registrato."))
    if att.verifiche:
        cap.blocchi.append(Paragrafo("Dove gli obiettivi elencati e i conteggi stampati dalla fonte non coincidono:"))
        cap.blocchi.append(Elenco(att.verifiche))


def _senza_scheda(obiettivi, precedente):
    return t.tabella(
        [t.testo("Codice", 1.2), t.testo("Obiettivo", 4), t.testo("Area", 2.5), t.testo("Stato", 1.6)]
        + [t.testo("Motivo", 2.2)],
        [
            [o.codice, o.titolo, area_di(o), ETICHETTE_STATI.get(o.stato, "non rilevato")]
            + [o.motivo_testo or o.get_motivo_display()]
            for o in obiettivi
        ],
        t.con_fonte(f"obiettivi del piano {precedente.triennio} in Zona", precedente.fonte),
    )


def _coincidenza(e):
    v = e.valutazione
    if v.coincidenza_risorse is not None:
        return f.percentuale(v.coincidenza_risorse, 0)
    if e.coincidenza_calcolata is not None:
        return f"{f.percentuale(e.coincidenza_calcolata)} (calcolata da risorse stanziate e impegnate)"
    return f.oppure(v.coincidenza_testo)


def _scheda_tabella2(e, triennio_successivo):
    o, v = e.obiettivo, e.valutazione
    grado = f.oppure(v.grado_testo)
    if v.grado_raggiungimento is not None:
        grado = f.percentuale(v.grado_raggiungimento, 0)
    stato = ETICHETTE_STATI.get(o.stato, "non rilevato") if o.stato else "non rilevato"
    if o.motivo or o.motivo_testo:
        stato += f" ({f.pulisci(o.motivo_testo) or o.get_motivo_display()})"
    prossima = f" {triennio_successivo}" if triennio_successivo else ""
    righe = [
        ["Obiettivo", t.titolo_obiettivo(o)],
        ["Area", area_di(o)],
        ["Stato di attuazione", stato],
        [DOMANDA_GRADO, grado],
        ["Valutazione da parte degli utenti (ove pertinente)", f.oppure(v.valutazione_utenti)],
        [DOMANDA_COINCIDENZA, _coincidenza(e)],
        ["Criticità rilevate", f.oppure(v.criticita)],
        ["Piano di miglioramento", f.oppure(v.piano_miglioramento)],
        [DOMANDA_BISOGNO, f.si_no(v.risposto_bisogno, v.risposto_bisogno_motivo)],
        ["L'obiettivo era in continuità con la programmazione precedente?", f.si_no(v.continuita_precedente)],
        [
            f"L'obiettivo verrà riproposto nella prossima programmazione{prossima}?",
            f.si_no(v.riproposto, v.riproposto_motivo),
        ],
    ]
    if e.successivi:
        ripresi = "; ".join(f"{s.codice} – {s.titolo} ({s.piano.triennio})" for s in e.successivi)
        righe.append(["Ripreso nel piano successivo da", ripresi])
    fonte = v.fonte or "scheda di valutazione registrata in Zona"
    return t.scheda(righe, fonte, larghezze=(2, 3), colonne=("Dimensione", "Output"))
