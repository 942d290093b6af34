"""Route policies: who may read and who may write, declared on every view and API operation.

The permission model of Zona has three parts, each with one home:

- **facts about a user** (role, Ambito, Comune, superuser): `Fatti`, read with `fatti(user)`.
  `accounts` computes them from the user's profile and registers itself here at start-up
  (`registra_fatti`), so that every app, even those below `accounts` (`territorio`), asks the
  same question without importing it;
- **rules about an object** live in the app that owns the object, as plain functions of the
  user and the object and as route rules (`Regola`): `territorio/permessi.py` (registry edits),
  `conoscenza/permessi.py` (data loads), `programmazione/permessi.py` (plans and objectives:
  visibility, writing), `monitoraggio/permessi.py` (monitoring). What a user may *see* of a
  model is a queryset method of that model (`Piano.objects.visibili_a(user)`) built on the
  app's rule, and every list, page, API operation, export and document goes through it;
- **route policies** (this module) put those rules on the views, where they are enforced::

    from zona.lib.policies import COORDINAMENTO, PUBBLICO, RouterZona, policy, policy_api

    @policy(read=PUBBLICO)                               # GET/HEAD for all, anything else 405
    def ambito_detail(request, codice): ...

    @policy(read=PUBBLICO, write=AMBITO_DA_URL)           # object-level write rule
    def ufficio_di_piano_modifica(request, codice): ...

    router = RouterZona(tags=["..."])                    # django-ninja: the policy is `auth=`
    @router.get("/modifiche", response=..., auth=policy_api(read=COORDINAMENTO))
    def modifiche(request): ...

`read` covers GET and HEAD, `write` POST (pages) or every unsafe method (API); a method whose
rule is None is refused with 405. On pages an anonymous user who needs to log in is sent to the
login page and anyone else who is refused gets 403; the API answers 401 and 403 instead. An
object rule that does not find its object, or finds one the user may not see, answers 404
(`oggetto_o_404`): a hidden object looks exactly like a missing one. Rules combine with `|`.

On the API the policy is django-ninja's documented `auth=` callable of the operation (it sees
the request and the URL arguments, answers 401/403/404 before the parameters are parsed).
`RouterZona` refuses, when the module is imported, an operation whose `auth` is not a
`policy_api(...)`, and keeps each operation's policy by URL name; `ZonaAPI.urls` hands it to the
URL patterns, where the middleware, the route walker (`accounts/routes.py`) and the role-matrix
test read it. No private django-ninja internals are used.

Forgetting is refused three times: `PolicyRequiredMiddleware` answers 403 to any view without a
policy (admin excepted), `accounts/tests/test_route_policies.py` names every route without one,
and `accounts/tests/test_route_matrix.py` requests every route as every role and compares the
answer with the declared policy.

Templates never compare roles: the context variable `permessi` (`PermessiUtente`, from the
`accounts` context processor) answers user-level questions (`permessi.coordinamento`,
`permessi.secondo_fattore`), and views pass the object-level booleans they computed with the
owning app's rules (`puo_modificare`, `modificabile`).
"""

import functools
import logging
from dataclasses import dataclass, field

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseForbidden, HttpResponseNotAllowed

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD"})
# Pages only handle forms: PUT, PATCH, DELETE and OPTIONS are refused (405) everywhere.
PAGE_WRITE_METHODS = frozenset({"POST"})

# Outcomes of a policy for a request, as the role-matrix test reads them.
CONSENTITO = "consentito"
ACCESSO_RICHIESTO = "accesso richiesto"  # anonymous: login page (pages) or 401 (API)
VIETATO = "vietato"  # 403
METODO_NON_AMMESSO = "metodo non ammesso"  # 405
NON_TROVATO = "non trovato"  # 404: the object does not exist, or the user may not see it


# --- facts about a user --------------------------------------------------------------------


