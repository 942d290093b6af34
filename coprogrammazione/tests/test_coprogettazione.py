"""Co-progettazione of an objective: partners with budget shares that add up exactly before an
agreement is recorded, the fund ledger entries that pay it (only of the plan's Ambito, shown to
those who read that ledger), its monitoring, one page per objective."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coprogrammazione import services
from coprogrammazione.models import Coprogettazione, Organizzazione
from fondi.models import Esercizio, Fondo, Movimento
from testsupport.fabbriche import utente_con_ruolo

pytestmark = pytest.mark.django_db
G = datetime.date


@pytest.fixture
def cop(registro_minimo):
    r = registro_minimo
    r.ob = r.approvato.obiettivi.get(codice="OB01")
    r.coop = Organizzazione.objects.create(nome="Cooperativa del Lago", tipo="cooperativa")
    r.odv = Organizzazione.objects.create(nome="Volontari del Monte", tipo="ets")
    r.aps = Organizzazione.objects.create(nome="Circolo del Borgo", tipo="ets")
    r.c = services.crea_coprogettazione(
        None,
        r.ob,
        "Domiciliarità leggera",
        Decimal("10000.00"),
        avviso="Avviso 3/2022",
        avviso_pubblicato_il=G(2022, 1, 10),
    )
    r.udp = utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=r.lago)
    fondo, _ = Fondo.objects.get_or_create(
        codice="fsr", defaults={"nome": "Fondo sociale regionale", "fonte": "regione"}
    )
    r.mov = Movimento.objects.create(
        esercizio=Esercizio.objects.create(ambito=r.lago, fondo=fondo, anno=2022),
        tipo="impegno",
        numero="Det. 12/2022",
        data=G(2022, 3, 1),
        importo=Decimal("10000.00"),
        obiettivo=r.ob,
    )
    r.mov_pianura = Movimento.objects.create(
        esercizio=Esercizio.objects.create(ambito=r.pianura, fondo=fondo, anno=2022),
        tipo="impegno",
        numero="Det. 99/2022",
        data=G(2022, 3, 1),
        importo=Decimal("500.00"),
    )
    return r


def test_shares_must_add_up_exactly_before_the_agreement(cop):
    r = cop
    services.aggiungi_partner(None, r.c, r.coop, Decimal("6000.00"), capofila=True)
    with pytest.raises(ValidationError, match="restano da assegnare 4.000,00 €"):
        services.aggiungi_partner(None, r.c, r.odv, Decimal("4000.01"))
    services.aggiungi_partner(None, r.c, r.odv, Decimal("3999.99"))
    with pytest.raises(ValidationError, match="fanno 9.999,99 €, il budget è 10.000,00 €: mancano 0,01 €"):
        services.registra_accordo(None, r.c, "convenzione", G(2022, 4, 1))
    assert Coprogettazione.objects.get().firmato_il is None
    services.aggiungi_partner(None, r.c, r.aps, Decimal("0.01"))
    services.registra_accordo(None, r.c, "convenzione", G(2022, 4, 1), "Conv. 5/2022", G(2022, 4, 1), G(2023, 12, 31))
    r.c.refresh_from_db()
    assert (r.c.strumento, r.c.firmato_il, r.c.al) == ("convenzione", G(2022, 4, 1), G(2023, 12, 31))
    # Signed: partners and shares no longer change, and the agreement is recorded once.
    with pytest.raises(ValidationError, match="già sottoscritto"):
        services.aggiungi_partner(None, r.c, Organizzazione.objects.create(nome="Altro", tipo="ets"), Decimal(0))
    with pytest.raises(ValidationError, match="già registrato"):
        services.registra_accordo(None, r.c, "accordo", G(2022, 5, 1))


def test_equal_parts_add_up_to_the_cent(cop):
    r = cop
    r.c.budget = Decimal("100.00")
    r.c.save()
    for org in (r.coop, r.odv, r.aps):
        services.aggiungi_partner(None, r.c, org, Decimal(0))
    parti = sorted(p.quota for p in services.ripartisci_in_parti_uguali(None, r.c))
    assert parti == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    services.registra_accordo(None, r.c, "accordo", G(2022, 4, 1))


def test_ledger_entries_of_the_plan_s_ambito_only(cop):
    r = cop
    services.collega_movimento(None, r.c, r.mov)
    with pytest.raises(ValidationError, match="un altro Ambito"):
        services.collega_movimento(None, r.c, r.mov_pianura)
    assert list(r.c.movimenti.all()) == [r.mov]


def test_the_page_shows_the_procedure_and_hides_the_ledger_from_the_public(client, cop):
    r = cop
    services.aggiungi_partner(None, r.c, r.coop, Decimal("10000.00"), capofila=True, selezionato_il=G(2022, 2, 1))
    services.registra_accordo(None, r.c, "convenzione", G(2022, 4, 1), "Conv. 5/2022")
    services.collega_movimento(None, r.c, r.mov)
    services.registra_monitoraggio_coprogettazione(
        None, r.c, G(2022, 12, 31), "in_corso", Decimal("4500.00"), "Avviata"
    )
    testo = client.get(f"/obiettivi/{r.ob.pk}/coprogettazione/").content.decode()
    assert "Cooperativa del Lago</a> (capofila)" in testo and "10.000,00 €" in testo
    assert "Convenzione (art. 56 CTS) (Conv. 5/2022), sottoscritto il 01/04/2022" in testo
    assert "In corso, spesi 4.500,00 €" in testo
    assert "Det. 12/2022" not in testo and "li vede chi legge il registro" in testo
    client.force_login(r.udp)
    testo = client.get(f"/obiettivi/{r.ob.pk}/coprogettazione/").content.decode()
    assert "Impegno Det. 12/2022 del 01/03/2022" in testo
    assert "Registra l&#x27;accordo" in testo


def test_the_ufficio_di_piano_records_it_through_the_page(client, cop):
    r = cop
    client.force_login(r.udp)
    url = f"/obiettivi/{r.ob.pk}/coprogettazione/"
    client.post(
        url,
        {
            "azione": "partner",
            "partner-coprogettazione": r.c.pk,
            "partner-organizzazione": r.coop.pk,
            "partner-quota": "7000",
        },
    )
    risposta = client.post(
        url,
        {
            "azione": "accordo",
            "accordo-coprogettazione": r.c.pk,
            "accordo-strumento": "accordo",
            "accordo-firmato_il": "2022-04-01",
        },
        follow=True,
    )
    assert "mancano 3.000,00 €" in risposta.content.decode()
    assert Coprogettazione.objects.get().firmato_il is None
    client.post(
        url,
        {
            "azione": "partner",
            "partner-coprogettazione": r.c.pk,
            "partner-organizzazione": r.odv.pk,
            "partner-quota": "3000",
        },
    )
    client.post(
        url,
        {
            "azione": "accordo",
            "accordo-coprogettazione": r.c.pk,
            "accordo-strumento": "accordo",
            "accordo-firmato_il": "2022-04-01",
        },
    )
    assert Coprogettazione.objects.get().firmato_il == G(2022, 4, 1)


def test_only_the_ufficio_di_piano_writes_it(client, cop):
    r = cop
    altro = utente_con_ruolo("udp.pianura", "ufficio_di_piano", ambito=r.pianura)
    client.force_login(altro)
    dati = {"azione": "coprogettazione", "coprogettazione-titolo": "x", "coprogettazione-budget": "1"}
    assert client.post(f"/obiettivi/{r.ob.pk}/coprogettazione/", dati).status_code == 403
    with pytest.raises(PermissionDenied):
        services.aggiungi_partner(altro, r.c, r.coop, Decimal(1))
    assert Coprogettazione.objects.count() == 1
    # A draft plan's co-design does not exist for the public.
    bozza = r.bozza.obiettivi.get()
    client.logout()
    assert client.get(f"/obiettivi/{bozza.pk}/coprogettazione/").status_code == 404
