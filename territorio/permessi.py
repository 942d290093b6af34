"""Who changes the registry: the provincial coordination everything, an Ufficio di Piano its own
Ambito (office, bodies), a Comune user its own Comune. Reading the registry is public.

The rules read the user's facts through zona.lib.policies (territorio comes before accounts)."""

from zona.lib.policies import Regola, fatti, oggetto_o_404


def puo_modificare_ambito(user, ambito):
    f = fatti(user)
    return f.coordinamento or (f.ufficio_di_piano is not None and f.ufficio_di_piano == ambito.pk)


def puo_modificare_comune(user, comune):
    f = fatti(user)
    return f.coordinamento or (f.comune is not None and f.comune == comune.pk)


def _oggetto(modello, origine, kwargs):
    """The object named by the URL: `origine` is a URL argument name or a function of the URL
    arguments returning the object or its primary key."""
    valore = kwargs[origine] if isinstance(origine, str) else origine(kwargs)
    if isinstance(valore, modello):
        return valore
    return oggetto_o_404(modello.objects.all(), valore)


def ambito_da(origine):
    """Route rule: the Ufficio di Piano of the Ambito named by the URL (and the coordinamento)."""
    from .models import Ambito

    return Regola(
        "l'Ufficio di Piano dell'Ambito e il coordinamento provinciale",
        lambda user, kwargs: puo_modificare_ambito(user, _oggetto(Ambito, origine, kwargs)),
        messaggio="Solo l'Ufficio di Piano dell'Ambito o il coordinamento provinciale.",
    )


def comune_da(origine):
    """Route rule: the users of the Comune named by the URL (and the coordinamento)."""
    from .models import Comune

    return Regola(
        "il Comune stesso e il coordinamento provinciale",
        lambda user, kwargs: puo_modificare_comune(user, _oggetto(Comune, origine, kwargs)),
        messaggio="Solo il Comune stesso o il coordinamento provinciale.",
    )
