"""Who reads and writes the service offer.

The register and the LEPS are public, except the amounts of the units' contracts with the
Ambito: those are read by the users who work in the unit's Ambito (its Ufficio di Piano and its
Comuni) and by the provincial coordination. The Ufficio di Piano writes the units of the Comuni
of its Ambito (and its Ambito's LEPS figures); the coordination writes everything. Social
workers' staffing is a measure of the knowledge base, loaded with its rules
(conoscenza.permessi)."""

import datetime

from territorio import selectors as territorio
from zona.lib.policies import Regola, fatti, oggetto_o_404


def ambito_della_unita(unita, giorno=None):
    """The code of the Ambito the unit's Comune belongs to (today by default), or None."""
    ambito = territorio.ambito_di(unita.comune_id, giorno or datetime.date.today())
    return ambito.pk if ambito else None


def puo_scrivere_ambito(user, ambito_id):
    if user is None:  # commands and the demo loader run as the system
        return True
    f = fatti(user)
    return f.coordinamento or (ambito_id is not None and f.ufficio_di_piano == ambito_id)


def puo_modificare_unita(user, unita):
    return puo_scrivere_ambito(user, ambito_della_unita(unita))


def vede_importi(user, ambito_id):
    """The contract amounts of the Ambito's units."""
    if user is None:
        return True
    f = fatti(user)
    return f.coordinamento or (ambito_id is not None and ambito_id in f.ambiti)


def puo_importare(user):
    if user is None:
        return True
    f = fatti(user)
    return f.coordinamento or f.ufficio_di_piano is not None


def ambiti_scrivibili(user):
    """Codes of the Ambiti whose units `user` writes; None means all."""
    if user is None:
        return None
    f = fatti(user)
    if f.coordinamento:
        return None
    return {f.ufficio_di_piano} if f.ufficio_di_piano else set()


def _unita(kwargs):
    from .models import UnitaOfferta

    return oggetto_o_404(UnitaOfferta.objects.all(), kwargs["unita"])


UNITA_SCRITTURA = Regola(
    "l'Ufficio di Piano dell'Ambito dell'unità e il coordinamento provinciale",
    lambda user, kwargs: puo_modificare_unita(user, _unita(kwargs)),
    messaggio="Solo l'Ufficio di Piano dell'Ambito dell'unità o il coordinamento provinciale.",
)
IMPORTAZIONE = Regola(
    "gli Uffici di Piano e il coordinamento provinciale",
    lambda user, kwargs: puo_importare(user),
    per_oggetto=False,
    messaggio="Importano le unità d'offerta gli Uffici di Piano (per il loro Ambito) e il coordinamento.",
)
