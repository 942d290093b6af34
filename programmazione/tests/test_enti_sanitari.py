"""ATS and ASST users: they read every plan of their territory (the Ambiti in their Distretti at
the plan's dates, drafts included), write the socio-health objectives they are co-responsible
for and measure those objectives' indicators; nothing else."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from monitoraggio.models import Misurazione
from programmazione import permessi, services
from programmazione.models import IndicatoreObiettivo, Piano
from territorio.models import AmbitoDistretto
from testsupport.fabbriche import ambito, catena_sanitaria, piano, utente_con_ruolo

pytestmark = pytest.mark.django_db


@pytest.fixture
def sanita(registro_minimo):
    """Lago and Pianura in the Distretto of «ASST di Prova» (ATS di Prova) since 2021; «Monti»,
    with a draft plan, in another ATS's Distretto."""
    r = registro_minimo
    altra = catena_sanitaria("altra")
    monti = ambito("monti", "Monti", altra.distretto)
    r.bozza_monti = piano(monti, 2024, [("Casa di comunità dei Monti", "D")])
    r.utente_ats = utente_con_ruolo("ats.prova", "ats", ats=r.ats)
    r.utente_asst = utente_con_ruolo("asst.prova", "asst", asst=r.asst)
    r.utente_asst_altra = utente_con_ruolo("asst.altra", "asst", asst=altra.asst)
    r.altra = altra
    return r


def test_ats_and_asst_read_the_drafts_of_their_territory_only(client, sanita):
    r = sanita
    for user in (r.utente_ats, r.utente_asst):
        client.force_login(user)
        assert client.get(f"/piani/{r.bozza.pk}/").status_code == 200
        # A draft of an Ambito of another ATS does not exist for them.
        assert client.get(f"/piani/{r.bozza_monti.pk}/").status_code == 404
        visibili = set(Piano.objects.visibili_a(user).values_list("pk", flat=True))
        assert r.bozza.pk in visibili and r.bozza_monti.pk not in visibili
    client.force_login(r.utente_asst_altra)
    assert client.get(f"/piani/{r.bozza_monti.pk}/").status_code == 200
    assert client.get(f"/piani/{r.bozza.pk}/").status_code == 404


def test_the_territory_is_the_one_at_the_plan_s_dates(client, sanita):
    """Lago leaves the ASST di Prova at the end of 2022 for the other ASST: the ASST di Prova
    keeps the 2021-2023 plan and loses the 2024-2026 draft, which the other ASST now reads."""
    r = sanita
    AmbitoDistretto.objects.filter(ambito=r.lago).update(al=datetime.date(2022, 12, 31))
    AmbitoDistretto.objects.create(ambito=r.lago, distretto=r.altra.distretto, dal=datetime.date(2023, 1, 1))
    prova = utente_con_ruolo("asst.prova2", "asst", asst=r.asst)  # facts are read once per user object
    altra = utente_con_ruolo("asst.altra2", "asst", asst=r.altra.asst)
    assert permessi.nel_territorio_sanitario(prova, r.approvato)
    assert not permessi.nel_territorio_sanitario(prova, r.bozza)
    assert permessi.nel_territorio_sanitario(altra, r.approvato)  # 2023 overlaps its time too
    assert permessi.nel_territorio_sanitario(altra, r.bozza)
    client.force_login(prova)
    assert client.get(f"/piani/{r.bozza.pk}/").status_code == 404
    client.force_login(altra)
    assert client.get(f"/piani/{r.bozza.pk}/").status_code == 200


@pytest.fixture
def condiviso(sanita):
    """The draft's objective, socio-health, with the ASST di Prova co-responsible."""
    r = sanita
    ob = r.bozza.obiettivi.get()
    ob.integrazione_sociosanitaria = True
    ob.save()
    services.assegna_corresponsabilita(None, ob, asst=r.asst, compiti="Casa di comunità: infermiere di famiglia")
    return ob


def test_the_co_responsible_asst_writes_its_socio_health_objective(client, sanita, condiviso):
    r = sanita
    client.force_login(r.utente_asst)
    pagina = client.get(f"/obiettivi/{condiviso.pk}/")
    assert "Modifica la scheda" in pagina.content.decode()
    assert "Corresponsabili: ASST di Prova (Casa di comunità: infermiere di famiglia)" in pagina.content.decode()
    modulo = client.get(f"/obiettivi/{condiviso.pk}/modifica/")
    assert modulo.status_code == 200
    dati = {
        "titolo": "Casa di comunità e infermiere di famiglia",
        "area_policy": "D",
        "integrazione_sociosanitaria": "on",
        "versione": modulo.context["form"]["versione"].value(),
    }
    assert client.post(f"/obiettivi/{condiviso.pk}/modifica/", dati).status_code == 302
    condiviso.refresh_from_db()
    assert condiviso.titolo == "Casa di comunità e infermiere di famiglia"
    voce = LogEntry.objects.get_for_object(condiviso).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert voce.actor == r.utente_asst