@dataclass(frozen=True)
class Fatti:
    """What Zona knows about a user, the same for every app.

    `ambiti` are the Ambiti the user works in (an Ufficio di Piano's Ambito, the Ambiti its
    Comune belongs or belonged to); `coordinamento` is true for superusers too. An ATS or ASST
    user has its agency's code and `territorio_sanitario`: (Ambito, first year, last year) for
    each time an Ambito belonged to a Distretto of that agency (last year 9999 while it does),
    so that a plan is of its territory when its triennio overlaps one of them. A member of a
    co-programming table has `componente_tavolo` (the tables are coprogrammazione's rows)."""

    autenticato: bool = False
    superutente: bool = False
    coordinamento: bool = False
    ufficio_di_piano: str | None = None  # Ambito code
    comune: str | None = None  # ISTAT code
    ambiti: frozenset = frozenset()
    ats: str | None = None  # ATS code
    asst: str | None = None  # ASST code
    territorio_sanitario: frozenset = frozenset()
    componente_tavolo: bool = False

    @property
    def ente_sanitario(self):
        return self.ats is not None or self.asst is not None

    @property
    def ha_ruolo(self):
        return self.coordinamento or self.ufficio_di_piano is not None or self.comune is not None


ANONIMO = Fatti()
_fonte = {"funzione": None}


def registra_fatti(funzione):
    """`funzione(user) -> Fatti`: the app that knows the users (accounts) registers it once."""
    _fonte["funzione"] = funzione


def fatti(user):
    """The facts about `user`, computed once per user object (a request's user lives for the
    request; a test that changes a profile asks with a fresh user)."""
    if user is None or not user.is_authenticated:
        return ANONIMO
    cached = getattr(user, "_zona_fatti", None)
    if cached is not None:
        return cached
    funzione = _fonte["funzione"]
    if funzione is None:
        risultato = Fatti(autenticato=True, superutente=user.is_superuser, coordinamento=user.is_superuser)
    else:
        risultato = funzione(user)
    user._zona_fatti = risultato
    return risultato


# --- rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regola:
    """Who passes: `verifica(user, kwargs) -> bool`, where kwargs are the URL arguments.

    Anonymous users are refused without asking `verifica` unless `anonimi` (then `verifica`
    judges them too, e.g. a public object whose drafts are hidden). `verifica` may raise
    Http404 (object missing or hidden). `descrizione` is written for people (README, error
    pages, test failures)."""

    descrizione: str
    verifica: object = field(repr=False)
    anonimi: bool = False
    messaggio: str = "Il tuo ruolo non permette questa operazione."
    # Whether the answer depends on the object named by the URL (the role-matrix test then
    # requests every sample object); assumed so unless a rule says otherwise.
    per_oggetto: bool = True

    def consente(self, user, kwargs):
        if not user.is_authenticated and not self.anonimi:
            return False
        return bool(self.verifica(user, kwargs))

    def __or__(self, other):
        return Regola(
            f"{self.descrizione} oppure {other.descrizione}",
            lambda user, kwargs: self.consente(user, kwargs) or other.consente(user, kwargs),
            anonimi=self.anonimi or other.anonimi,
            messaggio=self.messaggio,
            per_oggetto=self.per_oggetto or other.per_oggetto,
        )


PUBBLICO = Regola("chiunque, anche senza accesso", lambda user, kwargs: True, anonimi=True, per_oggetto=False)
AUTENTICATO = Regola("chi ha eseguito l'accesso", lambda user, kwargs: True, per_oggetto=False)
CON_RUOLO = Regola(
    "chi ha un ruolo (coordinamento, Ufficio di Piano, Comune)",
    lambda user, kwargs: fatti(user).ha_ruolo,
    messaggio="Il tuo utente non ha un ruolo in Zona.",
    per_oggetto=False,
)
COORDINAMENTO = Regola(
    "il coordinamento provinciale",
    lambda user, kwargs: fatti(user).coordinamento,
    messaggio="Operazione riservata al coordinamento provinciale.",
    per_oggetto=False,
)
SUPERUTENTE = Regola(
    "gli amministratori",
    lambda user, kwargs: user.is_superuser,
    messaggio="Operazione riservata agli amministratori.",
    per_oggetto=False,
)


