"""Chapter 3: the quadro conoscitivo, from the read model of the Ambito's page
(`conoscenza.selectors.profilo_ambito`): indicators, charts, the Comuni, the Ambito's data."""

import re
from collections import defaultdict

from zona.lib import formato as f

from .. import tabelle as t
from ..modello import Cella, Grafico, Paragrafo, Tabella


def scrivi(doc, dati):
    ambito, quadro = dati.ambito, dati.quadro
    cap = doc.capitolo("Il quadro conoscitivo")
    if not quadro.dati["anni"] and not quadro.dati_di_base:
        cap.blocchi.append(
            t.nota(
                f"Nessun dato di base è caricato in Zona per l'Ambito {ambito.nome} né per i suoi Comuni: "
                "il quadro conoscitivo non è disponibile."
            )
        )
        return
    if quadro.dati["anni"]:
        _indicatori(doc, cap, ambito, quadro)
    if quadro.dati_di_base:
        _dati_di_base(doc, cap, quadro)


def _fonti_caricamenti(caricamenti):
    """«source (files «a», «b», loaded on …)», one entry per source."""
    file_per_fonte = defaultdict(list)
    for c in caricamenti:
        file_per_fonte[c.fonte].append(c)
    voci = []
    for fonte, elenco in file_per_fonte.items():
        nomi = ", ".join(f"«{c.nome_file}»" for c in elenco)
        date = ", ".join(sorted({f.data(c.creato_il.date()) for c in elenco}))
        voci.append(f"{fonte} (file {nomi}, caricat{'i' if len(elenco) > 1 else 'o'} il {date})")
    return "; ".join(voci)


def _indicatori(doc, cap, ambito, quadro):
    dati, confronti = quadro.dati, quadro.confronti
    anni, ultimo = dati["anni"], dati["anni"][-1]
    fonte = _fonti_caricamenti(quadro.caricamenti)
    fonte += ". Indicatori calcolati da Zona sommando i Comuni dell'Ambito, del Distretto, dell'ASST e dell'ATS"
    doc.sezione(cap, "Popolazione e indici demografici")
    frase = f"Indicatori dell'Ambito {ambito.nome} per anno, calcolati dai dati dei suoi Comuni"
    if confronti:
        frase += f", e gli stessi indicatori del {ultimo} per " + " e ".join(c.nome for c in confronti)
    cap.blocchi.append(Paragrafo(frase + "."))
    righe = [
        [r["indicatore"].nome, r["indicatore"].unita]
        + [f.numero(v, r["indicatore"].decimali) for v in r["valori"] + r["confronti"]]
        for r in dati["righe"]
    ]
    colonne = [t.testo("Indicatore", 4), t.testo("Unità", 1.6)] + [t.numero(str(a), 1.4) for a in anni]
    colonne += [t.numero(f"{c.etichetta} {ultimo}", 1.4) for c in confronti]
    cap.blocchi.append(t.tabella(colonne, righe, fonte, didascalia="Indicatori demografici"))
    cap.blocchi += [Grafico(ind.nome, grafico, fonte) for ind, grafico in quadro.grafici]
    if quadro.comuni:
        _comuni(doc, cap, ambito, quadro.comuni, fonte)


def _comuni(doc, cap, ambito, tab, fonte):
    doc.sezione(cap, f"I Comuni dell'Ambito nel {tab.anno}")
    indicatori = tab.indicatori
    cap.blocchi.append(
        t.tabella(
            [t.testo("Comune", 3)] + [t.numero(f"{i.nome} ({i.unita})", 1.6) for i in indicatori],
            [
                [c.nome] + [f.numero(v, i.decimali) for v, i in zip(valori, indicatori, strict=True)]
                for c, valori in tab.righe
            ],
            fonte,
            didascalia=f"Comuni dell'Ambito al 1° gennaio {tab.anno}",
            totale=[f"Ambito {ambito.nome}"]
            + [f.numero(v, i.decimali) for v, i in zip(tab.totale, indicatori, strict=True)],
        )
    )


def _dati_di_base(doc, cap, quadro):
    doc.sezione(cap, "Dati dei documenti dell'Ambito")
    cap.blocchi.append(
        Paragrafo(
            "Dati di base riportati nei documenti di programmazione dell'Ambito, caricati in Zona al livello di Ambito."
        )
    )
    for tab in quadro.dati_di_base:
        misura = tab["misura"]
        titolo = f"{misura.nome} ({misura.unita})" if misura.unita else misura.nome
        fonte = quadro.fonti_misure.get(misura.codice, "")
        if tab["incrocio"]:
            cap.blocchi.append(_tabella_incrocio(tab, titolo, fonte))
        elif any("|" in c for c, _ in tab["righe"]):
            cap.blocchi.append(_tabella_incrociata(tab, misura, titolo, fonte))
        else:
            cap.blocchi.append(
                t.tabella(
                    [t.testo((misura.categorie or "Voce").capitalize(), 4)]
                    + [t.numero(str(a), 1.2) for a in tab["anni"]],
                    [[c] + [f.numero(v) for v in valori] for c, valori in tab["righe"]],
                    fonte,
                    didascalia=titolo,
                )
            )


def _tabella_incrocio(tab, titolo, fonte):
    """One year of categories «riga|colonna» as a cross table (`dati_di_base`'s «incrocio»)."""
    inc = tab["incrocio"]
    colonne = [""] + inc["colonne"]
    return Tabella(
        colonne,
        [[r] + [f.numero(v) for v in valori] for r, valori in inc["righe"]],
        fonte=fonte,
        didascalia=f"{titolo}, {tab['anni'][0]}",
        numeriche=frozenset(range(1, len(colonne))),
    )


def _tabella_incrociata(tab, misura, titolo, fonte):
    """Categories «riga|colonna» over the years (spending by area and channel): the first
    part as a grouped column. A category without «|» is a figure of its own (the document
    prints it apart, e.g. an area's total from another table)."""
    gruppi = defaultdict(list)
    for categoria, valori in tab["righe"]:
        riga, _, voce = categoria.partition("|")
        gruppi[riga].append((voce or "(valore riportato senza dettaglio)", valori))
    nomi = re.search(r"«([^|»]+)\|([^»]+)»", misura.categorie or "")
    intestazioni = [nomi.group(1).capitalize(), nomi.group(2).capitalize()] if nomi else ["Voce", "Dettaglio"]
    righe = []
    for gruppo, elenco in gruppi.items():
        for i, (voce, valori) in enumerate(elenco):
            testa = [Cella(gruppo, righe=len(elenco), intestazione=True)] if i == 0 else []
            righe.append(testa + [voce] + [f.numero(v) for v in valori])
    return t.tabella(
        [t.testo(x, 2.5) for x in intestazioni] + [t.numero(str(a), 1.2) for a in tab["anni"]],
        righe,
        fonte,
        didascalia=titolo,
    )
