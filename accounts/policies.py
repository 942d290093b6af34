"""Route policies: who may read and who may write, declared on every view and API endpoint.

A policy sits on the view, next to its code, and is enforced by the same decorator, so a view
cannot declare one thing and do another::

    from accounts.policies import COORDINAMENTO, PUBBLICO, ambito_da, policy, policy_api

    @policy(read=PUBBLICO)                               # GET/HEAD for all, anything else 405
    def ambito_detail(request, codice): ...

    @policy(read=ambito_da("codice"), write=ambito_da("codice"))   # object-level, both methods
    def ufficio_di_piano_modifica(request, codice): ...

    @api.get("/modifiche", response=..., auth=django_auth)
    @policy_api(read=COORDINAMENTO)                      # under the route decorator
    def modifiche(request): ...

`read` covers GET and HEAD, `write` POST (pages) or every unsafe method (API); a method whose
rule is None is refused with 405. On pages an anonymous user who needs to log in is sent to the
login page and anyone else who is refused gets 403; the API answers 401 and 403 instead.
Rules combine with `|` (`COORDINAMENTO | ambito_da(...)`); an object rule takes the name of a
URL argument or a function of the URL arguments returning the object (or its key), and answers
404 when the object does not exist. The rules themselves call `accounts.permissions`, which
stays the one place where the checks are written.

Forgetting is refused three times: `PolicyRequiredMiddleware` answers 403 to any view or API
operation without a policy (admin excepted), `accounts/tests/test_route_policies.py` names every
route without one, and `accounts/tests/test_route_matrix.py` requests every route as every role
and compares the answer with the declared policy.
"""

import contextlib
import functools
import inspect
import logging
from dataclasses import dataclass, field

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseForbidden, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404

from . import permissions

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD"})
# Pages only handle forms: PUT, PATCH, DELETE and OPTIONS are refused (405) everywhere.
PAGE_WRITE_METHODS = frozenset({"POST"})

# Outcomes of a policy for a request, as the role-matrix test reads them.
CONSENTITO = "consentito"
ACCESSO_RICHIESTO = "accesso richiesto"  # anonymous: login page (pages) or 401 (API)
VIETATO = "vietato"  # 403
METODO_NON_AMMESSO = "metodo non ammesso"  # 405


@dataclass(frozen=True)
class Regola:
    """Who passes: `verifica(user, kwargs) -> bool`; anonymous users pass only if `anonimi`.

    `descrizione` is written for people (README, error pages, test failures)."""

    descrizione: str
    verifica: object = field(repr=False)
    anonimi: bool = False
    messaggio: str = "Il tuo ruolo non permette questa operazione."
    # Whether the answer depends on the object named by the URL (the role-matrix test then
    # requests every sample object); assumed so unless a rule says otherwise.
    per_oggetto: bool = True

    def consente(self, user, kwargs):
        if not user.is_authenticated:
            return self.anonimi
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
    lambda user, kwargs: permissions.can_load_data(user),
    messaggio="Il tuo utente non ha un ruolo in Zona.",
    per_oggetto=False,
)
COORDINAMENTO = Regola(
    "il coordinamento provinciale",
    lambda user, kwargs: permissions.is_coordinamento(user),
    messaggio="Operazione riservata al coordinamento provinciale.",
    per_oggetto=False,
)
SUPERUTENTE = Regola(
    "gli amministratori",
    lambda user, kwargs: user.is_superuser,
    messaggio="Operazione riservata agli amministratori.",
    per_oggetto=False,
)


def _oggetto(modello, origine, kwargs):
    """The object named by the URL: `origine` is a URL argument name or a function of the
    URL arguments returning the object or its primary key."""
    valore = kwargs[origine] if isinstance(origine, str) else origine(kwargs)
    if isinstance(valore, modello):
        return valore
    return get_object_or_404(modello, pk=valore)


