"""Writes and outputs of the demand: the suppressed tables, the log of unsuppressed views, the
retention of the extract rows."""

import datetime
import io
import logging
from dataclasses import dataclass

from django.db import transaction

from . import selectors
from .models import AggregatoConservato, CaricamentoEstratto, Episodio, VisioneRiservata
from .oscuramento import chiave_aggregato, chiave_sesso_eta, chiave_sintesi, pubblicazione

log = logging.getLogger(__name__)

COLONNE_EXPORT = [
    "livello",
    "codice_territorio",
    "territorio",
    "anno",
    "area_utenza",
    "codice_intervento",
    "utenti",
    "interventi",
    "spesa",
]


def _ordine(aree, codici):
    ordine_area = {a: i for i, a in enumerate(aree)}
    ordine_codice = {c: i for i, c in enumerate(codici)}

    def chiave(a):
        return (
            a.codice_territorio,
            a.area == selectors.TOTALE,
            ordine_area.get(a.area, 99),
            a.intervento != "",
            ordine_codice.get(a.intervento, 999),
        )

    return chiave


def righe(livello, anno, codici=None, oscurata=True):
    """[(Aggregato, utenti, interventi, spesa)] of the territories `codici` (or all) of
    `livello` in `anno`, by territory in reading order. Suppressed (`oscurata`): the values as
    the year's publication shows them (domanda.oscuramento.pubblicazione: the same cells hidden,
    with the same partners, in every output and at every level)."""
    if oscurata:
        pub = pubblicazione(anno)
        scelti = None if codici is None else set(codici)
        aggregati = [a for a in pub.aggregati.get(livello, ()) if scelti is None or a.codice_territorio in scelti]

        def mostra(a, v):
            return pub.mostra(chiave_aggregato(livello, a.codice_territorio, a.area, a.intervento), v)
    else:
        aggregati = selectors.aggregati(livello, anno, codici)

        def mostra(a, v):
            return v

    chiave = _ordine([a.codice for a in selectors.aree()], [i.codice for i in selectors.nomenclatore()])
    return [
        (a, mostra(a, a.utenti), mostra(a, a.interventi), mostra(a, a.spesa)) for a in sorted(aggregati, key=chiave)
    ]


def righe_territorio(livello, anno, codice, oscurata=True):
    return righe(livello, anno, [codice], oscurata)


def tabella_export(livello, anno, oscurata=True):
    nomi = selectors.nomi(livello)
    return [
        [livello, a.codice_territorio, nomi.get(a.codice_territorio, ""), anno, a.area, a.intervento, u, i, s]
        for a, u, i, s in righe(livello, anno, None, oscurata)
    ]


def tabella_sesso_eta(ambito, anno, oscurata=True):
    """(bands, [(row name, [cells of the bands and the total])]) of an Ambito's users by sex and
    age band (age on 31 December), suppressed with the year's publication when `oscurata`."""
    if oscurata:
        pub = pubblicazione(anno)
        conteggi = {(s, f): n for (a, s, f), n in pub.sesso_eta.items() if a == ambito}
    else:
        conteggi = selectors.per_sesso_eta("ambito", anno, ambito)
    fasce = [f for f, _, _ in selectors.FASCE] + (["?"] if any(f == "?" for _, f in conteggi) else [])
    valori = dict(conteggi)
    for s in ("M", "F"):
        valori[(s, "")] = sum(n for (ss, _), n in conteggi.items() if ss == s)
    for f in fasce:
        valori[("", f)] = sum(n for (_, ff), n in conteggi.items() if ff == f)
    valori[("", "")] = sum(conteggi.values())
    tabella = []
    for s, nome in (("M", "Maschi"), ("F", "Femmine"), ("", "Totale")):
        celle = []
        for f in [*fasce, ""]:
            v = valori.get((s, f), 0)
            celle.append(pub.mostra(chiave_sesso_eta(ambito, s, f), v) if oscurata else v)
        tabella.append((nome, celle))
    return fasce, tabella


@dataclass(frozen=True)
class SintesiMostrata:
    utenti: object  # a number, "<5" or "n.d."
    nuovi: object  # None when unknown (no extract of the year before)
    in_carico: object
    utenti_oscurati: bool


def sintesi_ambito(ambito, anno, oscurata=True):
    """An Ambito's users, new users and people in charge on 31 December as outputs show them."""
    if not oscurata:
        s = selectors.sintesi("ambito", anno, ambito)
        return SintesiMostrata(s.utenti, s.nuovi, s.in_carico_31_dicembre, False)
    pub = pubblicazione(anno)
    s = pub.sintesi.get(ambito, selectors.Sintesi(0, None, 0))
    totale = chiave_aggregato("ambito", ambito, selectors.TOTALE, "")
    return SintesiMostrata(
        pub.mostra(totale, s.utenti),
        None if s.nuovi is None else pub.mostra(chiave_sintesi(ambito, "nuovi"), s.nuovi),
        pub.mostra(chiave_sintesi(ambito, "in_carico"), s.in_carico_31_dicembre),
        pub.oscurato(totale),
    )


