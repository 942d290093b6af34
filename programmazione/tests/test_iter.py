"""The life of a plan (draft -> approved -> agreement -> in force -> closed) and concurrent edits."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from programmazione import services
from programmazione.models import Obiettivo, Piano, StatoPiano
from territorio.models import Ambito
from testsupport.fabbriche import utente

pytestmark = pytest.mark.django_db
G = datetime.date


def test_the_lifecycle_in_order_with_its_dates(bozza):
    udp = utente("udp.altosebino")
    with pytest.raises(ValidationError, match="delibera di approvazione"):
        services.avanza_stato(udp, bozza, G(2024, 12, 15))
    services.avanza_stato(udp, bozza, G(2024, 12, 15), "Delibera n. 12 del 15/12/2024", versione_letta=bozza.versione)
    assert bozza.stato == StatoPiano.APPROVATO and bozza.approvato_il == G(2024, 12, 15)
    with pytest.raises(ValidationError, match="non può precedere quella del passaggio precedente \\(15/12/2024\\)"):
        services.avanza_stato(udp, bozza, G(2024, 12, 1))
    services.avanza_stato(udp, bozza, G(2024, 12, 20), versione_letta=bozza.versione)
    assert bozza.stato == StatoPiano.ACCORDO and bozza.accordo.firmato_il == G(2024, 12, 20)
    services.avanza_stato(udp, bozza, G(2025, 1, 1), versione_letta=bozza.versione)
    services.avanza_stato(udp, bozza, G(2026, 12, 31), versione_letta=bozza.versione)
    assert bozza.stato == StatoPiano.CHIUSO
    with pytest.raises(ValidationError, match="Il piano è chiuso"):
        services.avanza_stato(udp, bozza, G(2027, 1, 1))
    with pytest.raises(ValidationError, match="non si può più rivedere"):
        services.apri_revisione(udp, bozza, "troppo tardi")


def test_a_plan_without_objectives_cannot_be_approved(demo_db):
    udp = utente("udp.dalmine")
    piano = services.crea_piano(udp, Ambito.objects.get(pk="dalmine"), 2027)
    with pytest.raises(ValidationError, match="Un piano senza obiettivi non può essere approvato."):
        services.avanza_stato(udp, piano, G(2027, 3, 1), "Delibera 1")


def test_one_plan_per_ambito_and_triennio(bozza):
    with pytest.raises(ValidationError, match="ha già un piano per il triennio 2024-2026"):
        services.crea_piano(utente("udp.altosebino"), bozza.ambito, 2024)
    assert Piano.objects.filter(ambito=bozza.ambito, anno_inizio=2024).count() == 1


def test_the_second_of_two_concurrent_saves_is_refused_and_says_what_changed(client, bozza):
    """Two people open the same objective; the first saves; the second is refused."""
    ob = bozza.obiettivi.get()
    client.force_login(utente("udp.altosebino"))
    pagina = client.get(f"/obiettivi/{ob.pk}/modifica/")
    versione = pagina.context["form"]["versione"].value()

    dati = {
        "titolo": "Sportello unico per la disabilità e la non autosufficienza",
        "area_policy": "J",
        "versione": versione,
    }
    primo = client.post(f"/obiettivi/{ob.pk}/modifica/", dati)
    assert primo.status_code == 302

    dati_secondo = {**dati, "titolo": "Sportello disabilità (versione di un collega)"}
    secondo = client.post(f"/obiettivi/{ob.pk}/modifica/", dati_secondo)
    assert secondo.status_code == 200
    testo = secondo.content.decode()
    assert "Qualcuno ha salvato questa scheda dopo che l&#x27;avete aperta" in testo
    assert "Ultima modifica di udp.altosebino" in testo
    assert (
        "titolo obiettivo: «Sportello unico per la disabilità» → «Sportello unico per la disabilità e la non "
        "autosufficienza»" in testo
    )
    ob.refresh_from_db()
    assert ob.titolo == "Sportello unico per la disabilità e la non autosufficienza"


def test_form_rules_of_tabella_3(client, bozza):
    client.force_login(utente("udp.altosebino"))
    risposta = client.post(
        f"/piani/{bozza.pk}/obiettivi/nuovo/",
        {"titolo": "Co-progettato senza partner", "area_policy": "A", "coprogettato": "on", "aree_trasversali": ["A"]},
    )
    testo = risposta.content.decode()
    assert "Indicare con quali attori della rete è co-progettato." in testo
    assert "L&#x27;area principale non va ripetuta tra le aree trasversali." in testo
    assert not Obiettivo.objects.filter(titolo="Co-progettato senza partner").exists()


def test_every_change_is_in_the_audit_trail_with_its_author(client, bozza):
    from auditlog.models import LogEntry

    ob = bozza.obiettivi.get()
    client.force_login(utente("udp.altosebino"))
    client.post(
        f"/obiettivi/{ob.pk}/risorse/", {"risorsa-anno": 2024, "risorsa-fondo": "fnps", "risorsa-importo": "500"}
    )
    voce = LogEntry.objects.filter(content_type__model="risorsa").latest("timestamp")
    assert voce.actor.username == "udp.altosebino"
    assert voce.changes_dict["importo"][1] == "500"


def test_signatories_of_the_accordo_are_added_and_counted(client, approvato):
    client.force_login(utente("udp.altosebino"))
    url = f"/piani/{approvato.pk}/sottoscrittori/"
    risposta = client.post(
        url,
        {"s-tipo": "terzo_settore", "s-nome": "Cooperativa sociale Il Sebino", "s-aderito_il": "2022-03-01"},
        follow=True,
    )
    assert "Cooperativa sociale Il Sebino aggiunto ai sottoscrittori" in risposta.content.decode()
    assert '<strong data-testid="aderenti">13</strong>' in risposta.content.decode()
    again = client.post(url, {"s-tipo": "terzo_settore", "s-nome": "Cooperativa sociale Il Sebino"}, follow=True)
    assert "è già tra i sottoscrittori" in again.content.decode()
    senza_comune = client.post(url, {"s-tipo": "comune"}, follow=True)
    assert "Scegliere il Comune dall&#x27;anagrafe." in senza_comune.content.decode()
    assert approvato.accordo.sottoscrittori.count() == 13
    client.force_login(utente("udp.dalmine"))
    assert client.post(url, {"s-tipo": "altro", "s-nome": "Intruso"}).status_code == 403


def test_adherents_of_the_accordo_with_adhesion_and_withdrawal(client, approvato):
    client.force_login(utente("udp.altosebino"))
    url = f"/piani/{approvato.pk}/sottoscrittori/"
    dati = {"s-tipo": "terzo_settore", "s-nome": "ODV del Sebino", "s-modalita": "adesione"}
    sbagliato = client.post(url, {**dati, "s-aderito_il": "2022-03-01", "s-ritirato_il": "2022-02-01"}, follow=True)
    assert "Il recesso non può precedere" in sbagliato.content.decode()
    assert not approvato.accordo.sottoscrittori.filter(nome="ODV del Sebino").exists()
    pagina = client.post(url, {**dati, "s-aderito_il": "2022-03-01", "s-ritirato_il": "2023-06-30"}, follow=True)
    s = approvato.accordo.sottoscrittori.get(nome="ODV del Sebino")
    assert (s.modalita, str(s.aderito_il), str(s.ritirato_il)) == ("adesione", "2022-03-01", "2023-06-30")
    assert "<td>Aderente</td><td>01/03/2022</td><td>30/06/2023</td>" in pagina.content.decode()
    # The signatories loaded by the demo signed (the default).
    assert approvato.accordo.sottoscrittori.filter(modalita="firma").count() == 12
