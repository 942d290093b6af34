from django import template

from accounts.selectors import nome_pubblico as _nome_pubblico

register = template.Library()


@register.filter
def nome_pubblico(user, altrimenti=""):
    """`{{ c.utente|nome_pubblico:"caricamento dimostrativo" }}`: never the username."""
    return _nome_pubblico(user, altrimenti)
