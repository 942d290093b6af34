"""Every route of the site with its declared policy: what the policy tests walk.

Kept outside the tests so that a management command or a page listing who may do what could
use it too."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from .policies import NAMESPACES_ESENTI, ninja_path_view


@dataclass
class Rotta:
    route: str  # Django route with converters, e.g. "ambiti/<slug:codice>/"
    name: str  # "namespace:name", or the route when unnamed
    callback: object
    namespaces: tuple
    methods: tuple | None  # ninja operations: the methods of this operation; pages: None
    operation: object | None  # ninja Operation, or None

    @property
    def policy(self):
        owner = self.operation.view_func if self.operation is not None else self.callback
        return getattr(owner, "zona_policy", None)

    @property
    def esente(self):
        return bool(NAMESPACES_ESENTI.intersection(self.namespaces))


def _walk(patterns, prefix="", namespaces=()):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespaces + ((p.namespace,) if p.namespace else ())
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p, namespaces


def rotte(urlconf=None):
    """All routes, ninja paths expanded into one Rotta per operation."""
    risultato = []
    for route, pattern, namespaces in _walk(get_resolver(urlconf).url_patterns):
        name = ":".join(namespaces + (pattern.name,)) if pattern.name else route
        path_view = ninja_path_view(pattern.callback)
        if path_view is None:
            risultato.append(Rotta(route, name, pattern.callback, namespaces, None, None))
            continue
        for operation in path_view.operations:
            risultato.append(Rotta(route, name, pattern.callback, namespaces, tuple(operation.methods), operation))
    return risultato
