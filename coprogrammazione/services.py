"""Writes of the co-programming and of the Assemblea's acts: checked, in one transaction.

Every function takes the acting user first (None for the system: the demo loader, commands) and
raises PermissionDenied when the user may not write (coprogrammazione.permessi), ValidationError
with an Italian message when a rule is broken; nothing is saved then. The audit trail
(django-auditlog, apps.py) records who changed what.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from programmazione.riparto import riparto
from zona.lib import formato
from zona.lib.policies import fatti

from . import permessi
from .models import (
    AreaAvviso,
    Avviso,
    Commento,
    Componente,
    Consultazione,
    Coprogettazione,
    Delibera,
    Esito,
    Incontro,
    Manifestazione,
    MonitoraggioCoprogettazione,
    PartnerCoprogettazione,
    Presenza,
    PresenzaComune,
    Seduta,
    Tavolo,
)


def _controlla(user, piano):
    if user is not None and not permessi.puo_scrivere(user, piano):
        raise PermissionDenied("Solo l'Ufficio di Piano dell'Ambito registra la co-programmazione del suo piano.")


def _salva(oggetto):
    oggetto.full_clean()
    oggetto.save()
    return oggetto


@transaction.atomic
def crea_avviso(user, piano, titolo, aree=(), **campi):
    """A notice with its macro-areas (`aree`: titles, or (titolo, temi, macroarea) tuples)."""
    _controlla(user, piano)
    avviso = _salva(Avviso(piano=piano, titolo=titolo, **campi))
    for numero, area in enumerate(aree, start=1):
        titolo_area, temi, macro = area if isinstance(area, tuple) else (area, "", None)
        if macro is not None and macro.piano_id != piano.pk:
            raise ValidationError("La macroarea indicata non è di questo piano.")
        _salva(AreaAvviso(avviso=avviso, numero=numero, titolo=titolo_area, temi=temi, macroarea=macro))
    return avviso


@transaction.atomic
def registra_manifestazione(user, avviso, organizzazione, aree=(), **campi):
    _controlla(user, avviso.piano)
    aree = list(aree)
    if any(a.avviso_id != avviso.pk for a in aree):
        raise ValidationError("Una delle aree indicate non è di questo avviso.")
    if Manifestazione.objects.filter(avviso=avviso, organizzazione=organizzazione).exists():
        raise ValidationError(f"{organizzazione} ha già una manifestazione di interesse per questo avviso.")
    m = _salva(Manifestazione(avviso=avviso, organizzazione=organizzazione, **campi))
    m.aree.set(aree)
    return m


@transaction.atomic
def crea_tavolo(user, piano, titolo, area=None, coordinatore=None, **campi):
    _controlla(user, piano)
    if area is not None and area.avviso.piano_id != piano.pk:
        raise ValidationError("L'area indicata non è di un avviso di questo piano.")
    if Tavolo.objects.filter(piano=piano, titolo=titolo).exists():
        raise ValidationError(f"Il piano ha già un tavolo «{titolo}».")
    return _salva(Tavolo(piano=piano, titolo=titolo, area=area, coordinatore=coordinatore, **campi))


@transaction.atomic
def aggiungi_componente(user, tavolo, organizzazione=None, nome="", email="", coordinatore=False, utente=None):
    """A member; `utente`, when given, is the member's login (role «tavolo»)."""
    _controlla(user, tavolo.piano)
    if utente is not None and not fatti(utente).componente_tavolo:
        raise ValidationError("Solo un utente con il ruolo di componente di un tavolo si collega a un componente.")
    return _salva(
        Componente(
            tavolo=tavolo,
            organizzazione=organizzazione,
            nome=nome,
            email=email,
            coordinatore=coordinatore,
            utente=utente,
        )
    )


@transaction.atomic
def registra_incontro(user, tavolo, data, organizzazioni_presenti=(), persone_presenti=(), **campi):
    """A meeting with the organisations and the people (names) present."""
    _controlla(user, tavolo.piano)
    incontro = _salva(Incontro(tavolo=tavolo, data=data, **campi))
    for o in organizzazioni_presenti:
        _salva(Presenza(incontro=incontro, organizzazione=o))
    for p in persone_presenti:
        _salva(Presenza(incontro=incontro, persona=p))
    return incontro


@transaction.atomic
def registra_esito(user, tavolo, tipo, testo, obiettivi=(), incontro=None, **campi):
    """A need or proposal of a table, with the objectives of the same plan that answer it."""
    _controlla(user, tavolo.piano)
    obiettivi = list(obiettivi)
    estranei = [o.codice for o in obiettivi if o.piano_id != tavolo.piano_id]
    if estranei:
        raise ValidationError(f"Obiettivi di un altro piano: {', '.join(estranei)}.")
    if incontro is not None and incontro.tavolo_id != tavolo.pk:
        raise ValidationError("L'incontro indicato non è di questo tavolo.")
    if "ordine" not in campi:
        campi["ordine"] = Esito.objects.filter(tavolo=tavolo).count() + 1
    esito = _salva(Esito(tavolo=tavolo, tipo=tipo, testo=testo, incontro=incontro, **campi))
    esito.obiettivi.set(obiettivi)
    return esito


