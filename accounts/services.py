from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Profilo, TipoRuolo

# Demo logins, one per role; `load_demo` creates them and the README lists them.
DEMO_PASSWORD = "zona-demo-2025"
UTENTI_DEMO = [
    ("coordinamento", TipoRuolo.COORDINAMENTO, None, None, "Coordinamento provinciale (tutti gli Ambiti)"),
    ("udp.altosebino", TipoRuolo.UFFICIO_DI_PIANO, "alto-sebino", None, "Ufficio di Piano dell'Ambito Alto Sebino"),
    ("udp.dalmine", TipoRuolo.UFFICIO_DI_PIANO, "dalmine", None, "Ufficio di Piano dell'Ambito di Dalmine"),
    ("comune.lovere", TipoRuolo.COMUNE, None, "016128", "Comune di Lovere"),
    ("ats.bergamo", TipoRuolo.ATS, None, None, "ATS di Bergamo (i piani dei 14 Ambiti, obiettivi sociosanitari)"),
    ("asst.bergamoest", TipoRuolo.ASST, None, None, "ASST Bergamo Est (i piani dei suoi Ambiti, tra cui Alto Sebino)"),
    (
        "tavolo.altosebino",
        TipoRuolo.TAVOLO,
        None,
        None,
        "Componente di un tavolo della co-programmazione di Alto Sebino",
    ),
]
# The agency of the ATS and ASST demo users (the tables of the member: coprogrammazione.demo).
ENTI_DEMO = {"ats.bergamo": {"ats_id": "ats-bergamo"}, "asst.bergamoest": {"asst_id": "asst-bergamo-est"}}


def crea_utente(username, password, ruolo, ambito_id=None, comune_id=None, superuser=False, ats_id=None, asst_id=None):
    User = get_user_model()
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_superuser = user.is_staff = superuser
        user.save()
        Profilo.objects.update_or_create(
            user=user,
            defaults={
                "ruolo": ruolo,
                "ambito_id": ambito_id,
                "comune_id": comune_id,
                "ats_id": ats_id,
                "asst_id": asst_id,
            },
        )
    return user


def crea_utenti_demo():
    righe = []
    for username, ruolo, ambito, comune, descrizione in UTENTI_DEMO:
        crea_utente(username, DEMO_PASSWORD, ruolo, ambito, comune, **ENTI_DEMO.get(username, {}))
        righe.append((username, descrizione))
    crea_utente("admin", DEMO_PASSWORD, TipoRuolo.COORDINAMENTO, superuser=True)
    righe.append(("admin", "Amministratore (superutente, /admin/)"))
    return righe
