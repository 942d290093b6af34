"""The client's address as the trusted reverse proxy saw it.

Behind the reverse proxy of the README every request comes from the proxy's address, so the
address that login throttling (django-axes), the audit trail and the logs need is the one the
proxy appends to `X-Forwarded-For`. That header is only believed when the request comes from
one of `PROXY_FIDATI` (setting, from the environment variable `FORWARDED_ALLOW_IPS` that
`scripts/serve.sh` also gives gunicorn): the list is read from the right, the end the proxies
wrote, and the first address that is not a trusted proxy is the client. Anything a client
writes itself into the header sits to the left of that and is ignored; a client that talks to
Zona directly is known by its own address whatever it sends.
"""

import ipaddress
from functools import lru_cache

import auditlog.middleware
from django.conf import settings


@lru_cache(maxsize=8)
def reti_fidate(voci):
    """The networks of `voci` (addresses or CIDR blocks); ValueError names a bad one."""
    reti = []
    for voce in voci:
        try:
            reti.append(ipaddress.ip_network(voce.strip(), strict=False))
        except ValueError:
            raise ValueError(f"Indirizzo di proxy non valido: «{voce}» (un indirizzo IP o una rete CIDR).") from None
    return tuple(reti)


def _indirizzo(testo):
    """The IP address in `testo` (an `X-Forwarded-For` item, maybe with a port), or None."""
    testo = testo.strip()
    if testo.startswith("[") and "]" in testo:  # [IPv6]:port
        testo = testo[1 : testo.index("]")]
    elif testo.count(":") == 1:  # IPv4:port
        testo = testo.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(testo)
    except ValueError:
        return None
    return ip.ipv4_mapped if ip.version == 6 and ip.ipv4_mapped else ip


def indirizzo_client(request):
    """The client's address (text) for `request`; also django-axes' AXES_CLIENT_IP_CALLABLE."""
    reti = reti_fidate(tuple(settings.PROXY_FIDATI))
    remoto = request.META.get("REMOTE_ADDR") or ""
    ip = _indirizzo(remoto)
    if ip is None:
        return remoto
    inoltri = [v for v in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if v.strip()]
    while any(ip in rete for rete in reti) and inoltri:
        precedente = _indirizzo(inoltri.pop())
        if precedente is None:  # garbage from a client: the last trusted hop is as far as we know
            break
        ip = precedente
    return str(ip)


class AuditlogMiddleware(auditlog.middleware.AuditlogMiddleware):
    """django-auditlog's, with the client's address from `indirizzo_client`: its own takes the
    first item of X-Forwarded-For, which any client can write."""

    @staticmethod
    def _get_remote_addr(request):
        return indirizzo_client(request)