def oggetto_o_404(queryset, chiave):
    """The row of `queryset` whose primary key is `chiave` (a URL argument), or Http404 when
    there is none, when `queryset` hides it, or when `chiave` is not a valid key at all."""
    try:
        return queryset.get(pk=chiave)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError, OverflowError):
        raise Http404("Oggetto non trovato.") from None


# --- policies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    read: Regola | None
    write: Regola | None
    api: bool = False

    def regola(self, method):
        if method in READ_METHODS:
            return self.read
        if method in PAGE_WRITE_METHODS or (self.api and method not in {"OPTIONS", "TRACE"}):
            return self.write
        return None

    def metodi(self):
        """The HTTP methods the policy lets through (for some user)."""
        metodi = set()
        if self.read:
            metodi |= READ_METHODS
        if self.write:
            metodi |= PAGE_WRITE_METHODS
        return metodi

    def esito(self, user, method, kwargs):
        """CONSENTITO, ACCESSO_RICHIESTO, VIETATO or METODO_NON_AMMESSO for this request.
        Raises Http404 when an object rule does not find its object or hides it."""
        regola = self.regola(method)
        if regola is None:
            return METODO_NON_AMMESSO
        if regola.consente(user, kwargs):
            return CONSENTITO
        return VIETATO if user.is_authenticated else ACCESSO_RICHIESTO

    @property
    def per_oggetto(self):
        return any(r.per_oggetto for r in (self.read, self.write) if r is not None)

    def descrizione(self):
        parti = [f"lettura: {self.read.descrizione if self.read else 'nessuno'}"]
        parti.append(f"scrittura: {self.write.descrizione if self.write else 'nessuno'}")
        return "; ".join(parti)


def policy(read=None, write=None):
    """Declare and enforce who may read (GET/HEAD) and write (POST) a page view."""
    dichiarata = Policy(read, write)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            esito = dichiarata.esito(request.user, request.method, kwargs)
            if esito == METODO_NON_AMMESSO:
                return HttpResponseNotAllowed(sorted(dichiarata.metodi()))
            if esito == ACCESSO_RICHIESTO:
                return redirect_to_login(request.get_full_path())
            if esito == VIETATO:
                raise PermissionDenied(dichiarata.regola(request.method).messaggio)
            return view(request, *args, **kwargs)

        wrapper.zona_policy = dichiarata
        return wrapper

    return decorator


class PolicyApi(Policy):
    """The policy of one django-ninja operation, used as its `auth=` callable.

    ninja calls it before parsing the parameters: a truthy answer lets the request in, an
    HttpError or Http404 becomes the answer. Unsafe methods also get Django's CSRF check when
    the user comes from a session cookie (ninja exempts its views from the CSRF middleware)."""

    def __call__(self, request):
        from ninja.errors import HttpError

        params = dict(request.resolver_match.kwargs) if request.resolver_match else {}
        esito = self.esito(request.user, request.method, params)
        if esito == METODO_NON_AMMESSO:
            raise HttpError(405, "Metodo non ammesso.")
        if esito == ACCESSO_RICHIESTO:
            raise HttpError(401, "Accesso richiesto.")
        if esito == VIETATO:
            raise HttpError(403, self.regola(request.method).messaggio)
        if request.method not in READ_METHODS and request.user.is_authenticated and _csrf_rifiutato(request):
            raise HttpError(403, "Controllo CSRF non superato.")
        return request.user or True


def _csrf_rifiutato(request):
    """Django's own CSRF check (its middleware, as a view would get it): True when refused."""
    from django.middleware.csrf import CsrfViewMiddleware

    controllo = CsrfViewMiddleware(lambda r: None)
    request.csrf_processing_done = False
    controllo.process_request(request)
    return controllo.process_view(request, _csrf_rifiutato, (), {}) is not None


