"""The Piano di Zona of an Ambito, one module per chapter.

Chapters follow the regional guidelines for the 2021-2023 plans (premessa, precedente
triennalità, governance, nuova programmazione, risorse, sistema informativo, tempi), with the
quadro conoscitivo as chapter 3. `leggi` gathers the read models of the apps that own the
data (their selectors, the same the pages use); the chapters only lay them out.

Only data are printed: a chapter with nothing recorded says so in one sentence. Every table
names its source.
"""

import datetime
from dataclasses import dataclass

from conoscenza import selectors as conoscenza
from coprogrammazione import selectors as coprogrammazione
from fondi import selectors as fondi
from monitoraggio import selectors as monitoraggio
from offerta import leps as offerta_leps
from programmazione import selectors as programmazione
from territorio import selectors as territorio

from .. import tabelle as t
from ..modello import Documento
from . import governance, nuova_programmazione, precedente, premessa, quadro, risorse, sistema, tempi, trienni


@dataclass
class DatiPiano:
    """Everything the Piano di Zona prints, read once."""

    piano: object
    ambito: object
    oggi: datetime.date
    territorio: territorio.TerritorioAmbito  # on 1 January of the plan's first year
    schede: list  # programmazione.SchedaObiettivo
    precedente: object  # the previous plan, or None
    esiti_precedente: list  # monitoraggio.EsitoObiettivo of the previous plan
    attuazione_precedente: object  # monitoraggio.Attuazione of the previous plan, or None
    confronto_trienni: object  # monitoraggio.ConfrontoTrienni with the previous plan, or None
    quadro: conoscenza.ProfiloAmbito
    accordo: object  # programmazione.Accordo or None
    governance: coprogrammazione.Governance  # co-programming, Assemblea, co-design
    capofila: object  # the ente capofila today, or None
    organi: list  # territorio.OrganoInCarica today
    sinottica: list
    matrice_aree: list
    sovrazonali: list
    riepilogo: programmazione.Riepilogo
    preventivati: programmazione.Preventivati
    registro: fondi.RegistroAnni  # the ledger in the plan's years, what the public reads of it
    consistenza: monitoraggio.Consistenza
    scadenze: list
    leps: offerta_leps.LepsDelPiano  # every LEPS's status for the Ambito, with the objectives implementing it

    @property
    def bozza(self):
        return not self.piano.pubblico


def leggi(piano, oggi):
    ambito = piano.ambito
    precedente_ = programmazione.piano_precedente(piano)
    schede = programmazione.schede_del_piano(piano)
    return DatiPiano(
        piano=piano,
        ambito=ambito,
        oggi=oggi,
        territorio=territorio.territorio_di(ambito, datetime.date(piano.anno_inizio, 1, 1)),
        schede=schede,
        precedente=precedente_,
        esiti_precedente=monitoraggio.esiti_del_piano(precedente_, piano) if precedente_ else [],
        attuazione_precedente=monitoraggio.attuazione(precedente_) if precedente_ else None,
        confronto_trienni=monitoraggio.confronto_trienni(piano, precedente_) if precedente_ else None,
        # The comparisons and the Comuni as the Ambito's page shows them today.
        quadro=conoscenza.profilo_ambito(ambito, datetime.date.today(), documento=True),
        accordo=programmazione.accordo_di(piano),
        governance=coprogrammazione.governance_del_piano(piano, oggi),
        capofila=territorio.capofila_di(ambito, oggi),
        organi=territorio.organi_in_carica(ambito, oggi),
        sinottica=programmazione.sinottica(piano),
        matrice_aree=programmazione.matrice_aree(piano),
        sovrazonali=programmazione.sovrazonali_del_piano(piano),
        riepilogo=programmazione.riepilogo_finanziario(piano),
        preventivati=programmazione.importi_preventivati(piano, [s.obiettivo for s in schede]),
        registro=fondi.registro_del_piano(ambito.pk, piano.anni),
        consistenza=monitoraggio.consistenza(piano),
        scadenze=monitoraggio.scadenze(piano, oggi),
        leps=offerta_leps.leps_del_piano(
            ambito.pk,
            offerta_leps.anno_del_piano(piano.anno_fine, oggi),
            [(t.titolo_obiettivo(s.obiettivo), [x.codice for x in s.leps]) for s in schede],
        ),
    )


def impagina(dati):
    """The document from the read models: no query from here on."""
    piano, ambito = dati.piano, dati.ambito
    doc = Documento(
        titolo=f"Piano di Zona {piano.triennio}",
        ente=f"Ambito territoriale {ambito.nome}",
        frontespizio=[
            "Piano di Zona del sistema integrato di interventi e servizi sociali",
            *_frontespizio_ambito(dati.territorio),
            f"Stato: {t.stato_piano(piano)}",
        ],
        intestazione=f"Piano di Zona {piano.triennio} · Ambito {ambito.nome}" + (" · BOZZA" if dati.bozza else ""),
        nome_file=f"piano-di-zona-{ambito.pk}-{piano.triennio}",
        bozza=dati.bozza,
    )
    # The comparison with the previous triennio comes last: chapters 1-8 keep the regional order.
    capitoli = (premessa, precedente, quadro, governance, nuova_programmazione, risorse, sistema, tempi, trienni)
    for capitolo in capitoli:
        capitolo.scrivi(doc, dati)
    return doc


def documento_piano(piano, oggi=None):
    """The Piano di Zona document of `piano`, from the data of Zona."""
    return impagina(leggi(piano, oggi or datetime.date.today()))


def _frontespizio_ambito(terr):
    righe = []
    if terr.comuni:
        righe.append(f"{len(terr.comuni)} Comuni")
    if terr.distretto:
        d = terr.distretto
        righe.append(f"{t.distretto(d)} · {d.asst.nome} · {d.asst.ats.nome}")
    if terr.capofila:
        righe.append(f"Ente capofila: {terr.capofila.ente.nome}")
    return righe
