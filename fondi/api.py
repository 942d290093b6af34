"""The funds through the API, with the pages' permissions: the catalogue and the totals are
public (programmed and reported only), the ledger is the Ambito's and the coordination's."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Schema, Status
from ninja.errors import HttpError
from pydantic import ValidationError as PydanticError

from programmazione.models import AreaPolicy, Obiettivo
from territorio.models import Ambito
from zona.lib import valori
from zona.lib.ingressi import Codice, intero_api
from zona.lib.policies import PUBBLICO, RouterZona, policy_api

from . import permessi, selectors, services
from .models import Fondo, Movimento, TipoMovimento
from .policies import FONDI_DETTAGLIO, FONDI_SCRITTURA

router = RouterZona(tags=["fondi"])


class FondoOut(Schema):
    codice: str
    nome: str
    fonte: str
    riferimento: str
    aree: list[str]
    anni_utilizzo: int | None
    mesi_rendicontazione: int | None


class SaldoOut(Schema):
    """Amounts in euro; those the caller may not see (public: all but programmato and
    rendicontato) are null."""

    assegnato: Decimal | None
    riportato: Decimal | None
    programmato: Decimal
    impegnato: Decimal | None
    liquidato: Decimal | None
    rendicontato: Decimal
    disponibile: Decimal | None
    residuo: Decimal | None
    percentuale_utilizzo: Decimal | None


class FondoAmbitoOut(SaldoOut):
    fondo: str
    anno: int


class AmbitoFondiOut(SaldoOut):
    ambito: str
    anno: int


class MovimentoOut(Schema):
    id: int
    fondo: str
    anno: int
    tipo: str
    numero: str
    data: datetime.date
    importo: Decimal
    obiettivo: int | None
    servizio: str
    area: str | None
    beneficiario: str
    periodo_dal: datetime.date | None
    periodo_al: datetime.date | None
    utenti: int | None
    corregge: int | None
    corretto: bool
    registrato_da: str | None


class MovimentoIn(Schema):
    fondo: str
    anno: int
    tipo: str
    numero: str
    data: datetime.date
    importo: str
    obiettivo: int | None = None
    servizio: str = ""
    area: str | None = None
    beneficiario: str = ""
    periodo_dal: datetime.date | None = None
    periodo_al: datetime.date | None = None
    utenti: int | None = None
    corregge: int | None = None
    descrizione: str = ""


def _saldo(s, dettaglio):
    def d(v):
        return v if dettaglio else None

    return {
        "assegnato": d(s.assegnato),
        "riportato": d(s.riportato),
        "programmato": s.programmato,
        "impegnato": d(s.impegnato),
        "liquidato": d(s.liquidato),
        "rendicontato": s.rendicontato,
        "disponibile": d(s.disponibile),
        "residuo": d(s.residuo),
        "percentuale_utilizzo": d(s.percentuale_utilizzo),
    }


def _ambito(codice):
    """The Ambito of the URL; a malformed code (NUL, spaces, 10.000 characters) is simply absent."""
    try:
        return get_object_or_404(Ambito, pk=valori.codice(codice, campo="ambito"))
    except valori.ValoreNonValido:
        raise HttpError(404, "Ambito non trovato.") from None


# The years the ledger accepts, also written in the OpenAPI schema (a request that the schema
# allows is never refused).
AnnoFondi = intero_api(1990, 2100)


def _anno(anno):
    try:
        return valori.anno(anno, minimo=1990, massimo=2100)
    except valori.ValoreNonValido as e:
        raise HttpError(422, str(e)) from None


@router.get("/fondi", response=list[FondoOut], auth=policy_api(read=PUBBLICO))
def catalogo(request):
    return [
        {
            "codice": f.codice,
            "nome": f.nome,
            "fonte": f.fonte,
            "riferimento": f.riferimento,
            "aree": [a.codice for a in f.aree.all()],
            "anni_utilizzo": f.anni_utilizzo,
            "mesi_rendicontazione": f.mesi_rendicontazione,
        }
        for f in Fondo.objects.prefetch_related("aree")
    ]


@router.get("/fondi/provincia", response=list[AmbitoFondiOut], auth=policy_api(read=PUBBLICO))
def provincia(request, anno: AnnoFondi):
    """Every Ambito with movements in `anno`, all funds together."""
    anno = _anno(anno)
    visibili = permessi.ambiti_in_dettaglio(request.user)
    return [
        {"ambito": codice, "anno": anno, **_saldo(s, visibili is None or codice in visibili)}
        for codice, s in sorted(selectors.fondi_provincia(anno).items())
    ]


@router.get("/ambiti/{codice}/fondi", response=list[FondoAmbitoOut], auth=policy_api(read=PUBBLICO))
def fondi_ambito(request, codice: Codice, anno: AnnoFondi):
    ambito = _ambito(codice)
    anno = _anno(anno)
    dettaglio = permessi.puo_leggere_dettaglio(request.user, ambito.pk)
    righe, _ = selectors.fondi_ambito(ambito.pk, anno)
    return [{"fondo": r.fondo.codice, "anno": anno, **_saldo(r.saldo, dettaglio)} for r in righe]


def _movimento(m):
    return {
        "id": m.pk,
        "fondo": m.esercizio.fondo_id,
        "anno": m.esercizio.anno,
        "tipo": m.tipo,
        "numero": m.numero,
        "data": m.data,
        "importo": m.importo,
        "obiettivo": m.obiettivo_id,
        "servizio": m.servizio,
        "area": m.area_id,
        "beneficiario": m.beneficiario,
        "periodo_dal": m.periodo_dal,
        "periodo_al": m.periodo_al,
        "utenti": m.utenti,
        "corregge": m.corregge_id,
        "corretto": hasattr(m, "corretto_da"),
        "registrato_da": m.registrato_da.username if m.registrato_da else None,
    }


@router.get("/ambiti/{codice}/movimenti", response=list[MovimentoOut], auth=policy_api(read=FONDI_DETTAGLIO))
def movimenti(
    request, codice: Codice, anno: AnnoFondi | None = None, fondo: Codice | None = None, tipo: Codice | None = None
):
    """The Ambito's ledger, newest first (at most 5.000 movements; filter by year or fund)."""
    ambito = _ambito(codice)
    if anno is not None:
        anno = _anno(anno)
    try:
        fondo = valori.codice(fondo, campo="fondo", obbligatorio=False)
    except valori.ValoreNonValido as e:
        raise HttpError(422, str(e)) from None
    if tipo is not None and tipo not in TipoMovimento.values:
        raise HttpError(422, f"Tipo sconosciuto: usare uno di {', '.join(TipoMovimento.values)}.")
    return [_movimento(m) for m in selectors.registro(ambito.pk, anno=anno, fondo=fondo, tipo=tipo)[:5000]]