@transaction.atomic
def collega_obiettivi(user, esito, obiettivi):
    _controlla(user, esito.tavolo.piano)
    obiettivi = list(obiettivi)
    if any(o.piano_id != esito.tavolo.piano_id for o in obiettivi):
        raise ValidationError("Si collegano solo obiettivi del piano del tavolo.")
    esito.obiettivi.set(obiettivi)


@transaction.atomic
def apri_consultazione(user, tavolo, obiettivo, aperta_il, domanda=""):
    """Submit an objective of the table's plan (a draft's too) to the table for comment."""
    _controlla(user, tavolo.piano)
    if obiettivo.piano_id != tavolo.piano_id:
        raise ValidationError("Si sottopone al tavolo solo un obiettivo del suo piano.")
    if Consultazione.objects.filter(tavolo=tavolo, obiettivo=obiettivo).exists():
        raise ValidationError(f"L'obiettivo {obiettivo.codice} è già stato sottoposto a questo tavolo.")
    return _salva(
        Consultazione(
            tavolo=tavolo,
            obiettivo=obiettivo,
            aperta_il=aperta_il,
            domanda=domanda,
            aperta_da=user if user is not None and user.pk else None,
        )
    )


@transaction.atomic
def chiudi_consultazione(user, consultazione, chiusa_il):
    _controlla(user, consultazione.tavolo.piano)
    consultazione.chiusa_il = chiusa_il
    return _salva(consultazione)


@transaction.atomic
def commenta(user, consultazione, testo):
    """A member's comment, attributed to the user and to the organisation it represents at the
    table (the audit trail records it too)."""
    if not permessi.e_componente(user, consultazione.tavolo):
        raise PermissionDenied("Commentano gli obiettivi in consultazione solo i componenti del tavolo.")
    if not consultazione.aperta:
        raise ValidationError(f"La consultazione è chiusa dal {consultazione.chiusa_il:%d/%m/%Y}.")
    testo = testo.strip()
    if not testo:
        raise ValidationError("Il commento è vuoto.")
    componente = Componente.objects.filter(tavolo=consultazione.tavolo, utente=user).first()
    return _salva(
        Commento(consultazione=consultazione, autore=user, organizzazione=componente.organizzazione, testo=testo)
    )


# --- co-progettazione ------------------------------------------------------------------------


def _euro(importo):
    return formato.euro(importo)


@transaction.atomic
def crea_coprogettazione(user, obiettivo, titolo, budget, azione=None, **campi):
    """The co-design of `obiettivo` (optionally of one of its actions): title, budget, notice."""
    _controlla(user, obiettivo.piano)
    if azione is not None and azione.obiettivo_id != obiettivo.pk:
        raise ValidationError("L'azione indicata non è di questo obiettivo.")
    return _salva(Coprogettazione(obiettivo=obiettivo, azione=azione, titolo=titolo, budget=budget, **campi))


def _quote(coprogettazione, escluso=None):
    qs = PartnerCoprogettazione.objects.filter(coprogettazione=coprogettazione)
    if escluso is not None:
        qs = qs.exclude(pk=escluso.pk)
    return sum(qs.values_list("quota", flat=True), Decimal(0))


@transaction.atomic
def aggiungi_partner(user, coprogettazione, organizzazione, quota, capofila=False, selezionato_il=None):
    """A partner selected with its share of the budget: the shares never exceed the budget."""
    coprogettazione = Coprogettazione.objects.select_for_update().get(pk=coprogettazione.pk)
    _controlla(user, coprogettazione.obiettivo.piano)
    if coprogettazione.firmato_il is not None:
        raise ValidationError("L'accordo è già sottoscritto: i partner e le quote non cambiano più.")
    if PartnerCoprogettazione.objects.filter(coprogettazione=coprogettazione, organizzazione=organizzazione).exists():
        raise ValidationError(f"{organizzazione} è già partner di questa co-progettazione.")
    gia = _quote(coprogettazione)
    if gia + quota > coprogettazione.budget:
        raise ValidationError(
            f"Con questa quota i partner avrebbero {_euro(gia + quota)} su un budget di "
            f"{_euro(coprogettazione.budget)}: restano da assegnare {_euro(coprogettazione.budget - gia)}."
        )
    return _salva(
        PartnerCoprogettazione(
            coprogettazione=coprogettazione,
            organizzazione=organizzazione,
            quota=quota,
            capofila=capofila,
            selezionato_il=selezionato_il,
        )
    )


