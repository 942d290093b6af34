"""Writes of the service offer: a unit saved from its form (optimistic locking, audited through
the model's save), the import (offerta.importa), a LEPS figure recorded for an Ambito."""

from django.core.exceptions import PermissionDenied

from zona.lib.locking import salva_con_versione

from . import permessi
from .models import RilevazioneLeps, UnitaOfferta


def salva_unita(utente, unita, versione_letta):
    """Save `unita` (a new one, or one whose form put the user's values on it) if the user may
    write its Ambito and nobody saved it since `versione_letta`. The model's checks (codice
    fiscale, accreditation not before authorisation) run in full_clean."""
    if not permessi.puo_modificare_unita(utente, unita):
        raise PermissionDenied("L'unità è di un Comune fuori dal vostro Ambito.")
    return salva_con_versione(unita, versione_letta)


def registra_rilevazione(utente, ambito_id, leps, anno, valore, fonte):
    """Record (or replace) the figure of a LEPS for an Ambito and a year."""
    if not permessi.puo_scrivere_ambito(utente, ambito_id):
        raise PermissionDenied("Solo l'Ufficio di Piano dell'Ambito o il coordinamento provinciale.")
    r, _ = RilevazioneLeps.objects.update_or_create(
        ambito_id=ambito_id, leps=leps, anno=anno, defaults={"valore": valore, "fonte": fonte}
    )
    return r


__all__ = ["salva_unita", "registra_rilevazione", "UnitaOfferta"]
