"""Reads about users that other apps show."""

from django.core.exceptions import ObjectDoesNotExist

from .models import TipoRuolo

# What a page may select_related on a foreign key to a user, so that `nome_pubblico` makes no
# query of its own: `Modello.objects.select_related(*relazioni_nome("utente"))`.
RELAZIONI_NOME = ("profilo__ambito", "profilo__comune")


def relazioni_nome(campo):
    return [campo] + [f"{campo}__{r}" for r in RELAZIONI_NOME]


def nome_pubblico(user, altrimenti=""):
    """How pages show a person: the full name if the user has one, otherwise the office they
    work for ("Ufficio di Piano Alto Sebino", "Comune di Lovere"), never the username, which is
    half of a login (usernames on public pages let anyone aim at an account)."""
    if user is None:
        return altrimenti
    nome = user.get_full_name().strip()
    if nome:
        return nome
    try:
        profilo = user.profilo
    except ObjectDoesNotExist:
        return "utente registrato"
    if profilo.ruolo == TipoRuolo.UFFICIO_DI_PIANO and profilo.ambito_id:
        return f"Ufficio di Piano {profilo.ambito.nome}"
    if profilo.ruolo == TipoRuolo.COMUNE and profilo.comune_id:
        return f"Comune di {profilo.comune.nome}"
    if profilo.ruolo in (TipoRuolo.ATS, TipoRuolo.ASST) and (profilo.ats_id or profilo.asst_id):
        return (profilo.ats or profilo.asst).nome
    return profilo.get_ruolo_display()
