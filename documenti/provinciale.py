"""The provincial report: all the Ambiti's plans of a triennio side by side (status rollups,
objectives per area, budgets per fund, shared objectives). Only the plans the user may read
are counted. `leggi` gathers the read models; the rest lays them out."""

import datetime
from dataclasses import dataclass

from coprogrammazione import selectors as coprogrammazione
from fondi import permessi as permessi_fondi
from fondi import selectors as fondi
from monitoraggio import selectors as monitoraggio
from programmazione import selectors as programmazione
from territorio import selectors as territorio
from zona.lib import formato as f

from . import tabelle as t
from .modello import Cella, Documento, Elenco, Paragrafo
from .piano.risorse import tabelle_registro

FONTE_PIANI = "piani di Zona registrati in Zona (solo quelli leggibili da chi genera il documento)"


@dataclass
class DatiProvinciale:
    anno_inizio: int
    oggi: datetime.date
    confronto: dict  # programmazione.confronto_piani
    ambiti: list
    nomi_ats: list
    attuazione: dict  # monitoraggio.attuazione_provinciale
    prologo: object  # programmazione.PrologoDelTriennio or None
    esiti: list  # programmazione.EsitoSovrazonale
    premi: list  # programmazione.PremioAmbito
    registro: object  # fondi.RegistroAnni of every Ambito in the triennio's years
    governance: list  # coprogrammazione.GovernanceAmbito, one per plan

    @property
    def righe(self):
        return self.confronto["righe"]

    @property
    def piani(self):
        return [r["piano"] for r in self.righe]


def leggi(anno_inizio, user, oggi):
    confronto = programmazione.confronto_piani(anno_inizio, user)
    piani = [r["piano"] for r in confronto["righe"]]
    esiti, premi = programmazione.premialita(anno_inizio)
    ambiti = territorio.ambiti()
    # The whole ledger for whoever reads every Ambito's (the coordination), else what the public
    # reads of every Ambito: the programmed and the reported amounts.
    colonne = fondi.COLONNE if permessi_fondi.ambiti_in_dettaglio(user) is None else fondi.COLONNE_PUBBLICHE
    return DatiProvinciale(
        anno_inizio=anno_inizio,
        oggi=oggi,
        confronto=confronto,
        ambiti=ambiti,
        nomi_ats=territorio.nomi_ats(),
        attuazione=monitoraggio.attuazione_provinciale(anno_inizio, piani),
        prologo=programmazione.prologo_del_triennio(anno_inizio, piani),
        esiti=esiti,
        premi=premi,
        registro=fondi.registro_provinciale(
            range(anno_inizio, anno_inizio + 3), [(a.pk, a.nome) for a in ambiti], colonne
        ),
        governance=coprogrammazione.governance_provinciale(piani, oggi),
    )


def relazione_provinciale(anno_inizio, user, oggi=None):
    return impagina(leggi(anno_inizio, user, oggi or datetime.date.today()))


def impagina(dati):
    triennio = f"{dati.anno_inizio}-{dati.anno_inizio + 2}"
    doc = Documento(
        titolo=f"Relazione provinciale sui Piani di Zona {triennio}",
        ente=", ".join(dati.nomi_ats) or "Coordinamento provinciale",
        frontespizio=[
            f"I piani dei {len(dati.ambiti)} Ambiti territoriali a confronto",
            f"Situazione al {f.data(dati.oggi)}",
        ],
        intestazione=f"Relazione provinciale · Piani di Zona {triennio}",
        nome_file=f"relazione-provinciale-{triennio}",
        orizzontale=True,
    )
    _piani(doc, dati)
    _attuazione(doc, dati.attuazione)
    _aree(doc, dati)
    _fondi(doc, dati)
    _governance(doc, dati.governance)
    cap = doc.capitolo("Obiettivi condivisi")
    _prologo(doc, cap, dati)
    _sovrazonali(doc, cap, dati)
    return doc