@router.post(
    "/ambiti/{codice}/movimenti",
    response={201: MovimentoOut},
    # The body is read after the access check (ninja would validate it first and answer 422
    # to people who may not write at all); the schema is still published.
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": MovimentoIn.model_json_schema()}}}
    },
    auth=policy_api(read=FONDI_DETTAGLIO, write=FONDI_SCRITTURA),
)
def registra(request, codice: str):
    """Record one movement (the same checks as the page: 422 with the reason when refused)."""
    try:
        dati = MovimentoIn.model_validate_json(request.body)
    except PydanticError as e:
        campi = ", ".join(sorted({".".join(str(x) for x in err["loc"]) or "corpo" for err in e.errors()}))
        raise HttpError(422, f"Dati del movimento non validi: {campi}.") from None
    ambito = _ambito(codice)
    campi = {"servizio": dati.servizio, "beneficiario": dati.beneficiario}
    try:
        if dati.obiettivo is not None:
            campi["obiettivo"] = Obiettivo.objects.select_related("piano").get(
                pk=valori.identificativo(dati.obiettivo), piano__ambito=ambito
            )
        if dati.area:
            campi["area"] = AreaPolicy.objects.get(pk=valori.codice(dati.area, campo="area", max_lunghezza=1))
        corregge = None
        if dati.corregge is not None:
            corregge = Movimento.objects.get(pk=valori.identificativo(dati.corregge), esercizio__ambito=ambito)
        for k in ("periodo_dal", "periodo_al", "utenti"):
            if getattr(dati, k) is not None:
                campi[k] = getattr(dati, k)
        if dati.utenti is not None:
            campi["utenti"] = valori.intero(dati.utenti, campo="utenti", minimo=0, massimo=10_000_000)
        campi = {k: v for k, v in campi.items() if v not in ("", None)}
        m = services.registra_movimento(
            request.user,
            ambito.pk,
            dati.fondo,
            dati.anno,
            dati.tipo,
            dati.importo,
            dati.numero,
            dati.data,
            corregge=corregge,
            descrizione=valori.testo(dati.descrizione, campo="descrizione", max_lunghezza=300),
            **campi,
        )
    except (Obiettivo.DoesNotExist, AreaPolicy.DoesNotExist, Movimento.DoesNotExist):
        raise HttpError(422, "Obiettivo, area o movimento da correggere non trovati nell'Ambito.") from None
    except valori.ValoreNonValido as e:
        raise HttpError(422, str(e)) from None
    except ValidationError as e:
        raise HttpError(422, " ".join(e.messages)) from None
    except PermissionDenied as e:
        raise HttpError(403, str(e)) from None
    return Status(201, _movimento(Movimento.objects.select_related("esercizio", "registrato_da").get(pk=m.pk)))
