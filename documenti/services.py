"""Generating a document: from a plan (or a triennio) and a format to a file.

A document takes seconds to build, and a plan's page, the API and a batch may ask for the same
one many times. Two caches:
- the file of a plan's document is kept in Django's cache per data version (zona.lib.cache: the
  latest audit entry, so any change to the plan, its monitoring or the knowledge base makes a
  new one) and per day (the calendar of deadlines depends on the date): a download of an
  unchanged plan reads nothing;
- the rendering (seconds of CPU for a long plan) is kept by the content it renders, in the
  `documenti` cache (settings.CACHES): a new data version that leaves a document unchanged (a
  measurement of another plan, a change undone) reads the data again but renders nothing. The
  key is a hash of the document's content, so it can never serve another content."""

import datetime
import hashlib
import pickle
from dataclasses import dataclass, replace

from django.core.cache import caches

from zona.lib.cache import DURATA, memorizza, memorizzato

from .monitoraggio import relazione_monitoraggio
from .piano import documento_piano
from .provinciale import relazione_provinciale

FORMATI = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
TIPI = ("piano", "monitoraggio")
# Years a triennio may start in (the provincial report is asked for by year).
ANNI = range(1990, 2101)


class FormatoNonValido(ValueError):
    pass


@dataclass
class File:
    contenuto: bytes
    nome: str
    content_type: str


def rendi(documento, formato):
    """The file of a `modello.Documento` in `formato` (pdf or docx)."""
    if formato not in FORMATI:
        raise FormatoNonValido(f"Formato «{formato}» non disponibile: scegliere pdf o docx.")
    if formato == "pdf":
        from .pdf import genera_pdf

        contenuto = genera_pdf(documento)
    else:
        from .docx import genera_docx

        contenuto = genera_docx(documento)
    return File(contenuto, f"{documento.nome_file}.{formato}", FORMATI[formato])


def file_di(documento, formato):
    """`rendi(documento, formato)`, rendered once per content (see the module's docstring)."""
    # The time of generation is the only part of the content that changes on every read.
    impronta = hashlib.sha256(pickle.dumps(replace(documento, generato_il=None))).hexdigest()
    chiave = f"file:{formato}:{impronta}"
    file = caches["documenti"].get(chiave)
    if file is None:
        file = rendi(documento, formato)
        caches["documenti"].set(chiave, file, DURATA)
    return file


def _componi(documento, formato):
    """`file_di(documento(), formato)`; for a PDF, the browser that prints it starts while
    `documento()` reads the data (a second of CPU on the first document of a process)."""
    if formato == "pdf":
        from .chromium import prepara

        prepara()
    return file_di(documento(), formato)


def documento_di(piano, tipo="piano", oggi=None):
    """The document of a plan: the Piano di Zona itself or its monitoring report."""
    if tipo == "monitoraggio":
        return relazione_monitoraggio(piano, oggi)
    return documento_piano(piano, oggi)


def genera(piano, formato, tipo="piano", oggi=None):
    if formato not in FORMATI:
        raise FormatoNonValido(f"Formato «{formato}» non disponibile: scegliere pdf o docx.")
    oggi = oggi or datetime.date.today()
    documento = lambda: documento_di(piano, tipo, oggi)  # noqa: E731
    return memorizza(_chiave(piano, formato, tipo, oggi), lambda: _componi(documento, formato))


def pronto(piano, formato, tipo="piano", oggi=None):
    """The file `genera` would return if it is already made for the current data (a cache read,
    no rendering), else None: the page serves it at once instead of queueing a job."""
    return memorizzato(_chiave(piano, formato, tipo, oggi or datetime.date.today()))


def _chiave(piano, formato, tipo, oggi):
    return f"documento:{tipo}:{piano.pk}:{formato}:{oggi}"


def genera_provinciale(anno_inizio, user, formato, oggi=None):
    """The provincial report as `user` may see it: the cache key names the plans it counts."""
    from programmazione.selectors import chiavi_piani_visibili

    if formato not in FORMATI:
        raise FormatoNonValido(f"Formato «{formato}» non disponibile: scegliere pdf o docx.")
    oggi = oggi or datetime.date.today()
    visibili = ",".join(str(pk) for pk in chiavi_piani_visibili(user, anno_inizio))
    return memorizza(
        f"documento:provinciale:{anno_inizio}:{formato}:{oggi}:{visibili}",
        lambda: _componi(lambda: relazione_provinciale(anno_inizio, user, oggi), formato),
    )


def anno_predefinito():
    """The start of the latest triennio with a plan, else the current year."""
    from programmazione.selectors import trienni_disponibili

    trienni = trienni_disponibili()
    return trienni[0][0] if trienni else datetime.date.today().year
