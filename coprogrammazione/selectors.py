"""Reads of the co-programming: plain dataclasses for pages, exports and documents.

Every read that starts from a plan's rows goes through `visibili_a(user)` (the plan's rule);
the names and emails of people are left out unless `permessi.vede_dati_personali`.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from accounts.selectors import nome_pubblico
from programmazione.models import Obiettivo, Piano, Sottoscrittore

from . import permessi
from .models import (
    Avviso,
    Commento,
    Componente,
    Consultazione,
    Esito,
    Incontro,
    Manifestazione,
    Organizzazione,
    Presenza,
    Seduta,
    Tavolo,
)


@dataclass
class RigaTavolo:
    tavolo: Tavolo
    incontri: int
    organizzazioni: int
    esiti: int
    obiettivi: list = field(default_factory=list)  # codes, sorted


def riepilogo_tavoli(piano):
    """One row per table of `piano` (already checked visible): meetings, distinct organisations
    taking part (members or present at a meeting), outcomes, codes of the linked objectives."""
    tavoli = list(
        Tavolo.objects.filter(piano=piano)
        .annotate(n_incontri=Count("incontri", distinct=True), n_esiti=Count("esiti", distinct=True))
        .select_related("area", "coordinatore")
    )
    organizzazioni = {t.pk: set() for t in tavoli}
    for tavolo_id, org in Componente.objects.filter(tavolo__piano=piano, organizzazione__isnull=False).values_list(
        "tavolo_id", "organizzazione_id"
    ):
        organizzazioni[tavolo_id].add(org)
    for tavolo_id, org in Presenza.objects.filter(
        incontro__tavolo__piano=piano, organizzazione__isnull=False
    ).values_list("incontro__tavolo_id", "organizzazione_id"):
        organizzazioni[tavolo_id].add(org)
    obiettivi = {t.pk: set() for t in tavoli}
    for tavolo_id, codice in Esito.obiettivi.through.objects.filter(esito__tavolo__piano=piano).values_list(
        "esito__tavolo_id", "obiettivo__codice"
    ):
        obiettivi[tavolo_id].add(codice)
    return [RigaTavolo(t, t.n_incontri, len(organizzazioni[t.pk]), t.n_esiti, sorted(obiettivi[t.pk])) for t in tavoli]


@dataclass
class Coprogrammazione:
    piano: Piano
    avvisi: list
    manifestazioni: list
    tavoli: list  # RigaTavolo
    esiti: list
    sedute: list


def coprogrammazione_del_piano(piano):
    avvisi = list(Avviso.objects.filter(piano=piano).prefetch_related("aree__macroarea"))
    manifestazioni = list(
        Manifestazione.objects.filter(avviso__piano=piano).select_related("organizzazione").prefetch_related("aree")
    )
    esiti = list(
        Esito.objects.filter(tavolo__piano=piano)
        .select_related("tavolo", "incontro")
        .prefetch_related(Prefetch("obiettivi", queryset=Obiettivo.objects.order_by("ordine", "codice")))
    )
    sedute = list(Seduta.objects.filter(delibere__piano=piano).distinct().prefetch_related("delibere"))
    return Coprogrammazione(piano, avvisi, manifestazioni, riepilogo_tavoli(piano), esiti, sedute)


@dataclass
class RigaCommento:
    testo: str
    organizzazione: str
    autore: str  # empty unless the reader may see who wrote it
    scritto_il: datetime.datetime


@dataclass
class RigaConsultazione:
    consultazione: Consultazione
    obiettivo: Obiettivo  # shown to the members even when the plan is a draft
    commenti: list  # RigaCommento
    commentabile: bool


@dataclass
class DettaglioTavolo:
    tavolo: Tavolo
    componenti: list  # Componente; names and emails blanked without the right
    incontri: list  # (Incontro, [Presenza])
    esiti: list
    dati_personali: bool
    consultazioni: list = field(default_factory=list)  # RigaConsultazione; empty without the right
    piano_visibile: bool = True


def consultazioni_del_tavolo(tavolo, user):
    """The objectives submitted to `tavolo` with their comments, for a member of the table or a
    reader of its plan; the author's name for the members and the Ufficio di Piano."""
    if not permessi.vede_consultazioni(user, tavolo):
        return []
    componente = permessi.e_componente(user, tavolo)
    nomi = componente or permessi.vede_dati_personali(user, tavolo.piano)
    righe = []
    for c in (
        Consultazione.objects.filter(tavolo=tavolo)
        .select_related("obiettivo__area_policy")
        .prefetch_related(Prefetch("commenti", Commento.objects.select_related("autore", "organizzazione")))
        .order_by("obiettivo__ordine", "obiettivo__codice")
    ):
        commenti = [
            RigaCommento(
                k.testo,
                k.organizzazione.nome if k.organizzazione else "",
                nome_pubblico(k.autore) if nomi else "",
                k.creato_il,
            )
            for k in c.commenti.all()
        ]
        righe.append(RigaConsultazione(c, c.obiettivo, commenti, componente and c.aperta))
    return righe


