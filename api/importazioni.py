"""Write operations for machine clients: every import of the pages, through the API.

Each operation takes the file as the page does (multipart, field `file`) and calls exactly
the service the page calls, with the same policy, validation and all-or-nothing behaviour: an
accepted file answers 201 with what was stored, a refused one 422 with every error (row,
column, reason) and nothing stored. A file of base data, fund movements or unità d'offerta
larger than `LAVORI_SOGLIA_BYTES` is queued as a background job, as on the page (202, `lavoro`:
the job's page). Case-record extracts always load inside the request: their raw rows carry the
clear codici fiscali, which Zona never stores (pseudonymised at the door), not even in a queue.
Files are bounded by the pages' limit (`ZONA_MAX_UPLOAD_BYTES`).

Idempotency: a client that sends `Idempotency-Key` (any text up to 100 characters, e.g. a
UUID) gets, for a retry with the same key and the same body, the first answer again and
nothing loaded twice; the same key with a different body is a 409. Keys are remembered for
`ZONA_API_IDEMPOTENZA_GIORNI` days per user (a machine client is one user).
"""

import datetime
import hashlib
from typing import Annotated, Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from ninja import File, Form, Header, Schema, Status, UploadedFile
from pydantic import Field

from conoscenza import background
from conoscenza import services as conoscenza
from conoscenza.permessi import territori_caricabili
from domanda import importa as domanda
from domanda.permessi import CARICA_ESTRATTI, erogatori_ammessi
from fondi import background as fondi_lavori
from fondi import importa as fondi
from lavori.services import url_lavoro
from offerta import background as offerta_lavori
from offerta import importa as offerta
from offerta.permessi import IMPORTAZIONE
from programmazione.permessi import UFFICIO_DI_PIANO
from zona.lib.ingressi import Anno, risposta_errore
from zona.lib.policies import CON_RUOLO, RouterZona, policy_api
from zona.lib.tabular import FileRifiutato

from .models import RichiestaIdempotente

router = RouterZona(tags=["importazioni"])

Chiave = Annotated[str, Field(min_length=1, max_length=100, pattern="^[\\x21-\\x7e]+$")]
Fonte = Annotated[str, Field(max_length=300, pattern="^[^\\x00-\\x1f\\x7f-\\x9f]*$")]


class ImportazioneOut(Schema):
    righe: int
    messaggio: str
    lavoro: str | None = None


class ErroreRiga(Schema):
    riga: int | None
    colonna: str | None
    motivo: str


class RifiutoOut(Schema):
    # A refused file: a sentence and its errors; a refused request (ninja's validation): the list.
    detail: str | list[dict]
    errori: list[ErroreRiga] = []


class MessaggioOut(Schema):
    detail: str


# 409: the Idempotency-Key was used for another body, or its request is still running; 413: too large.
RISPOSTE = {201: ImportazioneOut, 202: ImportazioneOut, 409: MessaggioOut, 413: MessaggioOut, 422: RifiutoOut}
ALTRE = {
    "responses": {
        429: risposta_errore("Troppe richieste per questo token: l'intestazione Retry-After dice quando riprovare."),
    }
}
INTESTAZIONE = Header(
    None,
    alias="Idempotency-Key",
    description="Chiave scelta dal client (es. un UUID): un nuovo invio con la stessa chiave e lo stesso file "
    "riceve la prima risposta senza caricare di nuovo.",
)


class Conflitto(Exception):
    pass


def _rifiuto(e):
    errori = [{"riga": x.riga, "colonna": x.colonna, "motivo": x.motivo} for x in e.errori]
    return 422, {"detail": f"File rifiutato, nulla è stato registrato: {len(errori)} errori.", "errori": errori}


def _risposta(request, *args):
    return Status(*_esegui(request, *args))


def _esegui(request, operazione, chiave, file, parametri, importa):
    """Run `importa(contenuto, nome_file)` -> (stato, corpo) once per Idempotency-Key."""
    if file.size is not None and file.size > settings.ZONA_MAX_UPLOAD_BYTES:
        mb = settings.ZONA_MAX_UPLOAD_BYTES // 1024**2
        return 413, {"detail": f"File troppo grande: al massimo {mb} MB."}
    contenuto = file.read(settings.ZONA_MAX_UPLOAD_BYTES + 1)
    if len(contenuto) > settings.ZONA_MAX_UPLOAD_BYTES:
        return 413, {"detail": "File troppo grande."}
    nome = (file.name or "file.csv")[-200:]

    def esegui():
        try:
            return importa(contenuto, nome)
        except FileRifiutato as e:
            return _rifiuto(e)

    if not chiave:
        return esegui()
    impronta = hashlib.sha256()
    for parte in (operazione, nome, *map(str, parametri)):
        impronta.update(parte.encode() + b"\0")
    impronta.update(contenuto)
    try:
        richiesta = _prenota(request.user, chiave, operazione, impronta.hexdigest())
    except Conflitto as e:
        return 409, {"detail": str(e)}
    if richiesta.stato:
        return richiesta.stato, richiesta.risposta
    try:
        stato, corpo = esegui()
    except BaseException:
        richiesta.delete()  # not answered: a retry may run it
        raise
    richiesta.stato, richiesta.risposta = stato, corpo
    richiesta.save(update_fields=["stato", "risposta"])
    return stato, corpo


