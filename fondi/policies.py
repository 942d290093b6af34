"""Who may read and write the funds pages and endpoints (see accounts.policies, fondi.permessi)."""

from django.shortcuts import get_object_or_404

from territorio.models import Ambito
from zona.lib.policies import Regola

from . import permessi


def _ambito(kwargs):
    return get_object_or_404(Ambito, pk=kwargs["codice"]).pk


FONDI_DETTAGLIO = Regola(
    "l'Ambito (Ufficio di Piano e Comuni) e il coordinamento provinciale",
    lambda user, kwargs: permessi.puo_leggere_dettaglio(user, _ambito(kwargs)),
    messaggio="Il registro dei fondi lo vedono l'Ambito (Ufficio di Piano e Comuni) e il coordinamento provinciale.",
)
FONDI_SCRITTURA = Regola(
    "l'Ufficio di Piano dell'Ambito",
    lambda user, kwargs: permessi.puo_scrivere(user, _ambito(kwargs)),
    messaggio="Solo l'Ufficio di Piano dell'Ambito registra i movimenti dei suoi fondi.",
)
