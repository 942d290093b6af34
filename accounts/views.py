import datetime

from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from zona.lib.policies import COORDINAMENTO, PUBBLICO, Regola, policy

from . import client as servizio_client
from . import login as servizio
from . import spid
from .forms import AccessoForm, ClientForm, CodiceForm
from .models import ClientMacchina
from .permissions import can_use_second_factor

SECONDO_FATTORE = Regola(
    "il coordinamento provinciale e gli Uffici di Piano",
    lambda user, kwargs: can_use_second_factor(user),
    messaggio="Il secondo fattore è previsto per il coordinamento provinciale e gli Uffici di Piano.",
    per_oggetto=False,
)


SOLO_SPID = "L'accesso con password è riservato agli amministratori: entrare con SPID o CIE."

PROTETTO_SENZA_EMAIL = (
    "Troppi tentativi falliti per questo utente, da più indirizzi: per proteggerlo, per ora la sola "
    "password non basta. Riprovare tra 30 minuti, oppure chiedere all'amministratore di registrare "
    "un indirizzo email (per ricevere un codice) o di sbloccare l'accesso; il secondo fattore evita "
    "questa attesa."
)


def _dopo(request, valore):
    if valore and url_has_allowed_host_and_scheme(valore, {request.get_host()}, require_https=request.is_secure()):
        return valore
    return "territorio:provincia"


@policy(read=PUBBLICO, write=PUBBLICO)
def accedi(request):
    """Step 1: who you are (password). Step 2, if needed, on `codice`."""
    form = AccessoForm(request, data=request.POST or None)
    dopo = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if not settings.ZONA_ACCESSO_PASSWORD and not user.is_superuser:
            form.add_error(None, SOLO_SPID)
            return render(request, "accounts/login.html", _contesto_accesso(form, dopo), status=403)
        if servizio.richiede_secondo_fattore(user):
            servizio.metti_in_attesa(request, user, dopo)
            return redirect("accounts:codice")
        if servizio.protetto(user.get_username()):
            # Guessed at from many addresses: the password alone is not enough for now.
            if not user.email:
                form.add_error(None, PROTETTO_SENZA_EMAIL)
                return render(request, "accounts/login.html", _contesto_accesso(form, dopo), status=429)
            servizio.metti_in_attesa(request, user, dopo, via=servizio.CODICE_EMAIL)
            return redirect("accounts:codice")
        servizio.completa_accesso(request, user)
        return redirect(_dopo(request, dopo))
    return render(request, "accounts/login.html", _contesto_accesso(form, dopo))


def _contesto_accesso(form, dopo):
    return {"form": form, "next": dopo, "spid": spid.attivo(), "password": settings.ZONA_ACCESSO_PASSWORD}


@policy(write=PUBBLICO)
def esci(request):
    """Log out; a SPID/CIE session also at the gateway (its end_session_endpoint)."""
    uscita = spid.url_uscita(request)
    auth_logout(request)
    return redirect(uscita or settings.LOGOUT_REDIRECT_URL)


@policy(read=PUBBLICO, write=PUBBLICO)
def codice(request):
    """Step 2: the TOTP code, for a login waiting for it in this session."""
    user, dopo = servizio.utente_in_attesa(request)
    if user is None:
        return render(request, "accounts/login_codice.html", {"scaduto": True})
    credenziali = {"username": user.get_username()}
    if servizio.bloccato(request, user.get_username()):
        # Locked since the password step: the code does not finish the login either.
        servizio.annulla_attesa(request)
        return get_lockout_response(request, credentials=credenziali)
    via = servizio.via_in_attesa(request)
    form = CodiceForm(request.POST or None)
    if via == servizio.CODICE_EMAIL:
        form.fields["codice"].label = "Codice a 6 cifre ricevuto per email"
    if request.method == "POST" and form.is_valid():
        try:
            dispositivo = servizio.verifica_codice(request, user, form.cleaned_data["codice"])
        except servizio.CodiceNonValido as e:
            form.add_error("codice", str(e))
        else:
            servizio.completa_accesso(request, user, dispositivo)
            return redirect(_dopo(request, dopo))
    return render(request, "accounts/login_codice.html", {"form": form, "email": via == servizio.CODICE_EMAIL})


@policy(read=SECONDO_FATTORE, write=SECONDO_FATTORE)
def secondo_fattore(request):
    """Turn the TOTP second factor on (QR code, then a first code) or off (a current code)."""
    confermato = servizio.dispositivo_confermato(request.user)
    form = CodiceForm(request.POST or None)
    if confermato is not None:
        if request.method == "POST" and form.is_valid():
            try:
                servizio.disattiva(request, request.user, form.cleaned_data["codice"])
            except servizio.CodiceNonValido as e:
                form.add_error("codice", str(e))
            else:
                messages.success(request, "Secondo fattore disattivato: all'accesso basta la password.")
                return redirect("accounts:secondo_fattore")
        return render(request, "accounts/secondo_fattore.html", {"attivo": True, "form": form})
    dispositivo = servizio.dispositivo_da_confermare(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            servizio.conferma_dispositivo(request, dispositivo, form.cleaned_data["codice"])
        except servizio.CodiceNonValido as e:
            form.add_error("codice", str(e))
        else:
            messages.success(request, "Secondo fattore attivato: dal prossimo accesso Zona chiederà anche il codice.")
            return redirect("accounts:secondo_fattore")
    return render(
        request,
        "accounts/secondo_fattore.html",
        {
            "attivo": False,
            "form": form,
            "qr": servizio.qr_svg(dispositivo),
            "segreto": servizio.segreto_leggibile(dispositivo),
        },
    )


@policy(read=COORDINAMENTO, write=COORDINAMENTO)
def client(request):
    """Machine clients: create one (its token shown once, on this answer only) or revoke one."""
    form = ClientForm(request.POST if request.method == "POST" and "revoca" not in request.POST else None)
    token = None
    if request.method == "POST" and "revoca" in request.POST:
        revocato = ClientMacchina.objects.filter(prefisso=str(request.POST["revoca"])[:16]).first()
        if revocato is None:
            messages.error(request, "Client non trovato: forse è già stato eliminato.")
        else:
            servizio_client.revoca(revocato)
            messages.success(request, f"Token di «{revocato.nome}» revocato: da ora le sue richieste sono rifiutate.")
        return redirect("accounts:client")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        nuovo, token = servizio_client.crea(
            d["nome"],
            d["ruolo"],
            d["ambito"],
            d["comune"],
            timezone.now() + datetime.timedelta(days=d["giorni"]),
            request.user,
        )
        form = ClientForm()
    adesso = timezone.now()
    elenco = [
        {"client": c, "stato": servizio_client.stato(c, adesso), "profilo": c.utente.profilo}
        for c in ClientMacchina.objects.select_related(
            "utente__profilo__ambito", "utente__profilo__comune", "creato_da"
        )
    ]
    risposta = render(request, "accounts/client.html", {"form": form, "token": token, "elenco": elenco})
    if token:
        # The token is in this page only: no cache may keep it.
        risposta["Cache-Control"] = "no-store"
    return risposta
