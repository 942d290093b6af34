"""The facts about a user (role, Ambito, Comune, superuser), and the rules that depend on
nothing else.

`fatti_di(user)` reads the user's profile into a `zona.lib.policies.Fatti`; `AccountsConfig`
registers it at start-up, so every app asks `zona.lib.policies.fatti(user)` without importing
accounts. Rules about an object live in the app that owns it (see zona/lib/policies.py).
Superusers count as the provincial coordination.
"""

from zona.lib.policies import Fatti, fatti

from .models import TipoRuolo


def profilo_of(user):
    if not user.is_authenticated:
        return None
    return getattr(user, "profilo", None)


def fatti_di(user):
    profilo = profilo_of(user)
    ruolo = profilo.ruolo if profilo is not None else None
    ufficio = profilo.ambito_id if ruolo == TipoRuolo.UFFICIO_DI_PIANO else None
    comune = profilo.comune_id if ruolo == TipoRuolo.COMUNE else None
    if ufficio is not None:
        ambiti = frozenset({ufficio})
    elif comune is not None:
        from territorio.models import AppartenenzaComune

        # Every Ambito the Comune belongs or belonged to: its users follow the Ambito's plans.
        ambiti = frozenset(AppartenenzaComune.objects.filter(comune=comune).values_list("ambito_id", flat=True))
    else:
        ambiti = frozenset()
    ats = profilo.ats_id if ruolo == TipoRuolo.ATS else None
    asst = profilo.asst_id if ruolo == TipoRuolo.ASST else None
    return Fatti(
        autenticato=True,
        superutente=user.is_superuser,
        coordinamento=user.is_superuser or ruolo == TipoRuolo.COORDINAMENTO,
        ufficio_di_piano=ufficio,
        comune=comune,
        ambiti=ambiti,
        ats=ats,
        asst=asst,
        territorio_sanitario=territorio_sanitario(ats, asst),
        componente_tavolo=ruolo == TipoRuolo.TAVOLO,
    )


FINE_APERTA = 9999


def territorio_sanitario(ats, asst):
    """(Ambito, first year, last year) of each membership of an Ambito in a Distretto of the ATS
    or ASST: a plan is in the agency's territory when its years overlap one of them (the
    Distretti of the province were redrawn: the plan's own dates decide, not today's map)."""
    if ats is None and asst is None:
        return frozenset()
    from territorio.models import AmbitoDistretto

    righe = AmbitoDistretto.objects.filter(
        **({"distretto__asst_id": asst} if asst is not None else {"distretto__asst__ats_id": ats})
    ).values_list("ambito_id", "dal", "al")
    return frozenset((ambito, dal.year, al.year if al else FINE_APERTA) for ambito, dal, al in righe)


def is_coordinamento(user):
    return fatti(user).coordinamento


def can_use_second_factor(user):
    """The roles that may protect their login with a TOTP code: the provincial coordination
    and the Uffici di Piano (they change other people's data)."""
    f = fatti(user)
    return f.coordinamento or f.ufficio_di_piano is not None


class PermessiUtente:
    """What templates may ask about the user (context variable `permessi`): user-level
    questions only; object-level answers come from the views, computed by the owning app."""

    def __init__(self, user):
        self._user = user

    @property
    def coordinamento(self):
        return is_coordinamento(self._user)

    @property
    def secondo_fattore(self):
        return can_use_second_factor(self._user)
