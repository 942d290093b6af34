"""Writes and outputs of the demand: the suppressed tables, the log of unsuppressed views, the
retention of the extract rows."""

import datetime
import logging

from django.db import transaction

from . import selectors
from .models import AggregatoConservato, CaricamentoEstratto, Episodio, VisioneRiservata
from .oscuramento import Oscuramento, oscura

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


def oscura_territorio(aggregati):
    """The Oscuramento of one territory's aggregates (selectors.aggregati), keyed by
    (area, intervento): each area's total is the sum of its interventions, the TOTALE the sum
    of the areas (the lines of domanda.oscuramento)."""
    valori = {(a.area, a.intervento): a.utenti for a in aggregati}
    per_area = {}
    for a in aggregati:
        if a.area != selectors.TOTALE and a.intervento:
            per_area.setdefault(a.area, []).append((a.area, a.intervento))
    linee = [((area, ""), celle) for area, celle in per_area.items()]
    linee.append(((selectors.TOTALE, ""), [(area, "") for area in {a.area for a in aggregati} - {selectors.TOTALE}]))
    return oscura(valori, linee)


def per_territorio(aggregati):
    gruppi = {}
    for a in aggregati:
        gruppi.setdefault(a.codice_territorio, []).append(a)
    return gruppi


def _ordine(aree, codici):
    ordine_area = {a: i for i, a in enumerate(aree)}
    ordine_codice = {c: i for i, c in enumerate(codici)}

    def chiave(a):
        return (
            a.area == selectors.TOTALE,
            ordine_area.get(a.area, 99),
            a.intervento != "",
            ordine_codice.get(a.intervento, 999),
        )

    return chiave


def righe_territorio(aggregati, oscurata=True):
    """[(Aggregato, utenti, interventi, spesa)] of one territory in reading order, with the
    suppressed values replaced by their marker when `oscurata`."""
    esito = oscura_territorio(aggregati) if oscurata else Oscuramento(set(), set())
    chiave = _ordine([a.codice for a in selectors.aree()], [i.codice for i in selectors.nomenclatore()])
    righe = []
    for a in sorted(aggregati, key=chiave):
        k = (a.area, a.intervento)
        righe.append((a, esito.mostra(k, a.utenti), esito.mostra(k, a.interventi), esito.mostra(k, a.spesa)))
    return righe


def tabella_export(livello, anno, oscurata=True):
    nomi = selectors.nomi(livello)
    righe = []
    for codice, aggregati in sorted(per_territorio(selectors.aggregati(livello, anno)).items()):
        for a, utenti, interventi, spesa in righe_territorio(aggregati, oscurata):
            righe.append([livello, codice, nomi.get(codice, ""), anno, a.area, a.intervento, utenti, interventi, spesa])
    return righe


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
            for livello in selectors.LIVELLI
            for a in selectors.aggregati(livello, anno)
        )
    righe, _ = Episodio.objects.filter(caricamento_id__in=ids).delete()
    CaricamentoEstratto.objects.filter(pk__in=ids).update(righe_eliminate_il=oggi)
    return len(ids), righe
