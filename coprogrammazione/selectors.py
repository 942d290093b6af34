"""Reads of the co-programming: plain dataclasses for pages, exports and documents.

Every read that starts from a plan's rows goes through `visibili_a(user)` (the plan's rule);
the names and emails of people are left out unless `permessi.vede_dati_personali`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q

from accounts.selectors import nome_pubblico
from fondi.models import Movimento
from programmazione.models import Obiettivo, Piano, Sottoscrittore

from . import permessi
from .models import (
    Avviso,
    Commento,
    Componente,
    Consultazione,
    Coprogettazione,
    Esito,
    Incontro,
    Manifestazione,
    Organizzazione,
    PartnerCoprogettazione,
    Presenza,
    Seduta,
    Tavolo,
    TipoOrganizzazione,
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
    # The person is named as the table's members list names them (personal data).
    persone = dict(
        Componente.objects.filter(tavolo=tavolo, utente__isnull=False).exclude(nome="").values_list("utente", "nome")
    )
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
                (persone.get(k.autore_id) or nome_pubblico(k.autore)) if nomi else "",
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


@dataclass
class RigaCoprogettazione:
    coprogettazione: Coprogettazione
    partner: list  # PartnerCoprogettazione
    quote: Decimal  # sum of the partners' shares
    da_assegnare: Decimal  # budget - quote
    monitoraggi: list  # MonitoraggioCoprogettazione
    movimenti: list | None  # fondi.Movimento; None when the reader may not see the ledger's detail
    totale_movimenti: Decimal | None

    @property
    def ripartita(self):
        return bool(self.partner) and self.da_assegnare == 0


def coprogettazioni_obiettivo(obiettivo, user):
    """The co-designs of `obiettivo` (already checked visible): partners and shares, agreement,
    monitoring and, for those who read the Ambito's fund ledger, the entries that pay them."""
    from fondi import permessi as permessi_fondi

    dettaglio = permessi_fondi.puo_leggere_dettaglio(user, obiettivo.piano.ambito_id)
    righe = []
    for c in (
        Coprogettazione.objects.filter(obiettivo=obiettivo)
        .select_related("azione")
        .prefetch_related(
            Prefetch("partner", PartnerCoprogettazione.objects.select_related("organizzazione")),
            "monitoraggi",
            Prefetch("movimenti", Movimento.objects.select_related("esercizio__fondo").order_by("data", "pk")),
        )
    ):
        partner = list(c.partner.all())
        quote = sum((p.quota for p in partner), Decimal(0))
        movimenti = list(c.movimenti.all()) if dettaglio else None
        totale = sum((m.importo for m in movimenti), Decimal(0)) if movimenti is not None else None
        righe.append(
            RigaCoprogettazione(c, partner, quote, c.budget - quote, list(c.monitoraggi.all()), movimenti, totale)
        )
    return righe


def movimenti_collegabili(obiettivo):
    """Ledger entries of the plan's Ambito that may pay a co-design of `obiettivo`: those
    assigned to it, and those assigned to no objective, in the years of the plan."""
    piano = obiettivo.piano
    return (
        Movimento.objects.filter(esercizio__ambito_id=piano.ambito_id, esercizio__anno__in=piano.anni_in_vigore)
        .filter(Q(obiettivo=obiettivo) | Q(obiettivo__isnull=True))
        .exclude(tipo__in=["assegnazione", "riporto", "riporto_fuori", "economia"])
        .select_related("esercizio__fondo")
        .order_by("-data", "-pk")
    )


# --- governance, for the documents (plain values: the documents make no query) -----------------


@dataclass
class PartecipanteGov:
    nome: str
    tipo: str
    tavoli: list  # titles


@dataclass
class IncontroGov:
    data: datetime.date
    tavolo: str
    dove: str
    enti_presenti: int


@dataclass
class EsitoGov:
    tavolo: str
    tipo: str
    testo: str
    obiettivi: list  # "codice titolo" of the plan's objectives that answer it


@dataclass
class DeliberaGov:
    numero: str
    data: datetime.date
    oggetto: str
    del_piano: bool


@dataclass
class SedutaGov:
    data: datetime.date
    luogo: str
    comuni_presenti: int
    comuni_assenti: int
    delibere: list  # DeliberaGov


@dataclass
class AvvisoGov:
    titolo: str
    atto: str
    pubblicato_il: datetime.date | None
    scadenza: datetime.date | None
    aree: list  # titles
    manifestazioni: int
    accolte: int


@dataclass
class CoprogettazioneGov:
    obiettivo: str
    titolo: str
    partner: list  # names, the capofila first
    budget: Decimal
    strumento: str
    firmato_il: datetime.date | None
    dal: datetime.date | None
    al: datetime.date | None


@dataclass
class Governance:
    """What the governance chapter prints of a plan's co-programming and of its Ambito's
    Assemblea: organisations only (no person's name)."""

    avvisi: list  # AvvisoGov
    partecipanti: list  # PartecipanteGov
    incontri: list  # IncontroGov, held (date not after `oggi`)
    esiti: list  # EsitoGov
    sedute: list  # SedutaGov
    coprogettazioni: list  # CoprogettazioneGov

    @property
    def vuota(self):
        return not (self.avvisi or self.partecipanti or self.incontri or self.esiti or self.sedute)


