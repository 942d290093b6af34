"""The REST API: read access to the registry, over the same selectors as the pages."""

import datetime

from auditlog.models import LogEntry
from django.shortcuts import get_object_or_404
from ninja import Schema
from ninja.errors import HttpError

from conoscenza.models import Indicatore, Livello, Misura
from conoscenza.selectors import LIVELLI_CALCOLATI, calcola, nomi_territori
from territorio import selectors
from territorio.models import Ambito, Comune
from zona.lib.policies import COORDINAMENTO, PUBBLICO, ZonaAPI, policy, policy_api

from . import errori


class ApiZona(ZonaAPI):
    """The Zona API (routers, policies: zona.lib.policies.ZonaAPI) with its error answers in
    Italian."""

    def set_default_exception_handlers(self):
        super().set_default_exception_handlers()
        errori.registra(self)


api = ApiZona(
    title="Zona API",
    version="1",
    description="Anagrafe territoriale degli Ambiti sociali (provincia di Bergamo). Dati pubblici in sola lettura.",
    urls_namespace="api",
    docs_decorator=policy(read=PUBBLICO),
)


class DistrettoOut(Schema):
    codice: str
    nome: str
    asst: str
    ats: str
    ambiti: list[str]


class AmbitoBreve(Schema):
    codice: str
    nome: str
    distretto: str | None
    numero_comuni: int


class ComuneBreve(Schema):
    codice_istat: str
    nome: str
    ambito: str | None


class IncaricoOut(Schema):
    organo: str
    ruolo: str
    persona: str
    qualifica: str
    comune: str | None
    dal: datetime.date | None
    al: datetime.date | None


class AmbitoOut(Schema):
    codice: str
    nome: str
    data: datetime.date
    distretto: str | None
    asst: str | None
    ente_capofila: str | None
    forma_giuridica: str | None
    comuni: list[ComuneBreve]
    incarichi: list[IncaricoOut]


class AppartenenzaOut(Schema):
    ambito: str
    dal: datetime.date
    al: datetime.date | None
    fonte: str


class ComuneOut(Schema):
    codice_istat: str
    nome: str
    provincia: str
    regione: str
    codice_catastale: str
    data: datetime.date
    ambito: str | None
    distretto: str | None
    nomi_alternativi: list[str]
    storia: list[AppartenenzaOut]


class ModificaOut(Schema):
    quando: datetime.datetime
    chi: str | None
    oggetto: str
    azione: str
    modifiche: dict


def _day(data):
    return data or datetime.date.today()


@api.get("/distretti", response=list[DistrettoOut], tags=["territorio"], auth=policy_api(read=PUBBLICO))
def distretti(request, data: datetime.date | None = None):
    return [
        {
            "codice": d.codice,
            "nome": d.nome,
            "asst": d.asst.nome,
            "ats": d.asst.ats.nome,
            "ambiti": [a.codice for a in d.ambiti_attuali],
        }
        for d in selectors.distretti_con_ambiti(_day(data))
    ]


@api.get("/ambiti", response=list[AmbitoBreve], tags=["territorio"], auth=policy_api(read=PUBBLICO))
def ambiti(request, data: datetime.date | None = None):
    righe = []
    for d in selectors.distretti_con_ambiti(_day(data)):
        for a in d.ambiti_attuali:
            righe.append({"codice": a.codice, "nome": a.nome, "distretto": d.codice, "numero_comuni": a.numero_comuni})
    return sorted(righe, key=lambda r: r["nome"])


@api.get("/ambiti/{codice}", response=AmbitoOut, tags=["territorio"], auth=policy_api(read=PUBBLICO))
def ambito(request, codice: str, data: datetime.date | None = None):
    ambito = get_object_or_404(Ambito, pk=codice)
    day = _day(data)
    distretto = selectors.distretto_di(ambito, day)
    capofila = selectors.capofila_di(ambito, day)
    return {
        "codice": ambito.codice,
        "nome": ambito.nome,
        "data": day,
        "distretto": distretto.codice if distretto else None,
        "asst": distretto.asst.nome if distretto else None,
        "ente_capofila": capofila.ente.nome if capofila else None,
        "forma_giuridica": capofila.ente.get_forma_giuridica_display() if capofila else None,
        "comuni": [
            {"codice_istat": c.codice_istat, "nome": c.nome, "ambito": ambito.codice}
            for c in selectors.comuni_di(ambito, day)
        ],
        "incarichi": [_incarico(i) for i in selectors.incarichi_in_carica(selectors.organi_di(ambito), day)],
    }


def _incarico(i):
    return {
        "organo": i.organo.nome,
        "ruolo": i.get_ruolo_display(),
        "persona": i.persona.nome,
        "qualifica": i.qualifica,
        "comune": i.comune.nome if i.comune else None,
        "dal": i.dal,
        "al": i.al,
    }


