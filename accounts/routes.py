"""Every route of the site with its declared policy: what the policy tests walk.

Pages carry their policy on the view (`zona.lib.policies.policy`); each django-ninja operation
is its own URL pattern (ninja's documented behaviour: one pattern, named after the operation,
per operation), whose view carries the operation's `OperazioneApi` (policy and methods), set by
`ZonaAPI.urls`. Kept outside the tests so that a management command or a page listing who may
do what could use it too."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from zona.lib.policies import NAMESPACES_ESENTI


@dataclass
class Rotta:
    route: str  # Django route with converters, e.g. "ambiti/<slug:codice>/"
    name: str  # "namespace:name", or the route when unnamed
    callback: object
    namespaces: tuple
    methods: tuple | None  # API operations: the methods of this operation; pages: None
    operation: object | None  # zona.lib.policies.OperazioneApi, or None for a page

    @property
    def policy(self):
        if self.operation is not None:
            return self.operation.policy
        return getattr(self.callback, "zona_policy", None)

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
    """All routes: one Rotta per page and one per API operation."""
    risultato = []
    for route, pattern, namespaces in _walk(get_resolver(urlconf).url_patterns):
        name = ":".join(namespaces + (pattern.name,)) if pattern.name else route
        operazione = getattr(pattern.callback, "zona_operazione", None)
        metodi = operazione.metodi if operazione is not None else None
        risultato.append(Rotta(route, name, pattern.callback, namespaces, metodi, operazione))
    return risultato
