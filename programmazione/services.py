"""Writing plans: every change goes through here, checked, in one transaction.

Views and the importer call these functions; they raise ValidationError with an Italian message
when a rule is broken, and nothing is saved then. The audit trail (django-auditlog) records who
changed what.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zona.lib.locking import salva_con_versione

from . import permessi
from .models import (
    AccordoDiProgramma,
    Corresponsabilita,
    ModalitaAdesione,
    Obiettivo,
    Piano,
    Revisione,
    Sottoscrittore,
    StatoPiano,
)


def verifica_modificabile(piano):
    """An approved plan is frozen; it changes only while a revision is open."""
    if piano.modificabile():
        return
    raise ValidationError(
        f"Il piano è nello stato «{piano.get_stato_display()}»: per modificarlo aprire una revisione."
    )


def verifica_permesso(utente, piano):
    """`utente` None is a load from the command line (demo, batch import): the operator of
    the server is trusted, and the audit trail records no actor."""
    if utente is not None and not permessi.puo_modificare(utente, piano):
        raise PermissionDenied("Solo l'Ufficio di Piano dell'Ambito modifica il suo piano.")


@transaction.atomic
def crea_piano(utente, ambito, anno_inizio, anno_fine=None, titolo="", precedente_fonte=""):
    anno_fine = anno_fine or anno_inizio + 2
    if anno_fine != anno_inizio + 2:
        raise ValidationError("Un Piano di Zona dura tre anni: l'anno di fine è l'anno di inizio più due.")
    if Piano.objects.filter(ambito=ambito, anno_inizio=anno_inizio).exists():
        raise ValidationError(f"L'Ambito {ambito} ha già un piano per il triennio {anno_inizio}-{anno_fine}.")
    piano = Piano(ambito=ambito, anno_inizio=anno_inizio, anno_fine=anno_fine, titolo=titolo, fonte=precedente_fonte)
    verifica_permesso(utente, piano)
    piano.full_clean()
    piano.save()
    return piano


@transaction.atomic
def salva_piano(utente, piano, versione_letta):
    verifica_permesso(utente, piano)
    verifica_modificabile(piano)
    salva_con_versione(piano, versione_letta)
    return piano


@transaction.atomic
def salva_obiettivo(utente, obiettivo, versione_letta=None, m2m=None):
    """Save an objective (new when it has no pk) with its many-to-many fields; `versione_letta`
    (the version the user read) is required for an existing one (zona.lib.locking)."""
    piano = obiettivo.piano
    if obiettivo.pk is None or utente is None:
        verifica_permesso(utente, piano)
    elif not permessi.puo_modificare_obiettivo(utente, Obiettivo.objects.select_related("piano").get(pk=obiettivo.pk)):
        # Judged on the stored objective: an agency cannot gain it by ticking «sociosanitario».
        raise PermissionDenied(
            "Solo l'Ufficio di Piano dell'Ambito, o l'ATS o l'ASST corresponsabile dell'obiettivo sociosanitario, "
            "modifica questo obiettivo."
        )
    verifica_modificabile(piano)
    if obiettivo.macroarea_id and obiettivo.macroarea.piano_id != piano.pk:
        raise ValidationError("La macroarea scelta appartiene a un altro piano.")
    if obiettivo.continua_id and obiettivo.continua.piano.ambito_id != piano.ambito_id:
        raise ValidationError("L'obiettivo precedente deve essere di un piano dello stesso Ambito.")
    if obiettivo.continua_id and obiettivo.continua.piano.anno_inizio >= piano.anno_inizio:
        raise ValidationError("L'obiettivo precedente deve essere di un triennio precedente.")
    if not obiettivo.codice:
        obiettivo.codice = prossimo_codice(piano)
    salva_con_versione(obiettivo, versione_letta)
    for campo, valori in (m2m or {}).items():
        getattr(obiettivo, campo).set(valori)
    return obiettivo


def prossimo_codice(piano):
    n = piano.obiettivi.count() + 1
    codici = set(piano.obiettivi.values_list("codice", flat=True))
    while f"OB-{n:02d}" in codici:
        n += 1
    return f"OB-{n:02d}"


@transaction.atomic
def salva_dettaglio(utente, oggetto):
    """Save an action, indicator, target or resource of an objective of an editable plan."""
    piano = oggetto.obiettivo.piano if hasattr(oggetto, "obiettivo") else oggetto.indicatore.obiettivo.piano
    verifica_permesso(utente, piano)
    verifica_modificabile(piano)
    oggetto.full_clean()
    oggetto.save()
    return oggetto


@transaction.atomic
def elimina_dettaglio(utente, oggetto):
    piano = oggetto.obiettivo.piano if hasattr(oggetto, "obiettivo") else oggetto.piano
    verifica_permesso(utente, piano)
    verifica_modificabile(piano)
    oggetto.delete()


# --- lifecycle ---------------------------------------------------------------------------

# stato attuale -> (stato successivo, campo data, etichetta dell'azione)
PASSAGGI = {
    StatoPiano.BOZZA: (StatoPiano.APPROVATO, "approvato_il", "Registra l'approvazione dell'Assemblea dei Sindaci"),
    StatoPiano.APPROVATO: (StatoPiano.ACCORDO, "accordo_firmato_il", "Registra la firma dell'Accordo di programma"),
    StatoPiano.ACCORDO: (StatoPiano.VIGENTE, "in_vigore_dal", "Registra l'entrata in vigore"),
    StatoPiano.VIGENTE: (StatoPiano.CHIUSO, "chiuso_il", "Chiudi il piano"),
}


@transaction.atomic
def avanza_stato(utente, piano, data, delibera="", versione_letta=None):
    verifica_permesso(utente, piano)
    if piano.stato not in PASSAGGI:
        raise ValidationError("Il piano è chiuso: non ci sono altri passaggi.")
    if piano.revisione_aperta() is not None:
        raise ValidationError("C'è una revisione aperta: chiuderla prima di cambiare lo stato del piano.")
    if not isinstance(data, datetime.date):
        raise ValidationError("Indicare la data.")
    successivo, campo, _ = PASSAGGI[piano.stato]
    precedenti = [
        getattr(piano, c) for c in ("approvato_il", "accordo_firmato_il", "in_vigore_dal") if getattr(piano, c)
    ]
    if precedenti and data < max(precedenti):
        raise ValidationError(
            f"La data non può precedere quella del passaggio precedente ({max(precedenti):%d/%m/%Y})."
        )
    if successivo == StatoPiano.APPROVATO:
        if not delibera.strip():
            raise ValidationError("Indicare gli estremi della delibera di approvazione dell'Assemblea dei Sindaci.")
        if not piano.obiettivi.exists():
            raise ValidationError("Un piano senza obiettivi non può essere approvato.")
        piano.delibera = delibera.strip()
    if successivo == StatoPiano.ACCORDO:
        accordo, _ = AccordoDiProgramma.objects.get_or_create(piano=piano)
        accordo.firmato_il = data
        accordo.save()
    setattr(piano, campo, data)
    piano.stato = successivo
    salva_con_versione(piano, versione_letta, valida=False)
    return piano


@transaction.atomic
def apri_revisione(utente, piano, motivo):
    verifica_permesso(utente, piano)
    if piano.stato == StatoPiano.BOZZA:
        raise ValidationError("Il piano è ancora in bozza: si modifica direttamente.")
    if piano.stato == StatoPiano.CHIUSO:
        raise ValidationError("Il piano è chiuso: non si può più rivedere.")
    if piano.revisione_aperta() is not None:
        raise ValidationError("C'è già una revisione aperta.")
    if not motivo.strip():
        raise ValidationError("Indicare il motivo della revisione.")
    numero = (piano.revisioni.order_by("-numero").values_list("numero", flat=True).first() or 0) + 1
    piano.dimentica_revisioni()
    return Revisione.objects.create(piano=piano, numero=numero, motivo=motivo.strip(), aperta_da=utente)


@transaction.atomic
def chiudi_revisione(utente, piano, delibera):
    verifica_permesso(utente, piano)
    revisione = piano.revisione_aperta()
    if revisione is None:
        raise ValidationError("Non c'è nessuna revisione aperta.")
    if not delibera.strip():
        raise ValidationError("Indicare la delibera che approva la revisione.")
    from django.utils import timezone

    revisione.chiusa_il = timezone.now()
    revisione.delibera = delibera.strip()
    revisione.save()
    piano.dimentica_revisioni()
    return revisione


# An extension is counted in years, not decades: a bound keeps nonsense dates out of the calendar.
MASSIMO_ANNI_DI_PROROGA = 3


@transaction.atomic
def proroga_piano(utente, piano, prorogato_al, atto_ente, atto_numero="", atto_data=None, obiettivi=(), motivo=""):
    """Record an extension of an approved plan as a closed revision: the new end date, the act
    that decided it and the objectives carried on (none listed: all of them). The monitoring
    calendar and the years a measurement may refer to follow the new end date."""
    verifica_permesso(utente, piano)
    if piano.stato == StatoPiano.BOZZA:
        raise ValidationError("Un piano in bozza non si proroga: se ne cambia il triennio.")
    if piano.revisione_aperta() is not None:
        raise ValidationError("C'è una revisione aperta: chiuderla prima di registrare la proroga.")
    if not isinstance(prorogato_al, datetime.date):
        raise ValidationError("Indicare la nuova data di fine del piano.")
    if prorogato_al <= piano.fine_vigenza:
        raise ValidationError(f"La proroga deve portare la fine del piano oltre il {piano.fine_vigenza:%d/%m/%Y}.")
    if prorogato_al.year > piano.anno_fine + MASSIMO_ANNI_DI_PROROGA:
        raise ValidationError(
            f"Una proroga oltre il {piano.anno_fine + MASSIMO_ANNI_DI_PROROGA} non è un prolungamento del "
            "triennio: approvare un nuovo piano."
        )
    if not atto_ente.strip():
        raise ValidationError("Indicare l'ente che ha deciso la proroga (es. Regione Lombardia).")
    if atto_data and atto_data > prorogato_al:
        raise ValidationError("L'atto di proroga non può essere successivo alla nuova data di fine.")
    obiettivi = list(obiettivi)
    if any(o.piano_id != piano.pk for o in obiettivi):
        raise ValidationError("Gli obiettivi prorogati devono essere obiettivi di questo piano.")
    numero = (piano.revisioni.order_by("-numero").values_list("numero", flat=True).first() or 0) + 1
    from django.utils import timezone

    atto = " ".join(
        x
        for x in (
            atto_ente.strip(),
            f"n. {atto_numero.strip()}" if atto_numero.strip() else "",
            f"del {atto_data:%d/%m/%Y}" if atto_data else "",
        )
        if x
    )
    revisione = Revisione.objects.create(
        piano=piano,
        numero=numero,
        motivo=motivo.strip() or f"Proroga del piano al {prorogato_al:%d/%m/%Y}",
        aperta_da=utente,
        chiusa_il=timezone.now(),
        delibera=atto[:200],
        prorogato_al=prorogato_al,
        atto_ente=atto_ente.strip()[:200],
        atto_numero=atto_numero.strip()[:50],
        atto_data=atto_data,
    )
    revisione.obiettivi_prorogati.set(obiettivi)
    piano.dimentica_revisioni()
    return revisione


@transaction.atomic
def aggiungi_sottoscrittore(
    utente, piano, tipo, nome, comune=None, aderito_il=None, modalita=ModalitaAdesione.FIRMA, ritirato_il=None
):
    """A signatory or adherent of the plan's accordo di programma (adhesions keep coming after
    approval), with the date it signed or joined and, when known, of its withdrawal."""
    verifica_permesso(utente, piano)
    if piano.stato == StatoPiano.BOZZA:
        raise ValidationError("L'accordo di programma si sottoscrive dopo l'approvazione del piano.")
    accordo, _ = AccordoDiProgramma.objects.get_or_create(piano=piano)
    if accordo.sottoscrittori.filter(nome=nome).exists():
        raise ValidationError(f"«{nome}» è già tra i sottoscrittori.")
    if aderito_il and accordo.firmato_il and aderito_il < accordo.firmato_il:
        raise ValidationError(f"L'adesione non può precedere la firma dell'accordo ({accordo.firmato_il:%d/%m/%Y}).")
    s = Sottoscrittore(
        accordo=accordo,
        tipo=tipo,
        nome=nome,
        comune=comune,
        aderito_il=aderito_il,
        modalita=modalita,
        ritirato_il=ritirato_il,
    )
    s.full_clean()
    s.save()
    return s


@transaction.atomic
def assegna_corresponsabilita(utente, obiettivo, ats=None, asst=None, compiti=""):
    """Name an ATS or an ASST co-responsible of a socio-health objective (the Ufficio di Piano of
    the plan decides; it stays also after approval, like the monitoring it enables). Only an
    agency of the plan's territory (selectors.enti_sanitari_del_piano), once per objective."""
    from .selectors import enti_sanitari_del_piano

    verifica_permesso(utente, obiettivo.piano)
    if not obiettivo.integrazione_sociosanitaria:
        raise ValidationError("Solo un obiettivo di integrazione sociosanitaria ha un'ATS o un'ASST corresponsabile.")
    if (ats is None) == (asst is None):
        raise ValidationError("Indicare l'ATS oppure l'ASST.")
    ente = ats or asst
    if ente not in [e for enti in enti_sanitari_del_piano(obiettivo.piano) for e in enti]:
        raise ValidationError(
            f"{ente} non ha Distretti nel territorio dell'Ambito negli anni del piano: non può esserne corresponsabile."
        )
    if obiettivo.corresponsabili.filter(ats=ats, asst=asst).exists():
        raise ValidationError(f"{ente} è già corresponsabile dell'obiettivo {obiettivo.codice}.")
    c = Corresponsabilita(obiettivo=obiettivo, ats=ats, asst=asst, compiti=compiti.strip())
    c.full_clean()
    c.save()
    return c


@transaction.atomic
def revoca_corresponsabilita(utente, corresponsabilita):
    """The agency no longer shares the objective's responsibility (nor writes it). The audit
    trail keeps the row that was deleted and who deleted it."""
    verifica_permesso(utente, corresponsabilita.obiettivo.piano)
    corresponsabilita.delete()
