"""The permission rules of the registry, in one place.

Registry data is public: anyone may read it. Changes are scoped: the provincial coordination
changes everything, an Ufficio di Piano its own Ambito, a Comune user its own Comune.
Superusers pass every check.
"""

from .models import TipoRuolo


def profilo_of(user):
    if not user.is_authenticated:
        return None
    return getattr(user, "profilo", None)


def is_coordinamento(user):
    if user.is_authenticated and user.is_superuser:
        return True
    profilo = profilo_of(user)
    return profilo is not None and profilo.ruolo == TipoRuolo.COORDINAMENTO


def can_edit_ambito(user, ambito):
    if is_coordinamento(user):
        return True
    profilo = profilo_of(user)
    return profilo is not None and profilo.ruolo == TipoRuolo.UFFICIO_DI_PIANO and profilo.ambito_id == ambito.pk


def can_edit_comune(user, comune):
    if is_coordinamento(user):
        return True
    profilo = profilo_of(user)
    return profilo is not None and profilo.ruolo == TipoRuolo.COMUNE and profilo.comune_id == comune.pk


def can_use_second_factor(user):
    """The roles that may protect their login with a TOTP code: the provincial coordination
    and the Uffici di Piano (they change other people's data)."""
    profilo = profilo_of(user)
    return is_coordinamento(user) or (profilo is not None and profilo.ruolo == TipoRuolo.UFFICIO_DI_PIANO)


def can_view_audit(user):
    return is_coordinamento(user)


def can_import_memberships(user):
    return is_coordinamento(user)


def can_load_data(user):
    """Coordinamento, Uffici di Piano and Comuni load data, each for its own territory."""
    return is_coordinamento(user) or profilo_of(user) is not None


def data_scope(user):
    """A function (livello, codice) -> bool telling whether `user` may load data for that
    territory, or None when every territory is allowed."""
    if is_coordinamento(user):
        return None
    profilo = profilo_of(user)
    if profilo is None:
        return lambda livello, codice: False
    if profilo.ruolo == TipoRuolo.UFFICIO_DI_PIANO:
        from territorio.models import AppartenenzaComune

        comuni = set(AppartenenzaComune.objects.filter(ambito=profilo.ambito_id).values_list("comune_id", flat=True))
        return lambda livello, codice: (
            (livello == "ambito" and codice == profilo.ambito_id) or (livello == "comune" and codice in comuni)
        )
    return lambda livello, codice: livello == "comune" and codice == profilo.comune_id


# --- Piani di Zona -----------------------------------------------------------------------
# A plan in draft is seen by its Ambito (Ufficio di Piano and Comuni) and by the provincial
# coordination; once approved it is public. Only the Ufficio di Piano of the Ambito writes it.


def can_view_piano(user, piano):
    if piano.stato != "bozza" or is_coordinamento(user):
        return True
    profilo = profilo_of(user)
    if profilo is None:
        return False
    if profilo.ruolo == TipoRuolo.UFFICIO_DI_PIANO:
        return profilo.ambito_id == piano.ambito_id
    if profilo.ruolo == TipoRuolo.COMUNE:
        from territorio.models import AppartenenzaComune

        return AppartenenzaComune.objects.filter(comune=profilo.comune_id, ambito=piano.ambito_id).exists()
    return False


def can_edit_piano(user, piano):
    """Write access to the plan's content; whether the plan is still editable (draft or open
    revision) is a rule of the plan, checked by programmazione.services."""
    if user.is_authenticated and user.is_superuser:
        return True
    profilo = profilo_of(user)
    return profilo is not None and profilo.ruolo == TipoRuolo.UFFICIO_DI_PIANO and profilo.ambito_id == piano.ambito_id


def can_edit_prologo(user):
    return is_coordinamento(user)