def governance_del_piano(piano, oggi):
    """The governance of `piano` (already checked visible) as plain values."""
    avvisi = [
        AvvisoGov(
            a.titolo,
            a.atto,
            a.pubblicato_il,
            a.scadenza,
            [x.titolo for x in a.aree.all()],
            len(a.manifestazioni.all()),
            sum(1 for m in a.manifestazioni.all() if m.accolta),
        )
        for a in Avviso.objects.filter(piano=piano).prefetch_related("aree", "manifestazioni")
    ]
    tavoli_di = {}
    membri = Componente.objects.filter(tavolo__piano=piano, organizzazione__isnull=False).values_list(
        "organizzazione__nome", "organizzazione__tipo", "tavolo__titolo"
    )
    presenti = Presenza.objects.filter(incontro__tavolo__piano=piano, organizzazione__isnull=False).values_list(
        "organizzazione__nome", "organizzazione__tipo", "incontro__tavolo__titolo"
    )
    for nome, tipo, tavolo in [*membri, *presenti]:
        tavoli_di.setdefault((nome, tipo), set()).add(tavolo)
    tipi = dict(TipoOrganizzazione.choices)
    partecipanti = [
        PartecipanteGov(nome, tipi.get(tipo, tipo), sorted(tavoli))
        for (nome, tipo), tavoli in sorted(tavoli_di.items())
    ]
    incontri = [
        IncontroGov(
            i.data,
            i.tavolo.titolo,
            "a distanza" if i.online else i.luogo,
            len({p.organizzazione_id for p in i.presenze.all() if p.organizzazione_id}),
        )
        for i in Incontro.objects.filter(tavolo__piano=piano, data__lte=oggi)
        .select_related("tavolo")
        .prefetch_related("presenze")
        .order_by("data", "ora", "pk")
    ]
    esiti = [
        EsitoGov(e.tavolo.titolo, e.get_tipo_display(), e.testo, [f"{o.codice} {o.titolo}" for o in e.obiettivi.all()])
        for e in Esito.objects.filter(tavolo__piano=piano)
        .select_related("tavolo")
        .prefetch_related(Prefetch("obiettivi", queryset=Obiettivo.objects.order_by("ordine", "codice")))
        .order_by("tavolo__ordine", "ordine", "pk")
    ]
    sedute = [
        SedutaGov(
            s.data,
            s.luogo,
            sum(1 for p in s.presenze.all() if p.presente),
            sum(1 for p in s.presenze.all() if not p.presente),
            [DeliberaGov(d.numero, d.data, d.oggetto, d.piano_id == piano.pk) for d in s.delibere.all()],
        )
        for s in Seduta.objects.filter(ambito_id=piano.ambito_id)
        .filter(Q(delibere__piano=piano) | Q(data__year__gte=piano.anno_inizio - 1, data__year__lte=piano.anno_fine))
        .distinct()
        .prefetch_related("presenze", "delibere")
        .order_by("data")
    ]
    coprogettazioni = [
        CoprogettazioneGov(
            f"{c.obiettivo.codice} {c.obiettivo.titolo}",
            c.titolo,
            [p.organizzazione.nome for p in c.partner.all()],
            c.budget,
            c.get_strumento_display() if c.strumento else "",
            c.firmato_il,
            c.dal,
            c.al,
        )
        for c in Coprogettazione.objects.filter(obiettivo__piano=piano)
        .select_related("obiettivo")
        .prefetch_related(Prefetch("partner", PartnerCoprogettazione.objects.select_related("organizzazione")))
        .order_by("obiettivo__ordine", "obiettivo__codice", "pk")
    ]
    return Governance(avvisi, partecipanti, incontri, esiti, sedute, coprogettazioni)


@dataclass
class GovernanceAmbito:
    """One plan's co-programming in a row of the provincial report."""

    ambito: str
    triennio: str
    tavoli: int
    incontri: int
    enti: int
    esiti: int
    obiettivi_collegati: int
    accordo_firmato_il: datetime.date | None
    sedute: int


def governance_provinciale(piani, oggi):
    """A row per plan of `piani` (already filtered by visibility): tables, meetings held,
    organisations taking part, outcomes and the objectives they produced, the accordo's date, the
    Assemblea's sittings about the plan."""
    righe = []
    for piano in piani:
        tavoli = riepilogo_tavoli(piano)
        righe.append(
            GovernanceAmbito(
                piano.ambito.nome,
                piano.triennio,
                len(tavoli),
                Incontro.objects.filter(tavolo__piano=piano, data__lte=oggi).count(),
                len(
                    set(
                        Componente.objects.filter(tavolo__piano=piano, organizzazione__isnull=False).values_list(
                            "organizzazione", flat=True
                        )
                    )
                    | set(
                        Presenza.objects.filter(
                            incontro__tavolo__piano=piano, organizzazione__isnull=False
                        ).values_list("organizzazione", flat=True)
                    )
                ),
                sum(r.esiti for r in tavoli),
                Obiettivo.objects.filter(piano=piano, esiti_coprogrammazione__isnull=False).distinct().count(),
                getattr(getattr(piano, "accordo", None), "firmato_il", None) or piano.accordo_firmato_il,
                Seduta.objects.filter(delibere__piano=piano).distinct().count(),
            )
        )
    return righe
