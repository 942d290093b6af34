"""Who may read and write plans, as route policies (see accounts.policies)."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from accounts import permissions
from accounts.permissions import TipoRuolo, profilo_of
from accounts.policies import Regola

from .models import Obiettivo, Piano


@dataclass(frozen=True)
class RegolaPubblicaSe(Regola):
    """A rule that judges anonymous visitors too: approved plans are public, drafts are not,
    and an anonymous visitor of a draft is sent to the login page."""

    def consente(self, user, kwargs):
        return bool(self.verifica(user, kwargs))


def piano_da_url(kwargs):
    if "pk" in kwargs:
        return get_object_or_404(Piano, pk=kwargs["pk"])
    return get_object_or_404(Obiettivo.objects.select_related("piano"), pk=kwargs["obiettivo"]).piano


PIANO_VISIBILE = RegolaPubblicaSe(
    "chiunque se il piano è approvato; in bozza l'Ambito e il coordinamento provinciale",
    lambda user, kwargs: permissions.can_view_piano(user, piano_da_url(kwargs)),
    anonimi=True,
    messaggio="Il piano è in bozza: lo vedono solo l'Ambito e il coordinamento provinciale.",
)
PIANO_SCRIVIBILE = Regola(
    "l'Ufficio di Piano dell'Ambito",
    lambda user, kwargs: permissions.can_edit_piano(user, piano_da_url(kwargs)),
    messaggio="Solo l'Ufficio di Piano dell'Ambito modifica il suo piano.",
)
UFFICIO_DI_PIANO = Regola(
    "un Ufficio di Piano",
    lambda user, kwargs: (
        user.is_superuser or (profilo_of(user) is not None and profilo_of(user).ruolo == TipoRuolo.UFFICIO_DI_PIANO)
    ),
    messaggio="Solo un Ufficio di Piano crea il piano del suo Ambito.",
)
