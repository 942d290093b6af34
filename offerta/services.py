"""Writes of the service offer: a unit saved from its form (optimistic locking, audited through
the model's save; its places published to the knowledge base, offerta.copertura), the import
(offerta.importa), a LEPS figure recorded for an Ambito."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from territorio.models import Ambito
from zona.lib.locking import ModificaConcorrente, salva_con_versione

from . import copertura, permessi
from .models import Calcolo, RilevazioneLeps, UnitaOfferta


def salva_unita(utente, unita, versione_letta):
    """Save `unita` (a new one, or one whose form put the user's values on it) if the user may
    write its Ambito and nobody saved it since `versione_letta`. The model's checks (codice
    fiscale, accreditation not before authorisation) run in full_clean."""
    if not permessi.puo_modificare_unita(utente, unita):
        raise PermissionDenied("L'unità è di un Comune fuori dal vostro Ambito.")
    with transaction.atomic():
        salvata = salva_con_versione(unita, versione_letta)
        # The coverage indicators read the register's places from the knowledge base.
        copertura.pubblica(utente=utente)
    return salvata


def registra_rilevazione(utente, ambito_id, leps, anno, valore, fonte, versione_letta):
    """Record the figure of a LEPS for an Ambito and a year, or replace it if nobody changed it
    since the user read it at `versione_letta` (0: the page showed no figure). Only LEPS whose
    figure is recorded (not computed from the knowledge base) take one."""
    if not permessi.puo_scrivere_ambito(utente, ambito_id):
        raise PermissionDenied("Solo l'Ufficio di Piano dell'Ambito o il coordinamento provinciale.")
    if leps.calcolo != Calcolo.RILEVATO:
        raise ValidationError("Questo LEPS si calcola dalla base di conoscenza: caricare i dati di base.")
    with transaction.atomic():
        # A no-op UPDATE of the Ambito takes the write lock first: two first figures of the same
        # year run one after the other, and the second sees the first.
        Ambito.objects.filter(pk=ambito_id).update(nome=F("nome"))
        esistente = RilevazioneLeps.objects.filter(ambito_id=ambito_id, leps=leps, anno=anno).first()
        letta = int(versione_letta or 0)
        if esistente is not None and esistente.versione != letta:
            raise ModificaConcorrente(
                esistente, letta, esistente.versione, [{"campo": "valore", "dopo": esistente.valore}]
            )
        r = esistente or RilevazioneLeps(ambito_id=ambito_id, leps=leps, anno=anno)
        return salva_con_versione(r, letta, valore=valore, fonte=fonte)


__all__ = ["salva_unita", "registra_rilevazione", "UnitaOfferta"]