@api.get("/comuni", response=list[ComuneBreve], tags=["territorio"], auth=policy_api(read=PUBBLICO))
def comuni(request, q: str = "", data: datetime.date | None = None):
    day = _day(data)
    qs = selectors.cerca_comuni(q, limit=300) if q else selectors.comuni_della_provincia(day).order_by("nome")
    ambito_per_comune = dict(selectors.AppartenenzaComune.objects.valid_on(day).values_list("comune_id", "ambito_id"))
    return [{"codice_istat": c.codice_istat, "nome": c.nome, "ambito": ambito_per_comune.get(c.pk)} for c in qs]


@api.get("/comuni/{codice_istat}", response=ComuneOut, tags=["territorio"], auth=policy_api(read=PUBBLICO))
def comune(request, codice_istat: str, data: datetime.date | None = None):
    comune = get_object_or_404(Comune.objects.select_related("regione"), pk=codice_istat)
    day = _day(data)
    ambito = selectors.ambito_di(comune, day)
    distretto = selectors.distretto_di(ambito, day) if ambito else None
    return {
        "codice_istat": comune.codice_istat,
        "nome": comune.nome,
        "provincia": comune.provincia,
        "regione": comune.regione.nome,
        "codice_catastale": comune.codice_catastale,
        "data": day,
        "ambito": ambito.codice if ambito else None,
        "distretto": distretto.codice if distretto else None,
        "nomi_alternativi": [a.nome for a in comune.alias.all()],
        "storia": [
            {"ambito": a.ambito_id, "dal": a.dal, "al": a.al, "fonte": a.fonte} for a in selectors.storia_di(comune)
        ],
    }


@api.get(
    "/modifiche", response=list[ModificaOut], tags=["registro delle modifiche"], auth=policy_api(read=COORDINAMENTO)
)
def modifiche(request, limite: int = 100):
    voci = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")[: max(1, min(limite, 1000))]
    return [
        {
            "quando": v.timestamp,
            "chi": v.actor.get_username() if v.actor else None,
            "oggetto": f"{v.content_type.name}: {v.object_repr}",
            "azione": v.get_action_display(),
            "modifiche": v.changes_dict,
        }
        for v in voci
    ]


class IndicatoreOut(Schema):
    codice: str
    nome: str
    unita: str
    descrizione: str
    formula: list[str]


class MisuraOut(Schema):
    codice: str
    nome: str
    unita: str
    descrizione: str


class ValoreOut(Schema):
    livello: str
    codice_territorio: str
    territorio: str
    anno: int
    indicatore: str
    valore: float | None


@api.get("/misure", response=list[MisuraOut], tags=["conoscenza"], auth=policy_api(read=PUBBLICO))
def misure(request):
    return list(Misura.objects.values("codice", "nome", "unita", "descrizione"))


@api.get("/indicatori", response=list[IndicatoreOut], tags=["conoscenza"], auth=policy_api(read=PUBBLICO))
def indicatori(request):
    return [
        {
            "codice": i.codice,
            "nome": i.nome,
            "unita": i.unita,
            "descrizione": i.descrizione,
            "formula": [f"{t.get_parte_display()}: {t}" for t in i.termini.all()],
        }
        for i in Indicatore.objects.prefetch_related("termini")
    ]


@api.get("/indicatori/valori", response=list[ValoreOut], tags=["conoscenza"], auth=policy_api(read=PUBBLICO))
def valori_indicatori(
    request, livello: Livello, anno: int | None = None, indicatore: str | None = None, territorio: str | None = None
):
    """Indicators computed from the base data, for one level (comune, ambito, distretto, ats,
    italia: every Comune with data)."""
    if livello not in LIVELLI_CALCOLATI:
        raise HttpError(422, f"Livello «{livello}» non calcolato: usare comune, ambito, distretto, ats o italia.")
    if indicatore and not Indicatore.objects.filter(pk=indicatore).exists():
        raise HttpError(404, f"Indicatore «{indicatore}» non nel catalogo.")
    valori = calcola(
        livello,
        anni=[anno] if anno else None,
        indicatori=[indicatore] if indicatore else None,
        territori=[territorio] if territorio else None,
    )
    nomi = nomi_territori(livello)
    return [
        {
            "livello": livello,
            "codice_territorio": codice,
            "territorio": nomi.get(codice, ""),
            "anno": a,
            "indicatore": ind,
            "valore": None if v is None else float(v),
        }
        for (codice, a, ind), v in sorted(valori.items())
    ]


def _aggiungi_router():
    # Imported here: the routers of the apps import this module's api only through zona.lib.
    from documenti.api import router as documenti
    from fondi.api import router as fondi
    from monitoraggio.api import router as monitoraggio
    from programmazione.api import router as programmazione

    api.add_router("/", programmazione)
    api.add_router("/", fondi)
    api.add_router("/", monitoraggio)
    api.add_router("/", documenti)


_aggiungi_router()
