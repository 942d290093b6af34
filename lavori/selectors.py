"""Reads of jobs, each after marking failed the jobs whose worker died (services)."""

from zona.lib.policies import oggetto_o_404

from .permessi import lavori_visibili
from .services import segna_interrotti

CAMPI_ELENCO = ("id", "titolo", "stato", "fatti", "totale", "unita", "creato_il", "concluso_il", "utente__username")


def elenco(user, limite=100):
    segna_interrotti()
    return list(lavori_visibili(user).select_related("utente").defer("dati", "risultato")[:limite])


def lavoro(user, chiave):
    segna_interrotti()
    return oggetto_o_404(lavori_visibili(user).select_related("utente").defer("dati", "risultato"), chiave)


def risultato(user, chiave):
    return oggetto_o_404(lavori_visibili(user).only("risultato", "risultato_nome", "risultato_tipo", "stato"), chiave)
