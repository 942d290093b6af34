from .permissions import profilo_of


def profilo(request):
    return {"profilo": profilo_of(request.user)}
