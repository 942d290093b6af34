"""ATS and ASST users: they read every plan of their territory (the Ambiti in their Distretti at
the plan's dates, drafts included), write the socio-health objectives they are co-responsible
for and measure those objectives' indicators; nothing else."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from monitoraggio.models import Misurazione
from programmazione import permessi, services
from programmazione.models import Corresponsabilita, IndicatoreObiettivo, Piano
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
    # An agency of another territory cannot be named; a row written past the service gives it
    # nothing either: the plan is not of its territory.
    altra = utente_con_ruolo("ats.altra", "ats", ats=r.altra.ats)
    with pytest.raises(ValidationError, match="non ha Distretti nel territorio"):
        services.assegna_corresponsabilita(None, condiviso, ats=r.altra.ats)
    Corresponsabilita.objects.create(obiettivo=condiviso, ats=r.altra.ats)
    client.force_login(altra)
    assert client.get(f"/obiettivi/{condiviso.pk}/modifica/").status_code == 404


# --- the Ufficio di Piano names the agencies: /obiettivi/<id>/corresponsabili/ ---------------


def _messaggi(risposta):
    return " ".join(str(m) for m in risposta.context["messages"])


def test_the_ufficio_di_piano_names_and_revokes_a_co_responsible_agency(client, sanita):
    """On the approved plan too (the responsibility outlives the approval), audited with its actor."""
    r = sanita
    ob = r.approvato.obiettivi.get(codice="OB01")
    ob.integrazione_sociosanitaria = True
    ob.save()
    up = utente_con_ruolo("up.lago", "ufficio_di_piano", ambito=r.lago)
    client.force_login(up)
    pagina = client.get(f"/obiettivi/{ob.pk}/").content.decode()
    assert "Aggiungi un ente corresponsabile" in pagina
    # Only the agencies of the plan's territory are offered.
    assert "ASST di Prova" in pagina and "ATS di Prova" in pagina and "ASST di Altra" not in pagina
    url = f"/obiettivi/{ob.pk}/corresponsabili/"
    dati = {"azione": "corresponsabile", "corresponsabile-ente": "asst:asst-prova", "corresponsabile-compiti": " PUA "}
    risposta = client.post(url, dati, follow=True)
    assert "ASST di Prova è ora corresponsabile dell'obiettivo OB01." in _messaggi(risposta)
    c = Corresponsabilita.objects.get(obiettivo=ob)
    assert (c.asst_id, c.ats_id, c.compiti) == ("asst-prova", None, "PUA")
    assert LogEntry.objects.get_for_object(c).get(action=LogEntry.Action.CREATE).actor == up
    # The same again: refused with the reason, nothing added.
    assert "già corresponsabile" in _messaggi(client.post(url, dati, follow=True))
    assert Corresponsabilita.objects.filter(obiettivo=ob).count() == 1
    # The agency now writes the objective; revoked, it no longer does.
    asst = utente_con_ruolo("asst.prova3", "asst", asst=r.asst)
    assert permessi.puo_modificare_obiettivo(asst, ob)
    risposta = client.post(url, {"azione": "revoca", "revoca-corresponsabile": c.pk}, follow=True)
    assert "ASST di Prova non è più corresponsabile" in _messaggi(risposta)
    assert not Corresponsabilita.objects.filter(obiettivo=ob).exists()
    assert LogEntry.objects.filter(object_pk=str(c.pk), action=LogEntry.Action.DELETE).get().actor == up
    asst = utente_con_ruolo("asst.prova4", "asst", asst=r.asst)
    assert not permessi.puo_modificare_obiettivo(asst, ob)


def test_bad_requests_for_co_responsibility_save_nothing(client, sanita):
    r = sanita
    ob, non_sanitario = r.approvato.obiettivi.order_by("codice")
    ob.integrazione_sociosanitaria = True
    ob.save()
    client.force_login(utente_con_ruolo("up.lago", "ufficio_di_piano", ambito=r.lago))
    url = f"/obiettivi/{ob.pk}/corresponsabili/"
    casi = [
        ({"azione": "nulla"}, "Operazione sconosciuta."),
        ({"azione": "corresponsabile", "corresponsabile-ente": ""}, "Ente sanitario corresponsabile:"),
        # An agency of another territory, not offered by the form: an invalid choice.
        ({"azione": "corresponsabile", "corresponsabile-ente": "asst:asst-altra"}, "Ente sanitario corresponsabile:"),
        ({"azione": "corresponsabile", "corresponsabile-ente": "asst:asst-prova" + "x" * 5000}, "Non è stato salvato"),
        ({"azione": "revoca", "revoca-corresponsabile": "999999"}, "Corresponsabile:"),
    ]
    for dati, messaggio in casi:
        risposta = client.post(url, dati, follow=True)
        assert risposta.status_code == 200, dati
        assert messaggio in _messaggi(risposta), dati
    assert not Corresponsabilita.objects.exists()
    # Not a socio-health objective: no form, and the service refuses.
    assert "Aggiungi un ente corresponsabile" not in client.get(f"/obiettivi/{non_sanitario.pk}/").content.decode()
    dati = {"azione": "corresponsabile", "corresponsabile-ente": "ats:ats-prova"}
    risposta = client.post(f"/obiettivi/{non_sanitario.pk}/corresponsabili/", dati, follow=True)
    assert "Solo un obiettivo di integrazione sociosanitaria" in _messaggi(risposta)
    assert not Corresponsabilita.objects.exists()


def test_who_may_not_name_co_responsible_agencies(client, sanita, condiviso):
    """The co-responsible ASST itself, an ATS, another Ambito's office, a Comune, the
    coordination: 403 and nothing changed; the form is not shown to them."""
    r = sanita
    c = condiviso.corresponsabili.get()
    url = f"/obiettivi/{condiviso.pk}/corresponsabili/"
    for user in (
        r.utente_asst,
        r.utente_ats,
        utente_con_ruolo("up.pianura", "ufficio_di_piano", ambito=r.pianura),
        utente_con_ruolo("comune.lago", "comune", comune=r.comuni["016901"]),
        utente_con_ruolo("coord", "coordinamento"),
    ):
        client.force_login(user)
        pagina = client.get(f"/obiettivi/{condiviso.pk}/")
        if pagina.status_code == 200:
            assert "Aggiungi un ente corresponsabile" not in pagina.content.decode(), user
        assert client.post(url, {"azione": "corresponsabile", "corresponsabile-ente": "ats:ats-prova"}).status_code in (
            403,
            404,
        ), user
        assert client.post(url, {"azione": "revoca", "revoca-corresponsabile": c.pk}).status_code in (403, 404), user
    client.logout()
    assert client.post(url, {"azione": "revoca", "revoca-corresponsabile": c.pk}).status_code in (302, 403, 404)
    assert list(condiviso.corresponsabili.all()) == [c]
