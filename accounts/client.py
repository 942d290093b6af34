"""Machine clients: tokens for the API (README, «Client di sistema»).

A token is `zona_<prefix>_<secret>`: the prefix finds the client with one indexed query, the
secret is compared by its SHA-256 in constant time. A client is refused once revoked or past
its expiry. Each token has its own request budget per minute (`ZONA_API_RICHIESTE_MINUTO`),
counted in the shared cache so every app server counts the same requests.
"""

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from .models import ClientMacchina, Profilo

PREFISSO_TOKEN = "zona_"
# The technical users' usernames: they never log in (unusable password), the prefix says what they are.
PREFISSO_UTENTE = "client-"


def _impronta(segreto):
    return hashlib.sha256(segreto.encode()).hexdigest()


@transaction.atomic
def crea(nome, ruolo, ambito, comune, scadenza, creato_da):
    """(client, token in clear): the token is not stored and cannot be shown again."""
    prefisso = secrets.token_hex(6)
    segreto = secrets.token_urlsafe(32)
    utente = get_user_model()(username=f"{PREFISSO_UTENTE}{prefisso}", first_name=nome[:150])
    utente.set_unusable_password()
    utente.save()
    Profilo.objects.create(user=utente, ruolo=ruolo, ambito=ambito, comune=comune)
    client = ClientMacchina.objects.create(
        nome=nome, utente=utente, prefisso=prefisso, impronta=_impronta(segreto), scadenza=scadenza, creato_da=creato_da
    )
    return client, f"{PREFISSO_TOKEN}{prefisso}_{segreto}"


def revoca(client):
    """Revoke at once (kept, with its history, for the audit trail)."""
    if client.revocato_il is None:
        client.revocato_il = timezone.now()
        client.save(update_fields=["revocato_il"])
        client.utente.is_active = False
        client.utente.save(update_fields=["is_active"])


def autentica(token):
    """The valid (not revoked, not expired) client of `token`, or None; records its use."""
    if not token.startswith(PREFISSO_TOKEN) or len(token) > 100:
        return None
    prefisso, _, segreto = token[len(PREFISSO_TOKEN) :].partition("_")
    if not prefisso or not segreto:
        return None
    client = (
        ClientMacchina.objects.select_related("utente", "utente__profilo")
        .filter(prefisso=prefisso, revocato_il__isnull=True, utente__is_active=True)
        .first()
    )
    if client is None or not constant_time_compare(_impronta(segreto), client.impronta):
        return None
    adesso = timezone.now()
    if client.scadenza <= adesso:
        return None
    # One write per minute at most: the date says when the client was last seen, not each call.
    if client.ultimo_uso is None or (adesso - client.ultimo_uso).total_seconds() >= 60:
        ClientMacchina.objects.filter(pk=client.pk).update(ultimo_uso=adesso)
        client.ultimo_uso = adesso
    return client


@dataclass(frozen=True)
class Attesa:
    secondi: int


def consuma(client, adesso=None):
    """Count one request of `client`: None if within its budget, else Attesa (seconds to wait)."""
    limite = settings.ZONA_API_RICHIESTE_MINUTO
    adesso = time.time() if adesso is None else adesso
    finestra = int(adesso // 60)
    chiave = f"zona:api:{client.prefisso}:{finestra}"
    cache.add(chiave, 0, timeout=120)
    try:
        n = cache.incr(chiave)
    except ValueError:  # expired between add and incr
        cache.set(chiave, 1, timeout=120)
        n = 1
    if n > limite:
        return Attesa(max(1, 60 * (finestra + 1) - int(adesso)))
    return None


def stato(client, adesso=None):
    adesso = adesso or timezone.now()
    if client.revocato_il is not None:
        return "revocato"
    if client.scadenza <= adesso:
        return "scaduto"
    return "attivo"
