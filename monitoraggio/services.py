"""Recording the follow-up of a plan. Only the Ufficio di Piano of the Ambito records it (and an
ATS or ASST the measurements of a socio-health objective it is co-responsible for), on a
plan that has been approved (a draft has nothing to monitor); each function checks, saves in
one transaction, and raises ValidationError in Italian when a rule is broken."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from conoscenza.models import Livello
from conoscenza.selectors import calcola
from programmazione import permessi
from programmazione.models import StatoAttuazione, StatoPiano
from programmazione.services import verifica_permesso
from zona.lib import formato
from zona.lib.formato import numero
from zona.lib.locking import ModificaConcorrente, salva_con_versione

from .models import Impegno, Misurazione, Valutazione


def verifica_misurabile(utente, indicatore):
    """The plan's writers, or an ATS or ASST co-responsible for the socio-health objective;
    `utente` None is the server's operator (demo, batch)."""
    obiettivo = indicatore.obiettivo
    if utente is not None and not (
        permessi.puo_modificare(utente, obiettivo.piano) or permessi.corresponsabile(utente, obiettivo)
    ):
        raise PermissionDenied(
            "Solo l'Ufficio di Piano dell'Ambito, o l'ATS o l'ASST corresponsabile dell'obiettivo sociosanitario, "
            "registra le misurazioni dei suoi indicatori."
        )


def verifica_monitorabile(piano):
    if piano.stato == StatoPiano.BOZZA:
        raise ValidationError("Il piano è ancora in bozza: il monitoraggio comincia dopo l'approvazione.")


def _verifica_anno(piano, anno):
    if anno not in piano.anni_in_vigore:
        proroga = piano.proroga()
        oltre = f" e dalla sua proroga al {proroga.prorogato_al:%d/%m/%Y}" if proroga else ""
        raise ValidationError(f"L'anno {anno} è fuori dal triennio {piano.triennio} del piano{oltre}.")


@transaction.atomic
def registra_misurazione(utente, indicatore, anno, semestre, data, valore, nota="", versione_letta=0):
    """Record the value of an indicator for a period. `versione_letta` is the version of the
    measurement of that period the user saw, 0 when there was none: a second measurement for the
    same indicator and period is a conflict with the first (the message says who recorded what,
    and when), unless the user saw it and means to replace it."""
    piano = indicatore.obiettivo.piano
    verifica_misurabile(utente, indicatore)
    verifica_monitorabile(piano)
    _verifica_anno(piano, anno)
    if indicatore.indicatore_id:
        raise ValidationError(
            "Questo indicatore si misura dalla base di conoscenza: usare «Calcola dai dati» invece di scrivere il "
            "valore."
        )
    if data > datetime.date.today():
        raise ValidationError("La data della rilevazione non può essere nel futuro.")
    # A no-op UPDATE of the indicator takes the write lock first: two first measurements of the
    # same period run one after the other, and the second sees the first.
    type(indicatore).objects.filter(pk=indicatore.pk).update(descrizione=F("descrizione"))
    esistente = (
        Misurazione.objects.select_related("inserita_da")
        .filter(indicatore=indicatore, anno=anno, semestre=semestre)
        .first()
    )
    letta = int(versione_letta or 0)
    if esistente is not None and esistente.versione != letta:
        raise ModificaConcorrente(esistente, letta, esistente.versione, [], messaggio=_gia_registrata(esistente))
    misura = esistente or Misurazione(indicatore=indicatore, anno=anno, semestre=semestre)
    misura.data, misura.valore, misura.nota = data, valore, nota
    misura.inserita_da = utente
    misura.full_clean(validate_unique=False)
    salva_con_versione(misura, letta, valida=False)
    return misura


def _gia_registrata(m):
    periodo = f"{m.get_semestre_display()} {m.anno}" if m.semestre else f"anno {m.anno}"
    chi = m.inserita_da.get_username() if m.inserita_da else "un altro utente"
    quando = timezone.localtime(m.inserita_il).strftime("%d/%m/%Y %H:%M")
    return (
        f"Per questo indicatore, {periodo}, {chi} ha già registrato il valore {numero(m.valore, None)} "
        f"il {quando} (rilevazione del {formato.data(m.data)}): non è stato salvato nulla. "
        "Per sostituirlo con il vostro, controllare i valori e registrare di nuovo."
    )


