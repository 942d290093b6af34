"""The REST API: read access to the registry, over the same selectors as the pages."""

import datetime
from typing import Literal

from auditlog.models import LogEntry
from django.shortcuts import get_object_or_404
from ninja import Schema
from ninja.errors import HttpError

from conoscenza.models import Indicatore, Livello, Misura
from conoscenza.selectors import LIVELLI_CALCOLATI, calcola, nomi_territori
from territorio import selectors
from territorio.models import Ambito, Comune
from zona.lib.cache import memorizza
from zona.lib.ingressi import ERRORE, Anno, Codice, Giorno, Testo, intero_api, risposta_errore
from zona.lib.policies import COORDINAMENTO, PUBBLICO, PolicyApi, ZonaAPI, policy, policy_api

from . import errori


class ApiZona(ZonaAPI):
    """The Zona API (routers, policies: zona.lib.policies.ZonaAPI) with its error answers in
    Italian."""

    def set_default_exception_handlers(self):
        super().set_default_exception_handlers()
        errori.registra(self)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema, built once per process and path prefix: the routes do not change
        after start-up, and building it cost about 0,8 s a request under the load bench.
        Callers must not change the dictionary they get."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schemi = self.__dict__.setdefault("_schemi", {})
        if path_prefix not in schemi:
            schemi[path_prefix] = self._costruisci_schema(path_prefix)
        return schemi[path_prefix]

    def _costruisci_schema(self, path_prefix):
        """The schema with the error answers each operation can give, so that clients (and
        the schemathesis test) know them: 422 when it takes parameters (ninja's validation,
        zona.lib.ingressi's limits, a NUL in the query), 404 when its path names an object,
        401 and 403 unless its policy lets everybody read."""
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        schema.setdefault("components", {}).setdefault("schemas", {})["Errore"] = ERRORE
        operazioni = {}
        for _, router in self._routers:
            for path_view in router.path_operations.values():
                for op in path_view.operations:
                    operazioni[op.operation_id or self.get_openapi_operation_id(op)] = op
        for metodi in schema["paths"].values():
            for metodo, voce in metodi.items():
                op = operazioni.get(voce.get("operationId"))
                policy = next((a for a in getattr(op, "auth_callbacks", []) if isinstance(a, PolicyApi)), None)
                regola = policy.regola(metodo.upper()) if policy else None
                parametri = voce.get("parameters", [])
                risposte = voce.setdefault("responses", {})
                errori_possibili = {}
                if regola is not PUBBLICO or voce.get("security"):
                    errori_possibili[401] = "Accesso richiesto."
                    errori_possibili[403] = "Il ruolo non permette l'operazione."
                if any(p.get("in") == "path" for p in parametri):
                    errori_possibili[404] = "Oggetto non trovato (o non visibile)."
                if parametri:
                    errori_possibili[422] = "Parametri non validi: il messaggio dice quale e perché."
                for stato, descrizione in errori_possibili.items():
                    risposte.setdefault(stato, risposta_errore(descrizione))
                if regola is not PUBBLICO:
                    # Machine clients: a token of the coordination (accounts/client.py).
                    voce.setdefault("security", [{"token": []}, {}])
        schema["components"].setdefault("securitySchemes", {})["token"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "Token di un client di sistema, creato dal coordinamento nella pagina «Client di sistema».",
        }
        return schema


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
def distretti(request, data: Giorno | None = None):
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
def ambiti(request, data: Giorno | None = None):
    righe = []
    for d in selectors.distretti_con_ambiti(_day(data)):
        for a in d.ambiti_attuali:
            righe.append({"codice": a.codice, "nome": a.nome, "distretto": d.codice, "numero_comuni": a.numero_comuni})
    return sorted(righe, key=lambda r: r["nome"])


@api.get("/ambiti/{codice:codice}", response=AmbitoOut, tags=["territorio"], auth=policy_api(read=PUBBLICO))
def ambito(request, codice: str, data: Giorno | None = None):
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
def comuni(request, q: Testo = "", data: Giorno | None = None):
    day = _day(data)
    qs = selectors.cerca_comuni(q, limit=300, day=day) if q else selectors.comuni_della_provincia(day).order_by("nome")
    ambito_per_comune = dict(selectors.AppartenenzaComune.objects.valid_on(day).values_list("comune_id", "ambito_id"))
    return [{"codice_istat": c.codice_istat, "nome": c.nome, "ambito": ambito_per_comune.get(c.pk)} for c in qs]


@api.get("/comuni/{istat:codice_istat}", response=ComuneOut, tags=["territorio"], auth=policy_api(read=PUBBLICO))
def comune(request, codice_istat: str, data: Giorno | None = None):
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
def modifiche(request, limite: intero_api(1, 1000) = 100):
    voci = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")[:limite]
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


# The levels computed from the base data: only these are valid, and the schema says so.
LivelloCalcolato = Literal[tuple(str(v) for v in LIVELLI_CALCOLATI)]


@api.get(
    "/indicatori/valori",
    response=list[ValoreOut],
    tags=["conoscenza"],
    auth=policy_api(read=PUBBLICO),
    openapi_extra={"responses": {404: risposta_errore("Indicatore non nel catalogo.")}},
)
def valori_indicatori(
    request,
    livello: LivelloCalcolato,
    anno: Anno | None = None,
    indicatore: Codice | None = None,
    territorio: Codice | None = None,
):
    """Indicators computed from the base data, for one level (comune, ambito, distretto, asst, ats,
    italia: every Comune with data)."""
    livello = Livello(livello)
    if indicatore and not Indicatore.objects.filter(pk=indicatore).exists():
        raise HttpError(404, f"Indicatore «{indicatore}» non nel catalogo.")

    def _calcola():
        valori = calcola(
            livello,
            anni=[anno] if anno else None,
            indicatori=[indicatore] if indicatore else None,
            territori=[territorio] if territorio else None,
        )
        nomi = nomi_territori(livello)
        return [
            {
                "livello": livello.value,
                "codice_territorio": codice,
                "territorio": nomi.get(codice, ""),
                "anno": a,
                "indicatore": ind,
                "valore": None if v is None else float(v),
            }
            for (codice, a, ind), v in sorted(valori.items())
        ]

    # Computing the indicators of a territory is 0,1-0,2 s: once per data version and question.
    return memorizza(f"api-valori:{livello.value}:{anno}:{indicatore}:{territorio}", _calcola)


def _aggiungi_router():
    # Imported here: the routers of the apps import this module's api only through zona.lib.
    from coprogrammazione.api import router as coprogrammazione
    from documenti.api import router as documenti
    from domanda.api import router as domanda
    from fondi.api import router as fondi
    from monitoraggio.api import router as monitoraggio
    from offerta.api import router as offerta
    from programmazione.api import router as programmazione

    api.add_router("/", programmazione)
    api.add_router("/", fondi)
    api.add_router("/", coprogrammazione)
    api.add_router("/", monitoraggio)
    api.add_router("/", documenti)
    api.add_router("/", domanda)
    api.add_router("/", offerta)

    from .importazioni import router as importazioni

    api.add_router("/", importazioni)


_aggiungi_router()
