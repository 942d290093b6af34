from .permissions import PermessiUtente, profilo_of


def profilo(request):
    """`profilo` (who the user is, for display) and `permessi` (what they may do)."""
    return {"profilo": profilo_of(request.user), "permessi": PermessiUtente(request.user)}
