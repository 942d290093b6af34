"""The co-programming of a plan: notice, tables, meetings, outcomes traced to objectives, who
sees what (drafts, personal data), the export command, the Assemblea's acts."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from coprogrammazione import selectors, services
from coprogrammazione.models import Esito, Incontro, Organizzazione, Tavolo
from testsupport.fabbriche import utente_con_ruolo

G = datetime.date


@pytest.fixture
def lago(registro_minimo):
    """The approved Lago plan with a notice, two tables, meetings and outcomes; the draft plan
    with one table."""
    r = registro_minimo
    piano = r.approvato
    ob1, ob2 = piano.obiettivi.order_by("codice")
    coop = Organizzazione.objects.create(nome="Cooperativa del Lago", tipo="cooperativa", codice_fiscale="00743110157")
    odv = Organizzazione.objects.create(nome="Volontari del Monte", tipo="ets")
    comune = Organizzazione.objects.create(nome="Comune di Monte Alto", tipo="comune")
    avviso = services.crea_avviso(None, piano, "Avviso 2021", aree=["Domiciliarità", "Disabilità"])
    area1, area2 = avviso.aree.order_by("numero")
    services.registra_manifestazione(None, avviso, coop, aree=[area1], ricevuta_il=G(2021, 1, 10), accolta=True)
    services.registra_manifestazione(
        None, avviso, odv, ricevuta_il=G(2021, 2, 1), accolta=False, motivo="Pervenuta dopo la scadenza"
    )
    anziani = services.crea_tavolo(None, piano, "Tavolo anziani", area=area1, coordinatore=coop)
    services.aggiungi_componente(None, anziani, coop, nome="Maria Rossi", email="maria@example.org")
    services.aggiungi_componente(None, anziani, comune, nome="Luca Bianchi", email="luca@example.org")
    services.aggiungi_componente(None, anziani, nome="Anna Verdi", email="anna@example.org")
    primo = services.registra_incontro(
        None, anziani, G(2021, 2, 3), organizzazioni_presenti=[coop], persone_presenti=["Anna Verdi"], luogo="Borgo"
    )
    services.registra_incontro(None, anziani, G(2021, 2, 17), organizzazioni_presenti=[comune, coop])
    services.registra_esito(None, anziani, "bisogno", "Più assistenza domiciliare", obiettivi=[ob1], incontro=primo)
    services.registra_esito(None, anziani, "proposta", "Uno sportello unico", obiettivi=[ob1, ob2])
    disabili = services.crea_tavolo(None, piano, "Tavolo disabilità", area=area2)
    services.registra_incontro(None, disabili, G(2021, 3, 1), organizzazioni_presenti=[odv])
    services.registra_esito(None, disabili, "proposta", "Trasporto", obiettivi=[])
    segreto = services.crea_tavolo(None, r.bozza, "Tavolo riservato della bozza")
    services.registra_incontro(None, segreto, G(2024, 5, 5))
    r.piano, r.ob1, r.ob2, r.coop, r.odv, r.anziani, r.disabili, r.segreto = (
        piano,
        ob1,
        ob2,
        coop,
        odv,
        anziani,
        disabili,
        segreto,
    )
    r.udp = utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=r.lago)
    r.udp_altro = utente_con_ruolo("udp.pianura", "ufficio_di_piano", ambito=r.pianura)
    r.comune_utente = utente_con_ruolo("comune.monte", "comune", comune=r.comuni["016902"])
    r.coordinamento = utente_con_ruolo("coord", "coordinamento")
    return r


@pytest.mark.django_db
def test_riepilogo_e_export(lago):
    righe = {r.tavolo: r for r in selectors.righe_export(lago.piano)}
    anziani = righe["Tavolo anziani"]
    # Organisations: coop and Comune (members; coop also present); a person alone is no organisation.
    assert (anziani.incontri, anziani.partecipanti_enti, anziani.proposte) == (2, 2, 2)
    assert anziani.obiettivi_collegati == "OB01|OB02"
    disabili = righe["Tavolo disabilità"]
    assert (disabili.incontri, disabili.partecipanti_enti, disabili.proposte, disabili.obiettivi_collegati) == (
        1,
        1,
        1,
        "",
    )
    out = io.StringIO()
    call_command("export_coprogrammazione", ambito="Lago", triennio="2021-2023", stdout=out)
    assert out.getvalue().splitlines() == [
        "tavolo,incontri,partecipanti_enti,proposte,obiettivi_collegati",
        "Tavolo anziani,2,2,2,OB01|OB02",
        "Tavolo disabilità,1,1,1,",
    ]


@pytest.mark.django_db
def test_tracciabile_nei_due_sensi(lago, client):
    provenienze = selectors.provenienza_obiettivo(lago.ob2)
    assert [(p.tavolo.titolo, p.esito.testo) for p in provenienze] == [("Tavolo anziani", "Uno sportello unico")]
    # An outcome without its meeting points at the table's meetings.
    assert [i.data for i in provenienze[0].incontri] == [G(2021, 2, 3), G(2021, 2, 17)]
    pagina = client.get(f"/obiettivi/{lago.ob1.pk}/coprogrammazione/").content.decode()
    assert "Più assistenza domiciliare" in pagina and "03/02/2021" in pagina
    tavolo = client.get(f"/tavoli/{lago.anziani.pk}/").content.decode()
    assert "OB02 Sportello per la disabilità" in tavolo
    # The objective's page links to where it came from.
    assert f"/obiettivi/{lago.ob1.pk}/coprogrammazione/" in client.get(f"/obiettivi/{lago.ob1.pk}/").content.decode()


@pytest.mark.django_db
def test_dati_personali_solo_ufficio_di_piano_e_coordinamento(lago, client):
    url = f"/tavoli/{lago.anziani.pk}/"
    for utente, vede in [
        (None, False),
        (lago.comune_utente, False),
        (lago.udp_altro, False),
        (lago.udp, True),
        (lago.coordinamento, True),
    ]:
        client.logout()
        if utente:
            client.force_login(utente)
        pagina = client.get(url).content.decode()
        assert "Cooperativa del Lago" in pagina
        for dato in ("Maria Rossi", "maria@example.org", "Anna Verdi", "anna@example.org"):
            assert (dato in pagina) == vede, (utente, dato)


@pytest.mark.django_db
def test_bozza_nascosta(lago, client):
    for url in (f"/tavoli/{lago.segreto.pk}/", f"/piani/{lago.bozza.pk}/coprogrammazione/"):
        assert client.get(url).status_code == 404
        client.force_login(lago.udp_altro)
        assert client.get(url).status_code == 404
        client.force_login(lago.comune_utente)  # a Comune of the Ambito sees its drafts
        assert client.get(url).status_code == 200
        client.logout()
    calendario = client.get("/coprogrammazione/calendario/").content.decode()
    assert "Tavolo anziani" in calendario and "Tavolo riservato" not in calendario
    assert Incontro.objects.visibili_a(lago.udp_altro).filter(tavolo=lago.segreto).count() == 0
    assert Tavolo.objects.visibili_a(lago.udp).filter(pk=lago.segreto.pk).exists()


@pytest.mark.django_db
def test_regole_dei_servizi(lago):
    with pytest.raises(PermissionDenied):
        services.crea_tavolo(lago.udp_altro, lago.piano, "Intruso")
    with pytest.raises(PermissionDenied):
        services.registra_esito(lago.comune_utente, lago.anziani, "bisogno", "x")
    altro = lago.bozza.obiettivi.get()
    with pytest.raises(ValidationError, match="altro piano"):
        services.registra_esito(lago.udp, lago.anziani, "bisogno", "x", obiettivi=[altro])
    with pytest.raises(ValidationError, match="già un tavolo"):
        services.crea_tavolo(lago.udp, lago.piano, "Tavolo anziani")
    with pytest.raises(ValidationError):
        services.registra_manifestazione(
            lago.udp,
            lago.piano.avvisi.get(),
            Organizzazione.objects.create(nome="Senza motivo", tipo="ets"),
            accolta=False,
        )
    assert Esito.objects.filter(testo="x").count() == 0


@pytest.mark.django_db
def test_pagina_del_tavolo_scrive(lago, client):
    url = f"/tavoli/{lago.anziani.pk}/"
    dati = {
        "azione": "esito",
        "esito-tipo": "proposta",
        "esito-testo": "Un centro diurno",
        "esito-obiettivi": [lago.ob2.pk],
    }
    client.force_login(lago.comune_utente)
    assert client.post(url, dati).status_code == 403
    client.force_login(lago.udp)
    assert client.post(url, dati).status_code == 302
    esito = Esito.objects.get(testo="Un centro diurno")
    assert list(esito.obiettivi.all()) == [lago.ob2]
    # Bad input: a clear message, nothing saved.
    r = client.post(url, {"azione": "incontro", "incontro-data": "31/02/2021"}, follow=True)
    assert "Non è stato salvato nulla" in r.content.decode()
    assert lago.anziani.incontri.count() == 2
    r = client.post(url, {"azione": "boh"}, follow=True)
    assert "Operazione sconosciuta" in r.content.decode()


@pytest.mark.django_db
def test_pagina_del_piano_e_dell_organizzazione(lago, client):
    pagina = client.get(f"/piani/{lago.piano.pk}/coprogrammazione/").content.decode()
    assert "Avviso 2021" in pagina and "Pervenuta dopo la scadenza" in pagina and "Tavolo disabilità" in pagina
    org = client.get(f"/organizzazioni/{lago.coop.pk}/").content.decode()
    assert "Tavolo anziani" in org and "OB02" in org
    assert "Tavolo riservato" not in org


@pytest.mark.django_db
def test_seduta_assemblea(lago, client):
    s = services.registra_seduta(
        lago.udp,
        lago.lago,
        G(2021, 3, 15),
        comuni_presenti=[lago.comuni["016901"], lago.comuni["016902"]],
        comuni_assenti=[lago.comuni["016903"]],
        delibere=[
            {"numero": "3/2021", "data": G(2021, 3, 15), "oggetto": "Approvazione del Piano", "piano": lago.piano}
        ],
    )
    assert s.delibere.get().piano == lago.piano
    with pytest.raises(PermissionDenied):
        services.registra_seduta(lago.udp_altro, lago.lago, G(2021, 4, 1))
    with pytest.raises(ValidationError, match="già una seduta"):
        services.registra_seduta(lago.udp, lago.lago, G(2021, 3, 15))
    pagina = client.get("/ambiti/lago/assemblea/").content.decode()
    assert "3/2021" in pagina and "Sant&#x27;Andrea" in pagina
    assert client.get(f"/piani/{lago.piano.pk}/coprogrammazione/").content.decode().count("Delibera 3/2021 del") == 1


@pytest.mark.django_db
def test_api(lago, client):
    tavoli = client.get(f"/api/piani/{lago.piano.pk}/tavoli").json()
    assert [(t["tavolo"], t["incontri"], t["partecipanti_enti"], t["obiettivi_collegati"]) for t in tavoli] == [
        ("Tavolo anziani", 2, 2, ["OB01", "OB02"]),
        ("Tavolo disabilità", 1, 1, []),
    ]
    assert client.get(f"/api/piani/{lago.bozza.pk}/tavoli").status_code == 404
    nomi = [o["nome"] for o in client.get("/api/organizzazioni").json()]
    assert "Cooperativa del Lago" in nomi
    assert "Maria Rossi" not in client.get("/api/organizzazioni").content.decode()


@pytest.mark.django_db
def test_moduli_del_piano_e_dell_assemblea(lago, client):
    url = f"/piani/{lago.piano.pk}/coprogrammazione/"
    client.force_login(lago.udp_altro)
    assert client.post(url, {"azione": "tavolo", "tavolo-titolo": "Intruso"}).status_code == 403
    client.force_login(lago.udp)
    client.post(url, {"azione": "avviso", "avviso-titolo": "Avviso 2022", "avviso-aree": "Casa\nLavoro\n"})
    avviso = lago.piano.avvisi.get(titolo="Avviso 2022")
    assert [a.titolo for a in avviso.aree.order_by("numero")] == ["Casa", "Lavoro"]
    casa = avviso.aree.get(numero=1)
    client.post(url, {"azione": "tavolo", "tavolo-titolo": "Tavolo casa", "tavolo-area": casa.pk})
    assert Tavolo.objects.get(titolo="Tavolo casa").area == casa
    r = client.post(
        url,
        {
            "azione": "manifestazione",
            "manifestazione-avviso": avviso.pk,
            "manifestazione-organizzazione": lago.odv.pk,
            "manifestazione-accolta": "no",
        },
        follow=True,
    )
    assert "Non è stato salvato nulla" in r.content.decode()  # refused without a reason
    tavolo = Tavolo.objects.get(titolo="Tavolo casa")
    client.post(
        f"/tavoli/{tavolo.pk}/",
        {"azione": "componente", "componente-organizzazione": lago.coop.pk, "componente-email": "coop@example.org"},
    )
    assert tavolo.componenti.get().email == "coop@example.org"
    r = client.post(
        "/ambiti/lago/assemblea/",
        {
            "seduta-data": "2021-12-01",
            "seduta-presenti": ["016901"],
            "seduta-numero": "9",
            "seduta-oggetto": "Approvazione",
            "seduta-piano": lago.piano.pk,
        },
        follow=True,
    )
    assert "Seduta registrata" in r.content.decode()
    seduta = lago.lago.sedute.get()
    assert sorted((p.comune_id, p.presente) for p in seduta.presenze.all()) == [
        ("016901", True),
        ("016902", False),
        ("016903", False),
    ]
    client.force_login(lago.udp_altro)
    assert client.post("/ambiti/lago/assemblea/", {"seduta-data": "2021-12-02"}).status_code == 403
