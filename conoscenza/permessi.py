"""For which territories a user loads data: the coordination for all, an Ufficio di Piano for
its Ambito and the Comuni that belong or belonged to it, a Comune user for its Comune."""

from zona.lib.policies import fatti


def territori_caricabili(user):
    """A function (livello, codice) -> bool telling whether `user` may load data for that
    territory, or None when every territory is allowed."""
    f = fatti(user)
    if f.coordinamento:
        return None
    if f.ufficio_di_piano is not None:
        from territorio.models import AppartenenzaComune

        ambito = f.ufficio_di_piano
        comuni = set(AppartenenzaComune.objects.filter(ambito=ambito).values_list("comune_id", flat=True))
        return lambda livello, codice: (
            (livello == "ambito" and codice == ambito) or (livello == "comune" and codice in comuni)
        )
    if f.comune is not None:
        return lambda livello, codice: livello == "comune" and codice == f.comune
    return lambda livello, codice: False