def registra_visione(user, cosa):
    """Log a view of unsuppressed aggregates: who, when (now), what. `cosa` names a territory,
    a year, a page or a command: never a person."""
    nome = user.get_username() if user is not None and user.is_authenticated else "sistema (comando)"
    VisioneRiservata.objects.create(
        utente=user if user is not None and user.is_authenticated else None, nome_utente=nome, cosa=cosa[:300]
    )
    log.info("visione di dati non oscurati", extra={"utente": nome, "cosa": cosa[:300]})


@transaction.atomic
def elimina_scaduti(anni, oggi=None):
    """Delete the rows of the extracts whose period ended more than `anni` years ago, keeping
    first the aggregates of those years at every level (AggregatoConservato, which
    selectors.aggregati then reads); the loads stay, marked. Returns (loads, rows) deleted."""
    oggi = oggi or datetime.date.today()
    ultimo_anno = oggi.year - anni - 1  # a period P is kept until 31/12 of P + anni
    scaduti = CaricamentoEstratto.objects.filter(periodo__lte=ultimo_anno, righe_eliminate_il__isnull=True)
    ids = list(scaduti.values_list("pk", flat=True))
    for anno in sorted(set(scaduti.values_list("periodo", flat=True))):
        AggregatoConservato.objects.filter(anno=anno).delete()
        AggregatoConservato.objects.bulk_create(
            AggregatoConservato(
                livello=livello,
                codice_territorio=a.codice_territorio,
                anno=anno,
                area=a.area,
                intervento=a.intervento,
                utenti=a.utenti,
                interventi=a.interventi,
                quantita=a.quantita,
                spesa=a.spesa,
                compartecipazione=a.compartecipazione,
            )
            for livello, aggregati in selectors.aggregati_livelli(anno).items()
            for a in aggregati
        )
    righe, _ = Episodio.objects.filter(caricamento_id__in=ids).delete()
    CaricamentoEstratto.objects.filter(pk__in=ids).update(righe_eliminate_il=oggi)
    return len(ids), righe


# The demand in the knowledge base: the catalogue's measures utenti_csi and spesa_csi_euro (by
# area of users, category TOTALE for all) at the levels the catalogue computes, from which its
# indicators (users per 1.000 residents, spending per user...) are computed like any other, so
# that they appear in the quadro conoscitivo, the province view, the map, the API, and can be
# linked to a plan's indicator for monitoring. Only the values the year's publication shows are
# stored: a suppressed cell has no value there, for every viewer.
MISURE_CONOSCENZA = {"utenti_csi": "utenti", "spesa_csi_euro": "spesa"}
LIVELLI_CONOSCENZA = ("ambito", "distretto", "asst", "ats")
FONTE_CONOSCENZA = "Domanda sociale dagli estratti della cartella sociale (valori oscurati)"


def pubblica_in_conoscenza(anno):
    """Replace the year's demand values in the knowledge base with the published ones; returns
    the conoscenza Caricamento (None when the catalogue lacks the measures or nothing shows)."""
    from conoscenza.models import Misura, Osservazione
    from conoscenza.services import COLONNE_ZONA, disattiva, importa_dati
    from zona.lib.downloads import scrivi_csv

    if Misura.objects.filter(pk__in=MISURE_CONOSCENZA).count() != len(MISURE_CONOSCENZA):
        return None
    pub = pubblicazione(anno)
    righe = []
    for livello in LIVELLI_CONOSCENZA:
        for a in pub.aggregati.get(livello, ()):
            if a.intervento or pub.oscurato(chiave_aggregato(livello, a.codice_territorio, a.area, "")):
                continue
            for misura, campo in MISURE_CONOSCENZA.items():
                riga = {"livello": livello, "codice_territorio": a.codice_territorio, "anno": anno, "misura": misura}
                riga |= {"categoria": a.area, "valore": getattr(a, campo)}
                righe.append([riga.get(c, "") for c in COLONNE_ZONA])
    nuovo = None
    if righe:
        testo = io.StringIO()
        scrivi_csv(testo, COLONNE_ZONA, righe)
        nuovo = importa_dati(testo.getvalue().encode(), f"domanda-{anno}.csv", formato="zona", fonte=FONTE_CONOSCENZA)
    # A cell shown before and suppressed now must not keep its old value.
    vecchie = Osservazione.objects.filter(misura_id__in=MISURE_CONOSCENZA, anno=anno, attiva=True)
    if nuovo is not None:
        vecchie = vecchie.exclude(caricamento=nuovo)
    disattiva(vecchie)
    return nuovo
