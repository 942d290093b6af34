"""Building blocks of the documents: a small table builder, and the texts and tables that more
than one document prints (the status of a plan, the status rollup, the budget per fund, the
deadlines). Layout only: everything here reads the selectors' read models, never the database.
"""

from dataclasses import dataclass

from monitoraggio.selectors import TOTALE
from zona.lib import formato as f

from .modello import Cella, Paragrafo, Tabella

FONTE_ANAGRAFE = "anagrafe territoriale di Zona"
FONTE_RISORSE = "risorse per anno e fondo delle schede obiettivo del piano in Zona (somma)"


@dataclass(frozen=True)
class Colonna:
    titolo: str
    larghezza: float = 1  # relative width
    numerica: bool = False  # right-aligned


def testo(titolo, larghezza=1):
    return Colonna(titolo, larghezza)


def numero(titolo, larghezza=1):
    return Colonna(titolo, larghezza, numerica=True)


def tabella(colonne, righe, fonte, **opzioni):
    """A `Tabella` from its columns (`testo`/`numero`): titles, widths and alignment declared
    together, so they cannot drift apart."""
    return Tabella(
        [c.titolo for c in colonne],
        righe,
        fonte,
        numeriche=frozenset(i for i, c in enumerate(colonne) if c.numerica),
        larghezze=[c.larghezza for c in colonne],
        **opzioni,
    )


def scheda(righe, fonte, larghezze=(1, 2), colonne=("Voce", "Valore"), **opzioni):
    """A two-column sheet (label, value), the label column shaded, as the regional templates."""
    return Tabella(list(colonne), righe, fonte, scheda=True, larghezze=list(larghezze), **opzioni)


def nota(testo):
    return Paragrafo(testo, nota=True)


def con_fonte(testo, fonte):
    """«testo (fonte)», or «testo» when there is no source."""
    return f"{testo} ({fonte})" if fonte else testo


def stato_piano(piano):
    testo = piano.get_stato_display()
    if piano.approvato_il:
        testo += f"; approvato il {f.data(piano.approvato_il)}"
        if piano.delibera:
            testo += f" ({f.pulisci(piano.delibera)})"
    return testo


def distretto(d):
    # The registry's names mostly start with «Distretto» already.
    return d.nome if d.nome.lower().startswith("distretto") else f"Distretto {d.nome}"


def tabella_attuazione(att, fonte):
    """The status rollup of a plan (`monitoraggio.selectors.attuazione`): per area, the count
    and share of each status."""
    dichiarati = any(r.origine == "dichiarato" for r in att.righe)
    righe = []
    for area, elenco in att.per_area():
        for i, r in enumerate(elenco):
            riga = []
            if i == 0:
                totale = area == TOTALE
                riga.append(Cella("Totale del piano" if totale else area, righe=len(elenco), intestazione=totale))
            riga += [r.etichetta_stato, str(r.numero), f.percentuale(r.percentuale)]
            if dichiarati:
                riga.append("dichiarato dalla fonte" if r.origine == "dichiarato" else "calcolato")
            righe.append(riga)
    colonne = [testo("Area", 4), testo("Stato", 2.5), numero("Numero", 1.2), numero("%", 1.2)]
    if dichiarati:
        colonne.append(testo("Origine", 2))
    return tabella(colonne, righe, fonte, didascalia="Obiettivi per area e stato di attuazione")


def tabella_riepilogo(r, fonte=FONTE_RISORSE):
    """The budget of a plan per fund and year (`programmazione.selectors.riepilogo_finanziario`)."""
    return tabella(
        [testo("Fondo", 3.5)] + [numero(str(a), 1.4) for a in r.anni] + [numero("Totale", 1.4)],
        [[nome] + [f.numero(i, 2) for i in importi] + [f.numero(t, 2)] for _, nome, importi, t in r.righe],
        fonte,
        didascalia="Risorse per fondo e per anno (€)",
        totale=["Totale"] + [f.numero(t, 2) for t in r.totali_anno] + [f.numero(r.totale, 2)],
    )


FONTE_SCADENZE = (
    "calendario del monitoraggio calcolato da Zona (monitoraggi semestrali entro la fine del mese dopo il "
    "semestre, valutazione entro il 31 marzo dopo il triennio, scadenze delle azioni)"
)


def tabella_scadenze(elenco, didascalia):
    return tabella(
        [testo("Data", 1.2), testo("Scadenza", 4.5), testo("Esito", 1.3), testo("Dettaglio", 3)],
        [[f.data(s.data), s.cosa, s.esito.capitalize(), s.dettaglio or f.VUOTO] for s in elenco],
        FONTE_SCADENZE,
        didascalia=didascalia,
    )


def calendario_in_bozza():
    return nota("Il calendario del monitoraggio decorre dall'approvazione del piano, che è ancora in bozza.")


def titolo_obiettivo(o):
    return f"{o.codice} – {o.titolo}"