def _piani(doc, dati):
    cap = doc.capitolo("I piani del triennio")
    righe = dati.righe
    if not righe:
        cap.blocchi.append(t.nota(f"Nessun Piano di Zona che inizi nel {dati.anno_inizio} è registrato in Zona."))
    else:
        cap.blocchi.append(
            t.tabella(
                [t.testo("Ambito", 3), t.testo("Triennio", 1.2), t.testo("Stato", 3), t.testo("Approvato il", 1.3)]
                + [t.numero("Obiettivi", 1), t.numero("Risorse (€)", 1.6)],
                [
                    [p.ambito.nome, p.triennio, p.get_stato_display(), f.data(p.approvato_il)]
                    + [str(r["obiettivi"]), f.numero(r["budget"], 2)]
                    for r in righe
                    for p in [r["piano"]]
                ],
                FONTE_PIANI,
                totale=["Totale", "", "", "", str(sum(r["obiettivi"] for r in righe))]
                + [f.numero(sum(r["budget"] for r in righe), 2)],
            )
        )
    con_piano = {p.ambito_id for p in dati.piani}
    mancanti = [a.nome for a in dati.ambiti if a.pk not in con_piano]
    if mancanti:
        cap.blocchi.append(
            Paragrafo(f"Ambiti senza un piano del triennio in Zona ({len(mancanti)}): {', '.join(mancanti)}.")
        )


def _governance(doc, righe):
    cap = doc.capitolo("Co-programmazione e governance")
    if not any(r.tavoli or r.sedute or r.accordo_firmato_il for r in righe):
        cap.blocchi.append(t.nota("Nessun piano del triennio ha la co-programmazione o le sedute registrate in Zona."))
        return
    cap.blocchi.append(
        t.tabella(
            [t.testo("Ambito", 3), t.numero("Tavoli", 1), t.numero("Incontri svolti", 1.2)]
            + [t.numero("Enti partecipanti", 1.3), t.numero("Esiti", 1), t.numero("Obiettivi nati dai tavoli", 1.5)]
            + [t.testo("Accordo sottoscritto il", 1.5), t.numero("Sedute dell'Assemblea sul piano", 1.5)],
            [
                [r.ambito, str(r.tavoli), str(r.incontri), str(r.enti), str(r.esiti), str(r.obiettivi_collegati)]
                + [f.data(r.accordo_firmato_il), str(r.sedute)]
                for r in righe
            ],
            "co-programmazione dei piani e sedute delle Assemblee dei Sindaci registrate in Zona",
        )
    )


def _attuazione(doc, prov):
    cap = doc.capitolo("Stato di attuazione per Ambito")
    if not prov["righe"]:
        cap.blocchi.append(t.nota("Nessun piano del triennio da confrontare."))
        return
    stati = prov["stati"]
    righe = [
        [r["piano"].ambito.nome] + [str(x.numero) if x else "0" for x in r["per_stato"]] + [str(r["totale"])]
        for r in prov["righe"]
    ]
    righe.append(
        [Cella("Provincia", intestazione=True)] + [str(n) for _, n, _ in prov["complessivo"]] + [str(prov["totale"])]
    )
    cap.blocchi.append(
        t.tabella(
            [t.testo("Ambito", 3)] + [t.numero(etichetta, 1.2) for _, etichetta in stati] + [t.numero("Totale", 1.2)],
            righe,
            "stato di attuazione degli obiettivi di ciascun piano (o conteggi dichiarati dalle fonti dove mancano)",
            totale=["Quota sul totale"]
            + [f.percentuale(p) for _, _, p in prov["complessivo"]]
            + ["100%" if prov["totale"] else f.VUOTO],
        )
    )


def _aree(doc, dati):
    cap = doc.capitolo("Obiettivi per area di policy")
    if not dati.righe:
        cap.blocchi.append(t.nota("Nessun piano del triennio da confrontare."))
        return
    aree, righe = dati.confronto["aree"], dati.righe
    cap.blocchi.append(
        t.tabella(
            [t.testo("Ambito", 3)]
            + [t.numero(a.codice, 0.6) for a in aree]
            + [t.numero("Sistema", 0.9), t.numero("Totale", 0.9)],
            [
                [r["piano"].ambito.nome] + [str(n) for n in r["per_area"]] + [str(r["sistema"]), str(r["obiettivi"])]
                for r in righe
            ],
            FONTE_PIANI + "; area principale di ogni obiettivo; sistema: azioni di sistema fuori dalle aree A-J",
            totale=["Totale"]
            + [str(sum(r["per_area"][i] for r in righe)) for i in range(len(aree))]
            + [str(sum(r["sistema"] for r in righe)), str(sum(r["obiettivi"] for r in righe))],
        )
    )
    cap.blocchi.append(Elenco([str(a) for a in aree]))


