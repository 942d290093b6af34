"""Who reads and writes the funds of an Ambito (the rules of plans, applied to money).

The Ufficio di Piano writes its Ambito's ledger; the provincial coordination reads every
Ambito; the Comuni read their Ambito; the public sees the programmed and reported totals only.
Superusers pass every check."""

from accounts.permissions import TipoRuolo, is_coordinamento, profilo_of


def puo_scrivere(user, ambito_id):
    if user is None:  # the demo loader and commands run as the system
        return True
    if user.is_authenticated and user.is_superuser:
        return True
    profilo = profilo_of(user)
    return profilo is not None and profilo.ruolo == TipoRuolo.UFFICIO_DI_PIANO and profilo.ambito_id == ambito_id


def puo_leggere_dettaglio(user, ambito_id):
    """The whole ledger (acts, commitments, payments, beneficiaries) of the Ambito."""
    if user is None or is_coordinamento(user):
        return True
    profilo = profilo_of(user)
    if profilo is None:
        return False
    if profilo.ruolo == TipoRuolo.UFFICIO_DI_PIANO:
        return profilo.ambito_id == ambito_id
    if profilo.ruolo == TipoRuolo.COMUNE:
        from territorio.models import AppartenenzaComune

        return AppartenenzaComune.objects.filter(comune=profilo.comune_id, ambito=ambito_id).exists()
    return False


def ambiti_in_dettaglio(user):
    """Codes of the Ambiti whose whole ledger `user` reads; None means every Ambito."""
    if user is None or is_coordinamento(user):
        return None
    profilo = profilo_of(user)
    if profilo is None:
        return set()
    if profilo.ruolo == TipoRuolo.UFFICIO_DI_PIANO:
        return {profilo.ambito_id}
    if profilo.ruolo == TipoRuolo.COMUNE:
        from territorio.models import AppartenenzaComune

        return set(AppartenenzaComune.objects.filter(comune=profilo.comune_id).values_list("ambito", flat=True))
    return set()
