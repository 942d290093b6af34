"""The service offer through the API, with the pages' permissions: the register and the LEPS
are public; a contract's amount only for those who work in the unit's Ambito and the
coordination (null otherwise)."""

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Schema
from ninja.errors import HttpError

from territorio.models import Ambito, Comune
from zona.lib import valori
from zona.lib.ingressi import Codice, Testo, intero_api
from zona.lib.policies import PUBBLICO, RouterZona, policy_api

from . import leps, permessi, selectors

router = RouterZona(tags=["offerta"])
AnnoLeps = intero_api(1990, 2100)


class UnitaOut(Schema):
    id: int
    tipo: str
    tipo_nome: str
    area: str
    nome: str
    ente_gestore: str
    natura_ente: str
    codice_fiscale_ente: str
    indirizzo: str
    comune: str
    comune_nome: str
    telefono: str
    email: str
    autorizzata_il: datetime.date | None
    accreditata_il: datetime.date | None
    posti_autorizzati: int | None
    posti_accreditati: int | None
    contratto_ambito: bool
    importo_contratto: Decimal | None
    apertura: str


class StatoLepsOut(Schema):
    leps: str
    nome: str
    indicatore: str
    unita: str
    valore: Decimal | None
    soglia: Decimal | None
    obiettivo: Decimal | None
    stato: str
    fonte: str


def _unita(request, u, importi):
    ambito = permessi.ambito_della_unita(u)
    if ambito not in importi:
        importi[ambito] = request.user.is_authenticated and permessi.vede_importi(request.user, ambito)
    return {
        "id": u.pk,
        "tipo": u.tipo_id,
        "tipo_nome": u.tipo.nome,
        "area": u.tipo.area_id,
        "nome": u.nome,
        "ente_gestore": u.ente_gestore,
        "natura_ente": u.natura_ente,
        "codice_fiscale_ente": u.codice_fiscale_ente,
        "indirizzo": u.indirizzo,
        "comune": u.comune_id,
        "comune_nome": u.comune.nome,
        "telefono": u.telefono,
        "email": u.email,
        "autorizzata_il": u.autorizzata_il,
        "accreditata_il": u.accreditata_il,
        "posti_autorizzati": u.posti_autorizzati,
        "posti_accreditati": u.posti_accreditati,
        "contratto_ambito": u.contratto_ambito,
        "importo_contratto": u.importo_contratto if importi[ambito] else None,
        "apertura": u.apertura,
    }


@router.get("/offerta/unita", response=list[UnitaOut], auth=policy_api(read=PUBBLICO))
def elenco_unita(request, ambito: Codice | None = None, tipo: Codice | None = None):
    """The units (at most 200), by Ambito and type."""
    righe = selectors.unita(ambito=ambito, tipo=tipo)
    importi = {}
    return [_unita(request, u, importi) for u in righe]


@router.get("/servizi", response=list[UnitaOut], auth=policy_api(read=PUBBLICO))
def servizi(request, comune: Codice | None = None, bisogno: Testo = ""):
    """The citizens' directory: the units of the Ambito of `comune` (ISTAT code) matching a
    need in plain words («nido», «assistenza domiciliare anziani»); an unknown Comune finds
    nothing."""
    trovato = Comune.objects.filter(pk=comune).first() if comune else None
    if comune and trovato is None:
        return []  # no such Comune: nothing near it (a well-formed query is never refused)
    importi = {}
    return [_unita(request, u, importi) for u in selectors.servizi(trovato, bisogno).unita]


@router.get("/ambiti/{codice}/leps", response=list[StatoLepsOut], auth=policy_api(read=PUBBLICO))
def leps_ambito(request, codice: Codice, anno: AnnoLeps):
    """The status of every LEPS for the Ambito in `anno` (raggiunto, parziale, non raggiunto,
    dato mancante) with the figure behind it."""
    try:
        ambito = get_object_or_404(Ambito, pk=valori.codice(codice, campo="ambito"))
    except valori.ValoreNonValido:
        raise HttpError(404, "Ambito non trovato.") from None
    return [
        {
            "leps": s.codice,
            "nome": s.nome,
            "indicatore": s.indicatore,
            "unita": s.unita,
            "valore": s.valore,
            "soglia": s.soglia,
            "obiettivo": s.obiettivo,
            "stato": s.stato,
            "fonte": s.fonte,
        }
        for s in leps.stati_ambito(ambito.pk, anno)
    ]