def _prenota(utente, chiave, operazione, impronta):
    """The key's record: the earlier one (same body), or a new one saying "running" (committed
    at once, so that a concurrent retry sees it). Conflitto for another body or a running one."""
    scaduta = timezone.now() - datetime.timedelta(days=settings.ZONA_API_IDEMPOTENZA_GIORNI)
    RichiestaIdempotente.objects.filter(utente=utente, creata__lt=scaduta).delete()
    try:
        with transaction.atomic():
            return RichiestaIdempotente.objects.create(
                utente=utente, chiave=chiave, operazione=operazione, impronta=impronta
            )
    except IntegrityError:
        pass
    precedente = RichiestaIdempotente.objects.filter(utente=utente, chiave=chiave).first()
    if precedente is None or precedente.operazione != operazione or precedente.impronta != impronta:
        raise Conflitto("Questa Idempotency-Key è già stata usata per un'altra richiesta: usarne una nuova.")
    if not precedente.stato:
        raise Conflitto("Una richiesta con questa Idempotency-Key è ancora in corso: riprovare tra poco.")
    return precedente


def _in_coda(request, lavoro, nome):
    """As on the pages: a large file is loaded by a worker; the answer is the job's page."""
    return 202, {
        "righe": 0,
        "messaggio": f"File «{nome}» in coda: l'esito sarà alla pagina del lavoro.",
        "lavoro": request.build_absolute_uri(url_lavoro(lavoro)),
    }


@router.post(
    "/importazioni/dati",
    response=RISPOSTE,
    auth=policy_api(write=CON_RUOLO),
    openapi_extra=ALTRE,
    summary="Carica dati di base (conoscenza)",
)
def importa_dati(
    request,
    file: File[UploadedFile],
    formato: Form[Literal["auto", "zona", "istat"] | None] = None,
    anno: Form[Anno | None] = None,
    fonte: Form[Fonte | None] = None,
    idempotency_key: Chiave | None = INTESTAZIONE,
):
    """Il file dei dati di base come nella pagina «Carica dati» (modello Zona o file ISTAT)."""

    formato, fonte = formato or "auto", fonte or ""

    def importa(contenuto, nome):
        if len(contenuto) > settings.LAVORI_SOGLIA_BYTES:
            lavoro = background.accoda_dati(request.user, contenuto, nome, formato=formato, anno=anno, fonte=fonte)
            return _in_coda(request, lavoro, nome)
        c = conoscenza.importa_dati(
            contenuto,
            nome,
            formato=formato,
            anno=anno,
            fonte=fonte,
            utente=request.user,
            consentito=territori_caricabili(request.user),
        )
        return 201, {"righe": c.righe, "messaggio": f"File «{c.nome_file}» caricato: {c.righe} righe."}

    return _risposta(request, "dati", idempotency_key, file, (formato, anno, fonte), importa)


@router.post(
    "/importazioni/estratti",
    response=RISPOSTE,
    auth=policy_api(write=CARICA_ESTRATTI),
    openapi_extra=ALTRE,
    summary="Carica un estratto della cartella sociale (domanda)",
)
def importa_estratto(
    request,
    file: File[UploadedFile],
    periodo: Form[Annotated[int, Field(ge=1990, le=2100)] | None] = None,
    idempotency_key: Chiave | None = INTESTAZIONE,
):
    """L'estratto di un erogatore per un anno (senza `periodo`: l'anno appena chiuso)."""

    def importa(contenuto, nome):
        c = domanda.importa_estratto(
            contenuto,
            nome,
            periodo=periodo,
            utente=request.user,
            erogatori_ammessi=erogatori_ammessi(request.user),
        )
        return 201, {
            "righe": c.righe,
            "messaggio": f"Estratto caricato: {c.righe} righe, {c.persone} persone ({c.erogatore}, {c.periodo}).",
        }

    return _risposta(request, "estratti", idempotency_key, file, (periodo,), importa)


@router.post(
    "/importazioni/movimenti",
    response=RISPOSTE,
    auth=policy_api(write=UFFICIO_DI_PIANO),
    openapi_extra=ALTRE,
    summary="Carica movimenti dei fondi",
)
def importa_movimenti(request, file: File[UploadedFile], idempotency_key: Chiave | None = INTESTAZIONE):
    """I movimenti dalla contabilità dell'ente capofila, come nella pagina «Importa movimenti»."""

    def importa(contenuto, nome):
        if len(contenuto) > settings.LAVORI_SOGLIA_BYTES:
            return _in_coda(request, fondi_lavori.accoda_movimenti(request.user, contenuto, nome), nome)
        n = fondi.importa(request.user, fondi.leggi_file(contenuto, nome))
        return 201, {"righe": n, "messaggio": f"File caricato: {n} movimenti registrati."}

    return _risposta(request, "movimenti", idempotency_key, file, (), importa)


@router.post(
    "/importazioni/unita-offerta",
    response=RISPOSTE,
    auth=policy_api(write=IMPORTAZIONE),
    openapi_extra=ALTRE,
    summary="Carica unità d'offerta",
)
def importa_unita_offerta(request, file: File[UploadedFile], idempotency_key: Chiave | None = INTESTAZIONE):
    """Le unità d'offerta, come nella pagina di importazione dell'offerta."""

    def importa(contenuto, nome):
        if len(contenuto) > settings.LAVORI_SOGLIA_BYTES:
            return _in_coda(request, offerta_lavori.accoda_unita(request.user, contenuto, nome), nome)
        n = offerta.importa(contenuto, nome, request.user)
        return 201, {"righe": n, "messaggio": f"File importato: {n} unità d'offerta create o aggiornate."}

    return _risposta(request, "unita-offerta", idempotency_key, file, (), importa)
