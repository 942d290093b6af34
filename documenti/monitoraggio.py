"""The six-monthly monitoring report of a plan: status, rollup, measurements against targets
per objective, resources committed, deadlines. `leggi` gathers the read models (the
selectors of `programmazione` and `monitoraggio`); the rest lays them out."""

import datetime
from dataclasses import dataclass

from monitoraggio import selectors as monitoraggio
from programmazione import selectors as programmazione
from zona.lib import formato as f

from . import tabelle as t
from .modello import Cella, Documento, Elenco, Titolo


@dataclass
class DatiRelazione:
    piano: object
    ambito: object
    oggi: datetime.date
    anno: int
    semestre: int
    schede: list  # programmazione.SchedaObiettivo
    riepilogo: programmazione.Riepilogo
    attuazione: monitoraggio.Attuazione
    misure: dict  # IndicatoreObiettivo pk -> [Misurazione]
    impegni: list  # monitoraggio.ImpegniObiettivo
    scadenze: list


def leggi(piano, oggi):
    anno, semestre = monitoraggio.semestre_della_relazione(piano, oggi)
    schede = programmazione.schede_del_piano(piano)
    return DatiRelazione(
        piano=piano,
        ambito=piano.ambito,
        oggi=oggi,
        anno=anno,
        semestre=semestre,
        schede=schede,
        riepilogo=programmazione.riepilogo_finanziario(piano),
        attuazione=monitoraggio.attuazione(piano),
        misure=monitoraggio.misurazioni_del_piano(piano),
        impegni=monitoraggio.impegni_del_piano([s.obiettivo for s in schede]),
        scadenze=monitoraggio.scadenze(piano, oggi),
    )


def relazione_monitoraggio(piano, oggi=None):
    return impagina(leggi(piano, oggi or datetime.date.today()))


def impagina(dati):
    piano, ambito = dati.piano, dati.ambito
    bozza = not piano.pubblico
    doc = Documento(
        titolo="Relazione di monitoraggio",
        ente=f"Ambito territoriale {ambito.nome}",
        frontespizio=[
            f"Piano di Zona {piano.triennio}",
            f"Monitoraggio del {dati.semestre}° semestre {dati.anno}, situazione al {f.data(dati.oggi)}",
            f"Stato del piano: {t.stato_piano(piano)}",
        ],
        intestazione=f"Relazione di monitoraggio · Piano di Zona {piano.triennio} · Ambito {ambito.nome}"
        + (" · BOZZA" if bozza else ""),
        nome_file=f"relazione-monitoraggio-{ambito.pk}-{piano.triennio}-{dati.anno}-{dati.semestre}",
        bozza=bozza,
    )
    _piano(doc, dati)
    _attuazione(doc, dati.attuazione)
    _misurazioni(doc, doc.capitolo("Misurazioni e valori attesi"), dati)
    _impegni(doc.capitolo("Risorse stanziate e impegnate"), dati.impegni)
    _scadenze(doc, dati.scadenze, dati.oggi)
    return doc


def _piano(doc, dati):
    piano, r = dati.piano, dati.riepilogo
    cap = doc.capitolo("Il piano")
    righe = [
        ["Stato", t.stato_piano(piano)],
        ["Triennio", piano.triennio],
        ["Obiettivi", str(len(dati.schede))],
        ["Indicatori", str(sum(len(s.indicatori) for s in dati.schede))],
        ["Risorse programmate", f.euro(r.totale) if r.righe else "nessuna registrata"],
    ]
    cap.blocchi.append(t.scheda(righe, t.con_fonte("obiettivi del piano in Zona", piano.fonte)))
    if r.righe:
        cap.blocchi.append(t.tabella_riepilogo(r))


def _attuazione(doc, att):
    cap = doc.capitolo("Stato di attuazione")
    if att.righe:
        fonte = "stato di attuazione registrato sugli obiettivi in Zona; conteggi e percentuali calcolati"
        cap.blocchi.append(t.tabella_attuazione(att, fonte))
    else:
        cap.blocchi.append(t.nota("Lo stato di attuazione degli obiettivi non è registrato."))
    if att.verifiche:
        cap.blocchi.append(Elenco(att.verifiche))


