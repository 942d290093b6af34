"""A file of unità d'offerta above LAVORI_SOGLIA_BYTES is loaded by a background job (lavori),
through the same importa.importa as the page (the same checks per row, all or nothing; the
user's rights read again when the job runs)."""

from django.urls import reverse

from lavori.services import ErroreLavoro, Esito, accoda, eseguibile

from . import importa


def accoda_unita(utente, contenuto, nome_file):
    """Queue the import of a file of unità d'offerta for `utente`; the Lavoro."""
    return accoda(utente, carica_unita, f"Unità d'offerta «{nome_file}»", dati=contenuto, nome_file=nome_file)


@eseguibile
def carica_unita(lavoro, avanzamento):
    if lavoro.utente is None:
        raise ErroreLavoro("L'utente che ha avviato l'importazione non esiste più.")
    n = importa.importa(bytes(lavoro.dati), lavoro.nome_file, lavoro.utente)
    avanzamento(n, n)
    return Esito(f"File importato: {n} unità d'offerta create o aggiornate.", url=reverse("offerta:elenco"))
