"""A file of fund movements above LAVORI_SOGLIA_BYTES is loaded by a background job (lavori),
through the same importa.importa as the page (the same checks per row, all or nothing; the
user's rights read again when the job runs)."""

from django.urls import reverse

from lavori.services import ErroreLavoro, Esito, accoda, eseguibile

from . import importa


def accoda_movimenti(utente, contenuto, nome_file):
    """Queue the load of a movements file for `utente`; the Lavoro."""
    return accoda(utente, carica_movimenti, f"Movimenti dei fondi «{nome_file}»", dati=contenuto, nome_file=nome_file)


@eseguibile
def carica_movimenti(lavoro, avanzamento):
    if lavoro.utente is None:
        raise ErroreLavoro("L'utente che ha avviato il caricamento non esiste più.")
    n = importa.importa(lavoro.utente, importa.leggi_file(bytes(lavoro.dati), lavoro.nome_file))
    avanzamento(n, n)
    return Esito(f"File caricato: {n} movimenti registrati.", url=reverse("fondi:provincia"))
