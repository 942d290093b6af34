"""Documents as background jobs (lavori): a plan's document is composed by a worker and kept
with the job (in the database), for its user to download from the job's page. The same
documenti.services.genera as the download route, so the same caches: an unchanged plan is not
rendered again."""

from lavori.services import ErroreLavoro, Esito, accoda, eseguibile

from . import services


def accoda_documento(utente, piano, formato="pdf", tipo="piano"):
    """Queue the document of `piano` (visible to `utente`: the caller checked it); the Lavoro."""
    if formato not in services.FORMATI:
        raise services.FormatoNonValido(f"Formato «{formato}» non disponibile: scegliere pdf o docx.")
    nome = "Relazione di monitoraggio" if tipo == "monitoraggio" else "Documento"
    return accoda(
        utente,
        genera_documento,
        f"{nome} {formato.upper()} – {piano}",
        parametri={"piano": piano.pk, "formato": formato, "tipo": tipo},
        unita="pagine composte",
    )


@eseguibile
def genera_documento(lavoro, avanzamento):
    from django.http import Http404

    from programmazione.selectors import piani
    from zona.lib.policies import oggetto_o_404

    p = lavoro.parametri
    try:
        if lavoro.utente is None:
            raise Http404
        piano = oggetto_o_404(piani().visibili_a(lavoro.utente), p["piano"])
    except Http404:
        raise ErroreLavoro("Il piano non esiste più o non è più visibile a chi ha avviato il lavoro.") from None
    file = services.genera(piano, p["formato"], tipo=p.get("tipo", "piano"))
    pagine = _pagine(file)
    avanzamento(pagine, pagine)
    return Esito(f"{file.nome} pronto ({pagine} pagine).", file=file)


def _pagine(file):
    if not file.nome.endswith(".pdf"):
        return 1
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(file.contenuto)).pages)
