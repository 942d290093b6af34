"""Who sees what of the social demand.

Extract rows: nobody, in any page or API. Aggregates: everyone sees them suppressed (1-4 users
"<5", secondary "n.d.": domanda.oscuramento). Unsuppressed aggregates: the provincial
coordination (every territory) and the Ufficio di Piano of an Ambito (its Ambito only), when
they ask for them (`?riservato=1`), and each such view is logged (services.registra_visione).
Loading extracts: the coordination (any erogatore) and an Ufficio di Piano (the erogatori of its
Ambito)."""

import datetime

from territorio.models import AppartenenzaComune
from zona.lib.policies import Regola, fatti


def puo_vedere_non_oscurati(user, ambito_codice):
    f = fatti(user)
    return f.coordinamento or (f.ufficio_di_piano is not None and f.ufficio_di_piano == ambito_codice)


def puo_caricare(user):
    f = fatti(user)
    return f.coordinamento or f.ufficio_di_piano is not None


def erogatori_ammessi(user):
    """ISTAT codes of the erogatori `user` may load extracts for; None = any."""
    f = fatti(user)
    if f.coordinamento:
        return None
    if f.ufficio_di_piano is None:
        return set()
    oggi = datetime.date.today()
    return set(
        AppartenenzaComune.objects.filter(ambito_id=f.ufficio_di_piano, dal__lte=oggi)
        .values_list("comune_id", flat=True)
        .distinct()
    )


CARICA_ESTRATTI = Regola(
    "il coordinamento provinciale o un Ufficio di Piano",
    lambda user, kwargs: puo_caricare(user),
    messaggio="Gli estratti della cartella sociale li caricano il coordinamento e gli Uffici di Piano.",
    per_oggetto=False,
)