def ambito_da(origine):
    """The Ufficio di Piano of the Ambito named by the URL (and the coordinamento)."""
    from territorio.models import Ambito

    return Regola(
        "l'Ufficio di Piano dell'Ambito e il coordinamento provinciale",
        lambda user, kwargs: permissions.can_edit_ambito(user, _oggetto(Ambito, origine, kwargs)),
        messaggio="Solo l'Ufficio di Piano dell'Ambito o il coordinamento provinciale.",
    )


def comune_da(origine):
    """The users of the Comune named by the URL (and the coordinamento)."""
    from territorio.models import Comune

    return Regola(
        "il Comune stesso e il coordinamento provinciale",
        lambda user, kwargs: permissions.can_edit_comune(user, _oggetto(Comune, origine, kwargs)),
        messaggio="Solo il Comune stesso o il coordinamento provinciale.",
    )


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
        May raise Http404 when an object rule does not find its object."""
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


def policy_api(read=None, write=None):
    """The same for a django-ninja endpoint: put it under `@api.get(...)`/`@router.post(...)`.

    Refusals are ninja errors (401, 403; 405 comes from ninja itself, which knows the methods).
    Unsafe methods also get Django's CSRF check when the user comes from a session cookie:
    ninja exempts its views from the CSRF middleware and only its `django_auth` checks it."""
    from ninja.errors import HttpError
    from ninja.utils import check_csrf

    dichiarata = Policy(read, write, api=True)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            params = dict(request.resolver_match.kwargs) if request.resolver_match else {}
            esito = dichiarata.esito(request.user, request.method, params)
            if esito == METODO_NON_AMMESSO:
                raise HttpError(405, "Metodo non ammesso.")
            if esito == ACCESSO_RICHIESTO:
                raise HttpError(401, "Accesso richiesto.")
            if esito == VIETATO:
                raise HttpError(403, dichiarata.regola(request.method).messaggio)
            if request.method not in READ_METHODS and request.user.is_authenticated:
                errore = check_csrf(request)
                if errore:
                    raise HttpError(403, "Controllo CSRF non superato.")
            return view(request, *args, **kwargs)

        wrapper.zona_policy = dichiarata
        # ninja reads the signature of the wrapper: resolve string annotations against the
        # endpoint's own module, not this one.
        with contextlib.suppress(NameError, TypeError):
            wrapper.__signature__ = inspect.signature(view, eval_str=True)
        return wrapper

    return decorator


# --- finding the policy of a route ---------------------------------------------------------


def ninja_path_view(view_func):
    """The django-ninja PathView behind a URL callback, or None for any other view.

    ninja routes each path through a closure over its PathView (`PathView.get_view`)."""
    try:
        from ninja.operation import PathView
    except ImportError:  # pragma: no cover
        return None
    if getattr(view_func, "__closure__", None) is None:
        return None
    candidato = inspect.getclosurevars(view_func).nonlocals.get("self")
    return candidato if isinstance(candidato, PathView) else None


def policy_of(view_func, method=None):
    """The Policy of a URL callback (for a ninja path, of its operation for `method`)."""
    path_view = ninja_path_view(view_func)
    if path_view is None:
        return getattr(view_func, "zona_policy", None)
    for operation in path_view.operations:
        if method is None or method in operation.methods:
            return getattr(operation.view_func, "zona_policy", None)
    return None


# URL namespaces whose views guard themselves: the admin allows superusers only (zona/urls.py).
NAMESPACES_ESENTI = frozenset({"admin"})


class PolicyRequiredMiddleware:
    """Refuses (403) any view or API operation that declares no policy: a route added without
    one is closed, not open. The policy itself is enforced by its decorator."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "zona_policy", None) is not None:
            return None
        match = request.resolver_match
        if match is not None and NAMESPACES_ESENTI.intersection(match.namespaces):
            return None
        path_view = ninja_path_view(view_func)
        if path_view is not None:
            operation = path_view._find_operation(request)
            if operation is None:
                return None  # ninja answers 405 with the allowed methods
            if getattr(operation.view_func, "zona_policy", None) is not None:
                return None
        log.error("route without policy refused: %s %s", request.method, request.path)
        return HttpResponseForbidden("Pagina senza regola di accesso dichiarata: accesso negato.")