def test_ats_and_asst_write_nothing_else(client, sanita, condiviso):
    r = sanita
    # The ATS is not named on the objective: the responsibility is each agency's own.
    client.force_login(r.utente_ats)
    assert client.get(f"/obiettivi/{condiviso.pk}/modifica/").status_code == 403
    assert "Modifica la scheda" not in client.get(f"/obiettivi/{condiviso.pk}/").content.decode()
    client.force_login(r.utente_asst)
    for url in (
        f"/piani/{r.bozza.pk}/modifica/",
        f"/piani/{r.bozza.pk}/obiettivi/nuovo/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/obiettivi/{condiviso.pk}/azioni/", {"azione-titolo": "x"}).status_code == 403
    assert client.post(f"/piani/{r.bozza.pk}/stato/", {"azione": "approva"}).status_code == 403
    # Without the socio-health flag the same objective is the Ambito's alone again.
    condiviso.integrazione_sociosanitaria = False
    condiviso.save()
    assert client.get(f"/obiettivi/{condiviso.pk}/modifica/").status_code == 403
    # Ticking the flag in the form does not give it back: the stored objective decides.
    condiviso.titolo = "Tentativo"
    with pytest.raises(PermissionDenied):
        services.salva_obiettivo(r.utente_asst, condiviso, condiviso.versione)


def test_co_responsibility_only_on_socio_health_objectives(sanita):
    ob = sanita.approvato.obiettivi.get(codice="OB02")
    with pytest.raises(ValidationError, match="integrazione sociosanitaria"):
        services.assegna_corresponsabilita(None, ob, asst=sanita.asst)
    ob.integrazione_sociosanitaria = True
    with pytest.raises(ValidationError, match="l'ATS oppure l'ASST"):
        services.assegna_corresponsabilita(None, ob, ats=sanita.ats, asst=sanita.asst)
    with pytest.raises(PermissionDenied):
        services.assegna_corresponsabilita(sanita.utente_asst, ob, asst=sanita.asst)


def test_the_co_responsible_asst_measures_the_integration_indicators(client, sanita):
    r = sanita
    ob1, ob2 = r.approvato.obiettivi.order_by("codice")
    ob1.integrazione_sociosanitaria = True
    ob1.save()
    services.assegna_corresponsabilita(None, ob1, asst=r.asst)
    integrato = IndicatoreObiettivo.objects.create(obiettivo=ob1, tipo="output", descrizione="Dimissioni protette")
    altro = IndicatoreObiettivo.objects.create(obiettivo=ob2, tipo="output", descrizione="Accessi allo sportello")
    client.force_login(r.utente_asst)
    assert "Registra una misurazione" in client.get(f"/obiettivi/{ob1.pk}/monitoraggio/").content.decode()
    assert "Registra una misurazione" not in client.get(f"/obiettivi/{ob2.pk}/monitoraggio/").content.decode()

    def misura(ind):
        p = f"m{ind.pk}-"
        dati = {
            p + "anno": 2022,
            p + "semestre": "1",
            p + "data": "2022-07-10",
            p + "valore": "12",
            p + "versione": "0",
        }
        return client.post(f"/obiettivi/{ind.obiettivo_id}/monitoraggio/indicatori/{ind.pk}/", dati)

    assert misura(integrato).status_code == 302
    m = Misurazione.objects.get(indicatore=integrato)
    assert m.valore == 12 and m.inserita_da == r.utente_asst
    assert misura(altro).status_code == 403
    assert not Misurazione.objects.filter(indicatore=altro).exists()
    # The rest of the monitoring stays with the Ufficio di Piano.
    assert client.post(f"/obiettivi/{ob1.pk}/monitoraggio/stato/", {"stato": "attuato"}).status_code == 403


def test_the_ats_named_co_responsible_writes_the_objective_too(client, sanita, condiviso):
    r = sanita
    services.assegna_corresponsabilita(None, condiviso, ats=r.ats, compiti="Piano Programma Territoriale")
    ats = utente_con_ruolo("ats.prova2", "ats", ats=r.ats)
    client.force_login(ats)
    assert client.get(f"/obiettivi/{condiviso.pk}/modifica/").status_code == 200
    # An agency of another territory, even if named, does not: the plan is not of its territory.
    altra = utente_con_ruolo("ats.altra", "ats", ats=r.altra.ats)
    services.assegna_corresponsabilita(None, condiviso, ats=r.altra.ats)
    client.force_login(altra)
    assert client.get(f"/obiettivi/{condiviso.pk}/modifica/").status_code == 404