def dettaglio_tavolo(tavolo, user):
    personali = permessi.vede_dati_personali(user, tavolo.piano)
    componenti = list(Componente.objects.filter(tavolo=tavolo).select_related("organizzazione"))
    incontri = list(
        Incontro.objects.filter(tavolo=tavolo).prefetch_related(
            Prefetch("presenze", queryset=Presenza.objects.select_related("organizzazione")), "invii"
        )
    )
    if not personali:
        for c in componenti:
            c.nome = c.email = ""
        componenti = [c for c in componenti if c.organizzazione_id]
    righe = []
    for i in incontri:
        presenze = [p for p in i.presenze.all() if personali or p.organizzazione_id]
        righe.append((i, presenze))
    # A member of a draft plan's table sees the outcomes, not the objectives they fed.
    esiti = list(
        Esito.objects.filter(tavolo=tavolo)
        .select_related("incontro")
        .prefetch_related(
            Prefetch("obiettivi", queryset=Obiettivo.objects.visibili_a(user).order_by("ordine", "codice"))
        )
    )
    return DettaglioTavolo(
        tavolo,
        componenti,
        righe,
        esiti,
        personali,
        consultazioni_del_tavolo(tavolo, user),
        permessi.piani.puo_vedere(user, tavolo.piano),
    )


@dataclass
class Provenienza:
    esito: Esito
    tavolo: Tavolo
    incontri: list


def provenienza_obiettivo(obiettivo):
    """The outcomes that led to `obiettivo` (already checked visible), with their table and the
    meetings of that table (the one the outcome was recorded at first, when known)."""
    esiti = list(Esito.objects.filter(obiettivi=obiettivo).select_related("tavolo", "incontro"))
    incontri = {}
    for i in Incontro.objects.filter(tavolo__in={e.tavolo_id for e in esiti}).order_by("data"):
        incontri.setdefault(i.tavolo_id, []).append(i)
    return [Provenienza(e, e.tavolo, [e.incontro] if e.incontro else incontri.get(e.tavolo_id, [])) for e in esiti]


def calendario(user, ambito=None, anno=None):
    """The meetings of the plans `user` may see, by date; optionally of one Ambito or year."""
    qs = Incontro.objects.visibili_a(user).select_related("tavolo__piano__ambito", "tavolo__area")
    if ambito is not None:
        qs = qs.filter(tavolo__piano__ambito=ambito)
    if anno is not None:
        qs = qs.filter(data__year=anno)
    return list(qs.order_by("data", "ora", "pk"))


def anni_calendario(user):
    return sorted({d.year for d in Incontro.objects.visibili_a(user).values_list("data", flat=True)}, reverse=True)


@dataclass
class PaginaOrganizzazione:
    organizzazione: Organizzazione
    tavoli: list  # Tavolo
    obiettivi: list  # Obiettivo
    manifestazioni: list
    accordi: list  # Sottoscrittore


def pagina_organizzazione(organizzazione, user):
    """What an organisation takes part in, among the plans `user` may see: tables (member or
    present at a meeting), the objectives their outcomes produced, notices it answered, the
    accordi di programma it signed or joined (matched by codice fiscale, else by name)."""
    tavoli = list(
        Tavolo.objects.visibili_a(user)
        .filter(Q(componenti__organizzazione=organizzazione) | Q(incontri__presenze__organizzazione=organizzazione))
        .distinct()
        .select_related("piano__ambito")
        .order_by("-piano__anno_inizio", "ordine")
    )
    obiettivi = list(
        Obiettivo.objects.visibili_a(user)
        .filter(esiti_coprogrammazione__tavolo__in=tavoli)
        .distinct()
        .select_related("piano__ambito")
        .order_by("piano__ambito__nome", "-piano__anno_inizio", "ordine", "codice")
    )
    manifestazioni = list(
        Manifestazione.objects.visibili_a(user)
        .filter(organizzazione=organizzazione)
        .select_related("avviso__piano__ambito")
    )
    chiave = Q(nome__iexact=organizzazione.nome)
    accordi = [
        s
        for s in Sottoscrittore.objects.filter(chiave).select_related("accordo__piano__ambito")
        if s.accordo.piano.pubblico or permessi.piani.puo_vedere(user, s.accordo.piano)
    ]
    return PaginaOrganizzazione(organizzazione, tavoli, obiettivi, manifestazioni, accordi)


def organizzazioni(testo="", tipo=None):
    qs = Organizzazione.objects.select_related("sede_comune").order_by("nome")
    if testo:
        qs = qs.filter(Q(nome__icontains=testo) | Q(codice_fiscale=testo.upper()))
    if tipo:
        qs = qs.filter(tipo=tipo)
    return qs


def sedute_di(ambito):
    return list(
        Seduta.objects.filter(ambito=ambito).prefetch_related("delibere__piano", "presenze__comune").order_by("-data")
    )


@dataclass
class RigaExport:
    tavolo: str
    incontri: int
    partecipanti_enti: int
    proposte: int
    obiettivi_collegati: str


def righe_export(piano):
    return [
        RigaExport(r.tavolo.titolo, r.incontri, r.organizzazioni, r.esiti, "|".join(r.obiettivi))
        for r in riepilogo_tavoli(piano)
    ]


def oggi():
    return datetime.date.today()