def _sintesi(con_indicatori, misure):
    righe = []
    for s in con_indicatori:
        ind = [x.indicatore for x in s.indicatori]
        misurati = [i for i in ind if misure.get(i.pk)]
        ultime = [m for i in ind for m in misure.get(i.pk, [])]
        ultima = max(ultime, key=lambda m: (m.anno, m.semestre or 3)).periodo if ultime else f.VUOTO
        righe.append([t.titolo_obiettivo(s.obiettivo), str(len(ind)), str(len(misurati)), ultima])
    return t.tabella(
        [t.testo("Obiettivo", 5), t.numero("Indicatori", 1.2), t.numero("Con misurazioni", 1.4)]
        + [t.testo("Ultimo periodo misurato", 1.8)],
        righe,
        "indicatori e misurazioni del piano in Zona",
    )


def _confronto(s, misure):
    """The measurements of an objective's indicators against the value expected in their year."""
    righe, fonti = [], ""
    for x in s.indicatori:
        for m in misure.get(x.indicatore.pk, []):
            atteso = x.target.get(m.anno)
            scarto = f.numero(m.valore - atteso, 2) if atteso is not None else f.VUOTO
            origine = "calcolata dalla base di conoscenza" if m.calcolata else "inserita"
            righe.append(
                [x.indicatore.descrizione, m.periodo, f.numero(m.valore, 2), f.numero(atteso, 2), scarto, origine]
            )
            if m.fonte:
                fonti += f"; {m.fonte}"
    return t.tabella(
        [t.testo("Indicatore", 4), t.testo("Periodo", 1.6), t.numero("Misurato", 1.2)]
        + [t.numero("Atteso nell'anno", 1.2), t.numero("Scarto", 1.2), t.testo("Origine", 1.6)],
        righe,
        "misurazioni e valori attesi in Zona" + fonti,
    )


def _misurazioni(doc, cap, dati):
    misure = dati.misure
    con_indicatori = [s for s in dati.schede if s.indicatori]
    if not con_indicatori:
        cap.blocchi.append(t.nota("Nessun obiettivo del piano ha indicatori registrati."))
        return
    doc.sezione(cap, "Sintesi per obiettivo")
    cap.blocchi.append(_sintesi(con_indicatori, misure))
    doc.sezione(cap, "Misurazioni a confronto con i valori attesi")
    misurati = [s for s in con_indicatori if any(misure.get(x.indicatore.pk) for x in s.indicatori)]
    if not misurati:
        cap.blocchi.append(t.nota("Nessuna misurazione è ancora registrata per gli indicatori del piano."))
        return
    for s in misurati:
        cap.blocchi.append(Titolo(t.titolo_obiettivo(s.obiettivo), 3))
        cap.blocchi.append(_confronto(s, misure))


def _impegni(cap, impegni):
    righe = []
    for voce in impegni:
        o, dettaglio = voce.obiettivo, voce.righe
        for n, (anno, fondo, stanziato, impegnato, liquidato) in enumerate(dettaglio):
            testa = f"{t.titolo_obiettivo(o)}\ncoincidenza {f.percentuale(voce.coincidenza)}"
            riga = [Cella(testa, righe=len(dettaglio))] if n == 0 else []
            righe.append(
                riga + [str(anno), fondo, f.numero(stanziato, 2), f.numero(impegnato, 2), f.numero(liquidato, 2)]
            )
    if not righe:
        cap.blocchi.append(t.nota("Nessun impegno di spesa è registrato per gli obiettivi del piano."))
        return
    cap.blocchi.append(
        t.tabella(
            [t.testo("Obiettivo", 3.5), t.testo("Anno", 0.8), t.testo("Fondo", 2.5)]
            + [t.numero("Stanziato (€)", 1.4), t.numero("Impegnato (€)", 1.4), t.numero("Liquidato (€)", 1.4)],
            righe,
            "risorse e impegni degli obiettivi in Zona; coincidenza = impegnato / stanziato (Tabella 2)",
        )
    )


def _scadenze(doc, elenco, oggi):
    cap = doc.capitolo("Scadenze")
    if not elenco:
        cap.blocchi.append(t.calendario_in_bozza())
        return
    ritardo = [s for s in elenco if s.esito == monitoraggio.IN_RITARDO]
    doc.sezione(cap, "Scadenze in ritardo")
    if ritardo:
        didascalia = f"Scadenze superate senza adempimento al {f.data(oggi)}"
        cap.blocchi.append(t.tabella_scadenze(ritardo, didascalia))
    else:
        cap.blocchi.append(t.nota(f"Nessuna scadenza in ritardo al {f.data(oggi)}."))
    doc.sezione(cap, "Calendario completo")
    cap.blocchi.append(t.tabella_scadenze(elenco, f"Scadenze del piano, situazione al {f.data(oggi)}"))
