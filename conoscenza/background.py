"""The knowledge base's long work as background jobs (lavori): a data file above
LAVORI_SOGLIA_BYTES is loaded by a worker, through the same services.importa_dati (and so the
same checks, all or nothing) as a small file loaded by the page. The recomputation of every
indicator at every level (selectors.calcola_livelli, for the coordination after large loads)
is a job too: its result is the CSV of the values, the layout of `export_indicatori`."""

import io
from types import SimpleNamespace

from django.urls import reverse

from lavori.services import ErroreLavoro, Esito, accoda, eseguibile
from zona.lib.downloads import scrivi_csv

from . import selectors, services
from .permessi import territori_caricabili


def accoda_dati(utente, contenuto, nome_file, *, formato="auto", anno=None, fonte=""):
    """Queue the load of a data file for `utente`; the Lavoro (its page: lavori.services.url_lavoro)."""
    return accoda(
        utente,
        carica_dati,
        f"Caricamento dati «{nome_file}»",
        parametri={"formato": formato, "anno": anno, "fonte": fonte},
        dati=contenuto,
        nome_file=nome_file,
        unita="righe lette",
    )


@eseguibile
def carica_dati(lavoro, avanzamento):
    if lavoro.utente is None:
        raise ErroreLavoro("L'utente che ha avviato il caricamento non esiste più.")
    p = lavoro.parametri
    caricamento = services.importa_dati(
        bytes(lavoro.dati),
        lavoro.nome_file,
        formato=p.get("formato", "auto"),
        anno=p.get("anno"),
        fonte=p.get("fonte", ""),
        utente=lavoro.utente,
        # Read again now: what the user may load is what their role allows when the job runs.
        consentito=territori_caricabili(lavoro.utente),
        progresso=avanzamento,
    )
    return Esito(
        f"File «{caricamento.nome_file}» caricato: {caricamento.righe} righe.", url=reverse("conoscenza:caricamenti")
    )


def accoda_ricalcolo(utente):
    return accoda(utente, ricalcola, "Ricalcolo degli indicatori a ogni livello", unita="livelli", riusa=True)


@eseguibile
def ricalcola(lavoro, avanzamento):
    livelli = selectors.LIVELLI_CALCOLATI
    avanzamento(0, len(livelli))
    valori = selectors.calcola_livelli(livelli)
    righe = []
    for i, livello in enumerate(livelli, 1):
        righe += selectors.righe_indicatori(livello, valori=valori[livello])
        avanzamento(i, len(livelli))
    testo = io.StringIO()
    scrivi_csv(testo, selectors.COLONNE_INDICATORI, righe)
    file = SimpleNamespace(
        contenuto=testo.getvalue().encode("utf-8"), nome="indicatori-tutti-i-livelli.csv", content_type="text/csv"
    )
    return Esito(f"Indicatori ricalcolati: {len(righe)} valori in {len(livelli)} livelli.", file=file)