def policy_api(read=None, write=None):
    """The policy of a django-ninja operation: pass it as `auth=` to the route decorator."""
    return PolicyApi(read, write, api=True)


# --- django-ninja --------------------------------------------------------------------------


@dataclass(frozen=True)
class OperazioneApi:
    """What the URL pattern of an API operation carries (`callback.zona_operazione`)."""

    policy: PolicyApi
    metodi: tuple


def _router_class():
    from ninja import Router

    class RouterZona(Router):
        """A ninja Router whose every operation declares `auth=policy_api(...)`."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.operazioni_zona = {}

        def add_api_operation(self, path, methods, view_func, *args, auth=None, url_name=None, **kwargs):
            if not isinstance(auth, PolicyApi):
                raise ImproperlyConfigured(
                    f"API operation {view_func.__module__}.{view_func.__name__} ({path}) declares no "
                    "policy: pass auth=policy_api(read=..., write=...) to its route decorator."
                )
            nome = url_name or view_func.__name__
            self.operazioni_zona.setdefault(nome, []).append(OperazioneApi(auth, tuple(methods)))
            return super().add_api_operation(path, methods, view_func, *args, auth=auth, url_name=url_name, **kwargs)

    return RouterZona


def _api_class():
    from ninja import NinjaAPI

    class ZonaAPI(NinjaAPI):
        """NinjaAPI whose routers are RouterZona and whose own pages (schema, docs, root) carry a
        page policy like every other route."""

        def __init__(self, *args, **kwargs):
            self.routers_zona = []
            kwargs.setdefault("default_router", RouterZona())
            super().__init__(*args, **kwargs)

        def add_router(self, prefix, router, *args, **kwargs):
            if isinstance(router, str):
                from django.utils.module_loading import import_string

                router = import_string(router)
            if not isinstance(router, RouterZona):
                raise ImproperlyConfigured("Every router of the Zona API is a zona.lib.policies.RouterZona.")
            self.routers_zona.append(router)
            return super().add_router(prefix, router, *args, **kwargs)

        @property
        def urls(self):
            patterns, app_name, namespace = super().urls
            operazioni = {}
            for router in self.routers_zona:
                for nome, elenco in router.operazioni_zona.items():
                    operazioni.setdefault(nome, []).extend(elenco)
            doppi = sorted(n for n, elenco in operazioni.items() if len(elenco) > 1)
            if doppi:
                raise ImproperlyConfigured(f"API operations with the same URL name (give one a url_name=): {doppi}")
            for p in patterns:
                if p.name in operazioni:
                    # ninja makes one URL pattern, with its own view function, per operation.
                    p.callback.zona_operazione = operazioni[p.name][0]
                elif getattr(p.callback, "zona_policy", None) is None:
                    p.callback = policy(read=PUBBLICO)(p.callback)  # the API root: a list of links
            return patterns, app_name, namespace

    return ZonaAPI


RouterZona = _router_class()
ZonaAPI = _api_class()


# --- refusing routes without a policy -------------------------------------------------------

# URL namespaces whose views guard themselves: the admin allows superusers only (zona/urls.py).
NAMESPACES_ESENTI = frozenset({"admin"})


def policy_of(view_func):
    """The Policy of a page view, or the OperazioneApi of an API operation, or None."""
    return getattr(view_func, "zona_policy", None) or getattr(view_func, "zona_operazione", None)


class PolicyRequiredMiddleware:
    """Refuses (403) any view that declares no policy: a route added without one is closed, not
    open. The policy itself is enforced by its decorator (pages) or by ninja's `auth` (API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if policy_of(view_func) is not None:
            return None
        match = request.resolver_match
        if match is not None and NAMESPACES_ESENTI.intersection(match.namespaces):
            return None
        log.error("route without policy refused: %s %s", request.method, request.path)
        return HttpResponseForbidden("Pagina senza regola di accesso dichiarata: accesso negato.")
