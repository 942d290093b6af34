"""Reads of the service offer: the register (filtered), a unit, the citizens' directory."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from territorio import selectors as territorio
from territorio.models import Comune
from zona.lib.text import normalizza

from . import permessi
from .models import TipoUnita, UnitaOfferta

MAX_RISULTATI = 200


def unita(ambito=None, tipo=None, comune=None, testo=None, giorno=None):
    """The units, filtered by Ambito (its Comuni on `giorno`), type, Comune and a text in the
    name or the ente gestore; at most MAX_RISULTATI."""
    qs = UnitaOfferta.objects.select_related("tipo", "comune")
    if ambito:
        qs = qs.filter(comune__in=territorio.comuni_di(ambito, giorno or datetime.date.today()))
    if tipo:
        qs = qs.filter(tipo=tipo)
    if comune:
        qs = qs.filter(comune=comune)
    if testo:
        qs = qs.filter(Q(nome__icontains=testo) | Q(ente_gestore__icontains=testo))
    return list(qs.order_by("tipo__ordine", "comune__nome", "nome")[:MAX_RISULTATI])


def tipi_per_bisogno(testo):
    """The types a citizen's words point to ("assistenza domiciliare anziani", "nido"): a
    type matches when one of the words (3 letters or more) is in its name, acronym, area or
    keywords; the types matching most words first."""
    parole = [p for p in normalizza(testo).split() if len(p) >= 3]
    if not parole:
        return []
    punteggi = []
    for t in TipoUnita.objects.select_related("area"):
        testo_tipo = normalizza(" ".join([t.nome, t.sigla, t.area.nome, t.parole_chiave, t.descrizione]))
        punti = sum(1 for p in parole if p in testo_tipo)
        if punti:
            punteggi.append((-punti, t.ordine, t))
    return [t for _, _, t in sorted(punteggi, key=lambda x: (x[0], x[1]))]


@dataclass
class Servizi:
    comune: Comune | None
    ambito: object | None
    uffici: list  # the Ambito's offices (Ufficio di Piano) with address and contacts
    unita: list  # units in the Ambito, those of the Comune first
    tipi: list  # types matched by the search words (empty: no words)


def servizi(comune=None, bisogno="", giorno=None):
    """The directory for a citizen: where to go in `comune` (the Ufficio di Piano of its
    Ambito), the units of its Ambito (those in the Comune first), filtered by the types a need
    in plain words points to."""
    giorno = giorno or datetime.date.today()
    tipi = tipi_per_bisogno(bisogno) if bisogno else []
    ambito = territorio.ambito_di(comune, giorno) if comune else None
    qs = UnitaOfferta.objects.select_related("tipo", "comune")
    if ambito is not None:
        qs = qs.filter(comune__in=territorio.comuni_di(ambito, giorno))
    if bisogno:
        qs = qs.filter(tipo__in=tipi)
    elenco = list(qs.order_by("tipo__ordine", "comune__nome", "nome")[:MAX_RISULTATI])
    if comune is not None:
        elenco.sort(key=lambda u: u.comune_id != comune.pk)
    uffici = list(territorio.organi_di(ambito).filter(tipo="ufficio_di_piano")) if ambito else []
    return Servizi(comune=comune, ambito=ambito, uffici=uffici, unita=elenco, tipi=tipi)


def mostra_importo(user, unita):
    return permessi.vede_importi(user, permessi.ambito_della_unita(unita))


@dataclass(frozen=True)
class UnitaNelComune:
    """A row of the map's table: the units of a Comune (filtered) and their places."""

    codice: str
    nome: str
    ambito: str  # the Ambito's name today, "" if none
    unita: int
    posti: int  # authorised, or accredited where no authorisation is recorded (offerta.copertura)


def unita_per_comune(tipo=None, ambito=None, giorno=None):
    """[UnitaNelComune] of the Comuni with at least one unit (of `tipo`, in `ambito`), by
    name. Units are placed by their Comune: the register's addresses are not geocoded."""
    giorno = giorno or datetime.date.today()
    qs = UnitaOfferta.objects.all()
    if ambito:
        qs = qs.filter(comune__in=territorio.comuni_di(ambito, giorno))
    if tipo:
        qs = qs.filter(tipo=tipo)
    righe = list(
        qs.values("comune_id", "comune__nome")
        .annotate(n=Count("id"), posti=Sum(Coalesce("posti_autorizzati", "posti_accreditati")))
        .order_by("comune__nome")
    )
    ambiti = territorio.ambiti_di(Comune.objects.filter(pk__in=[r["comune_id"] for r in righe]).only("pk"), giorno)
    return [
        UnitaNelComune(
            codice=r["comune_id"],
            nome=r["comune__nome"],
            ambito=ambiti[r["comune_id"]].nome if r["comune_id"] in ambiti else "",
            unita=r["n"],
            posti=r["posti"] or 0,
        )
        for r in righe
    ]
