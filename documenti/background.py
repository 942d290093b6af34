"""Documents as background jobs (lavori): a plan's document is composed by a worker and kept
with the job (in the database), for its user to download from the job's page. The same
documenti.services.genera as the download route, so the same caches: an unchanged plan is not
rendered again.

A batch (`accoda_raccolta`, for the coordination) is the documents of every approved plan of a
triennio in one ZIP, one plan after the other with the plans as progress."""

import io
import zipfile

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
        riusa=True,
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


def accoda_raccolta(utente, anno, formato="pdf"):
    """Queue the ZIP of the documents of the approved plans starting in `anno`; the Lavoro."""
    if formato not in services.FORMATI:
        raise services.FormatoNonValido(f"Formato «{formato}» non disponibile: scegliere pdf o docx.")
    return accoda(
        utente,
        genera_raccolta,
        f"Piani di Zona approvati {anno}-{anno + 2} ({formato.upper()}, ZIP)",
        parametri={"anno": anno, "formato": formato},
        unita="piani composti",
        riusa=True,
    )


def piani_approvati(utente, anno):
    """The approved plans starting in `anno` that `utente` may read."""
    from programmazione.selectors import piani_approvati_del_triennio

    return piani_approvati_del_triennio(anno, utente)


@eseguibile
def genera_raccolta(lavoro, avanzamento):
    if lavoro.utente is None:
        raise ErroreLavoro("L'utente che ha avviato il lavoro non esiste più.")
    anno, formato = lavoro.parametri["anno"], lavoro.parametri["formato"]
    piani = piani_approvati(lavoro.utente, anno)
    if not piani:
        raise ErroreLavoro(f"Nessun Piano di Zona approvato che inizi nel {anno}.")
    avanzamento(0, len(piani))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, piano in enumerate(piani, 1):
            file = services.genera(piano, formato)
            zf.writestr(file.nome, file.contenuto)
            avanzamento(i, len(piani))
    nome = f"piani-di-zona-{anno}-{anno + 2}-{formato}.zip"
    return Esito(
        f"{len(piani)} Piani di Zona approvati in un archivio ZIP.",
        file=services.File(buffer.getvalue(), nome, "application/zip"),
    )