def _fondi(doc, dati):
    cap = doc.capitolo("Risorse per fondo")
    _risorse_obiettivi(doc, cap, dati)
    doc.sezione(cap, "Registro dei fondi per anno di competenza")
    if dati.registro.vuoto:
        cap.blocchi.append(t.nota("Nessun movimento è registrato nei fondi degli Ambiti negli anni del triennio."))
    else:
        cap.blocchi += tabelle_registro(
            dati.registro, "Ambito", "registro dei fondi degli Ambiti in Zona (movimenti non corretti)"
        )


def _risorse_obiettivi(doc, cap, dati):
    righe = dati.righe
    fondi = [(i, fondo) for i, fondo in enumerate(dati.confronto["fondi"]) if any(r["per_fondo"][i] for r in righe)]
    if not fondi:
        cap.blocchi.append(t.nota("Nessuna risorsa per fondo è registrata negli obiettivi dei piani del triennio."))
        return
    cap.blocchi.append(
        t.tabella(
            [t.testo("Ambito", 3)]
            + [t.numero(fondo.label.split(" – ")[0], 1.4) for _, fondo in fondi]
            + [t.numero("Totale", 1.4)],
            [
                [r["piano"].ambito.nome]
                + [f.numero(r["per_fondo"][i], 2) for i, _ in fondi]
                + [f.numero(r["budget"], 2)]
                for r in righe
            ],
            FONTE_PIANI + "; somma delle risorse per fondo degli obiettivi (€)",
            totale=["Totale"]
            + [f.numero(sum(r["per_fondo"][i] for r in righe), 2) for i, _ in fondi]
            + [f.numero(sum(r["budget"] for r in righe), 2)],
        )
    )


def _prologo(doc, cap, dati):
    doc.sezione(cap, "Obiettivi del Prologo provinciale")
    letto = dati.prologo
    if letto is None:
        cap.blocchi.append(
            t.nota(
                f"Nessun Prologo provinciale per il triennio che inizia nel {dati.anno_inizio} è registrato in Zona."
            )
        )
        return
    prologo = letto.prologo

    def collegati(o):
        return ", ".join(f"{ambito} {codice}" for ambito, codice in letto.collegati.get(o.pk, [])) or "nessuno"

    cap.blocchi.append(
        t.tabella(
            [t.testo("Codice", 0.8), t.testo("Tipo", 1.4), t.testo("Obiettivo", 5)]
            + [t.testo("Obiettivi dei piani collegati", 3)],
            [[o.codice, o.get_tipo_display(), o.titolo, collegati(o)] for o in letto.obiettivi],
            prologo.fonte or prologo.titolo,
            didascalia=prologo.titolo,
        )
    )


def _sovrazonali(doc, cap, dati):
    doc.sezione(cap, "Obiettivi sovrazonali e premialità")
    if not dati.esiti:
        cap.blocchi.append(
            t.nota(f"Nessun obiettivo sovrazonale del triennio che inizia nel {dati.anno_inizio} è registrato in Zona.")
        )
        return
    cap.blocchi.append(
        t.tabella(
            [t.testo("Obiettivo sovrazonale", 3), t.testo("Area", 0.7), t.testo("Ambiti", 3), t.testo("Premiale", 1)]
            + [t.testo("Motivi", 3)],
            [
                [e.obiettivo.titolo, e.obiettivo.area_policy_id, ", ".join(a.nome for a in e.ambiti)]
                + ["Sì" if e.valido else "No", "; ".join(e.motivi) or f.VUOTO]
                for e in dati.esiti
            ],
            "obiettivi sovrazonali in Zona; condizioni delle linee di indirizzo regionali",
        )
    )
    if dati.premi:
        cap.blocchi.append(
            t.tabella(
                [t.testo("Ambito", 3), t.numero("Obiettivi validi", 1.2), t.numero("Quota (€)", 1.4)]
                + [t.numero("Acconto 20% (€)", 1.4), t.numero("Saldo (€)", 1.4), t.testo("Nota", 3)],
                [
                    [p.ambito.nome, str(len(p.obiettivi)), f.numero(p.importo, 2), f.numero(p.acconto, 2)]
                    + [f.numero(p.saldo, 2), p.nota or f.VUOTO]
                    for p in dati.premi
                ],
                "calcolo della quota premiale secondo le linee di indirizzo regionali",
            )
        )