@transaction.atomic
def ripartisci_in_parti_uguali(user, coprogettazione):
    """Set the partners' shares to equal parts of the budget, in cents that add up to it exactly
    (largest remainder, programmazione.riparto)."""
    coprogettazione = Coprogettazione.objects.select_for_update().get(pk=coprogettazione.pk)
    _controlla(user, coprogettazione.obiettivo.piano)
    if coprogettazione.firmato_il is not None:
        raise ValidationError("L'accordo è già sottoscritto: i partner e le quote non cambiano più.")
    partner = list(PartnerCoprogettazione.objects.filter(coprogettazione=coprogettazione).order_by("pk"))
    if not partner:
        raise ValidationError("Nessun partner da ripartire.")
    quote = riparto(coprogettazione.budget, {p.pk: 1 for p in partner})
    for p in partner:
        p.quota = quote[p.pk]
        _salva(p)
    return partner


@transaction.atomic
def registra_accordo(user, coprogettazione, strumento, firmato_il, atto="", dal=None, al=None):
    """The agreement (accordo di collaborazione, convenzione) signed with the partners: only when
    their shares add up exactly to the budget, and once."""
    coprogettazione = Coprogettazione.objects.select_for_update().get(pk=coprogettazione.pk)
    _controlla(user, coprogettazione.obiettivo.piano)
    if coprogettazione.firmato_il is not None:
        raise ValidationError(
            f"L'accordo è già registrato (sottoscritto il {formato.data(coprogettazione.firmato_il)})."
        )
    if not PartnerCoprogettazione.objects.filter(coprogettazione=coprogettazione).exists():
        raise ValidationError("Prima dell'accordo vanno indicati i partner selezionati.")
    totale = _quote(coprogettazione)
    if totale != coprogettazione.budget:
        raise ValidationError(
            f"Le quote dei partner fanno {_euro(totale)}, il budget è {_euro(coprogettazione.budget)}: "
            f"mancano {_euro(coprogettazione.budget - totale)}. L'accordo si registra quando le quote fanno "
            "esattamente il budget."
        )
    if dal is not None and firmato_il is not None and dal < firmato_il:
        raise ValidationError("L'accordo non può essere in vigore prima di essere sottoscritto.")
    coprogettazione.strumento, coprogettazione.firmato_il, coprogettazione.atto = strumento, firmato_il, atto
    coprogettazione.dal, coprogettazione.al = dal, al
    return _salva(coprogettazione)


@transaction.atomic
def collega_movimento(user, coprogettazione, movimento):
    """A fund ledger entry (fondi.Movimento) that pays the co-design: of the plan's Ambito."""
    piano = coprogettazione.obiettivo.piano
    _controlla(user, piano)
    if movimento.esercizio.ambito_id != piano.ambito_id:
        raise ValidationError("Il movimento è del registro dei fondi di un altro Ambito.")
    coprogettazione.movimenti.add(movimento)
    return coprogettazione


@transaction.atomic
def registra_monitoraggio_coprogettazione(user, coprogettazione, data, stato, speso=None, testo=""):
    _controlla(user, coprogettazione.obiettivo.piano)
    if speso is not None and speso > coprogettazione.budget:
        raise ValidationError(
            f"La spesa ({_euro(speso)}) supera il budget della co-progettazione ({_euro(coprogettazione.budget)})."
        )
    return _salva(
        MonitoraggioCoprogettazione(
            coprogettazione=coprogettazione,
            data=data,
            stato=stato,
            speso=speso,
            testo=testo,
            registrato_da=user if user is not None and user.pk else None,
        )
    )


# --- Assemblea dei Sindaci ---------------------------------------------------------------------


@transaction.atomic
def registra_seduta(user, ambito, data, comuni_presenti=(), comuni_assenti=(), delibere=(), **campi):
    """A sitting with the attendance of the Comuni and its delibere: dicts with numero, data,
    oggetto and optionally piano, testo."""
    if user is not None and not permessi.puo_scrivere_assemblea(user, ambito.pk):
        raise PermissionDenied("Solo l'Ufficio di Piano dell'Ambito registra le sedute della sua Assemblea.")
    if Seduta.objects.filter(ambito=ambito, data=data).exists():
        raise ValidationError(f"C'è già una seduta dell'Assemblea il {data:%d/%m/%Y}.")
    seduta = _salva(Seduta(ambito=ambito, data=data, **campi))
    for comune in comuni_presenti:
        _salva(PresenzaComune(seduta=seduta, comune=comune, presente=True))
    for comune in comuni_assenti:
        _salva(PresenzaComune(seduta=seduta, comune=comune, presente=False))
    for d in delibere:
        piano = d.get("piano")
        if piano is not None and piano.ambito_id != ambito.pk:
            raise ValidationError("La delibera si riferisce al piano di un altro Ambito.")
        _salva(Delibera(seduta=seduta, **d))
    return seduta