@transaction.atomic
def rileva_da_conoscenza(utente, indicatore, anno):
    """Measure an indicator linked to the knowledge base: its value for the plan's Ambito."""
    piano = indicatore.obiettivo.piano
    verifica_misurabile(utente, indicatore)
    verifica_monitorabile(piano)
    _verifica_anno(piano, anno)
    if not indicatore.indicatore_id:
        raise ValidationError("L'indicatore non è collegato alla base di conoscenza.")
    codice = indicatore.indicatore.codice
    valore = calcola(Livello.AMBITO, anni=[anno], indicatori=[codice], territori=[piano.ambito_id]).get(
        (piano.ambito_id, anno, codice)
    )
    if valore is None:
        raise ValidationError(f"La base di conoscenza non ha dati per «{indicatore.indicatore.nome}» nel {anno}.")
    misura, _ = Misurazione.objects.update_or_create(
        indicatore=indicatore,
        anno=anno,
        semestre=None,
        defaults={
            # The field keeps four decimals: store what will be read back.
            "data": datetime.date.today(),
            "valore": valore.quantize(Decimal("0.0001")),
            "calcolata": True,
            "inserita_da": utente,
            "fonte": f"Base di conoscenza di Zona: {indicatore.indicatore.nome}, Ambito {piano.ambito}, {anno}",
        },
    )
    return misura


@transaction.atomic
def aggiorna_stato(utente, oggetto, stato, motivo="", versione_letta=None):
    """Status of an objective or of an action; a reason is asked when not fully carried out."""
    piano = oggetto.piano if hasattr(oggetto, "piano") else oggetto.obiettivo.piano
    verifica_permesso(utente, piano)
    verifica_monitorabile(piano)
    if stato not in StatoAttuazione.values:
        raise ValidationError(f"Stato «{stato}» sconosciuto.")
    oggetto.stato = stato
    if hasattr(oggetto, "motivo"):
        if stato in {StatoAttuazione.PARZIALMENTE_ATTUATO, StatoAttuazione.NON_ATTUATO} and not motivo:
            raise ValidationError("Indicare il motivo per cui l'obiettivo non è stato attuato pienamente.")
        oggetto.motivo = motivo if stato in {StatoAttuazione.PARZIALMENTE_ATTUATO, StatoAttuazione.NON_ATTUATO} else ""
    oggetto.full_clean()
    if hasattr(oggetto, "versione"):
        salva_con_versione(oggetto, versione_letta, valida=False)
    else:
        oggetto.save()
    return oggetto


@transaction.atomic
def registra_impegno(utente, obiettivo, anno, fondo, impegnato, liquidato):
    verifica_permesso(utente, obiettivo.piano)
    verifica_monitorabile(obiettivo.piano)
    _verifica_anno(obiettivo.piano, anno)
    if liquidato > impegnato:
        raise ValidationError(
            f"Il liquidato ({numero(liquidato, None)} €) non può superare l'impegnato ({numero(impegnato, None)} €)."
        )
    impegno, _ = Impegno.objects.get_or_create(
        obiettivo=obiettivo, anno=anno, fondo=fondo, defaults={"impegnato": impegnato, "liquidato": liquidato}
    )
    impegno.impegnato, impegno.liquidato = impegnato, liquidato
    impegno.full_clean()
    impegno.save()
    return impegno


@transaction.atomic
def salva_valutazione(utente, valutazione, versione_letta=None):
    piano = valutazione.obiettivo.piano
    verifica_permesso(utente, piano)
    verifica_monitorabile(piano)
    if valutazione.risposto_bisogno is not None and not valutazione.risposto_bisogno_motivo.strip():
        raise ValidationError("Motivare la risposta: l'obiettivo ha risposto al bisogno?")
    if valutazione.riproposto is not None and not valutazione.riproposto_motivo.strip():
        raise ValidationError("Motivare la scelta di riproporre o no l'obiettivo.")
    salva_con_versione(valutazione, versione_letta)
    return valutazione


def valutazione_di(obiettivo):
    return Valutazione.objects.filter(obiettivo=obiettivo).first() or Valutazione(obiettivo=obiettivo)
