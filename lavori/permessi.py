"""Who sees a job: its owner, and the coordination (which helps users with their loads)."""

from zona.lib.policies import Regola, fatti, oggetto_o_404


def lavori_visibili(user):
    from .models import Lavoro

    if not user.is_authenticated:
        return Lavoro.objects.none()
    if fatti(user).coordinamento:
        return Lavoro.objects.all()
    return Lavoro.objects.filter(utente=user)


def _lavoro_visibile(user, kwargs):
    oggetto_o_404(lavori_visibili(user), kwargs.get("lavoro"))  # another's job looks missing
    return True


LAVORO_VISIBILE = Regola("chi ha avviato il lavoro, e il coordinamento", _lavoro_visibile)
