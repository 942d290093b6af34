"""The regional reward for objectives shared by several Ambiti: who qualifies, and how much."""

from decimal import Decimal

import pytest

from programmazione.models import ObiettivoSovrazonale
from programmazione.selectors import premialita

pytestmark = pytest.mark.django_db


def _ob(titolo, ambiti, asst=True, ats=True, area="D", anno=2021):
    ob = ObiettivoSovrazonale.objects.create(
        titolo=titolo,
        anno_inizio=anno,
        anno_fine=anno + 2,
        area_policy_id=area,
        asst_coinvolta=asst,
        coordinamento_ats=ats,
    )
    ob.ambiti.set(ambiti)
    return ob


def test_who_qualifies_and_the_amounts(demo_db, client):
    # Same Distretto in 2021 (Bergamo Est, the map of the Alto Sebino plan): three shared objectives.
    _ob("Dimissioni protette", ["alto-sebino", "val-cavallina"])
    _ob("Budget di salute", ["alto-sebino", "val-cavallina"], area="J")
    _ob("Agenzia per l'abitare", ["alto-sebino", "basso-sebino"], area="B")
    # Dalmine and Isola: the Distretto Bergamo Ovest of 2021.
    _ob("Capitolo comune di integrazione sociosanitaria", ["dalmine", "isola-bergamasca"])
    # Refused: different Distretti (Bergamo Est and Bergamo Ovest), no ASST, a single Ambito.
    _ob("Trasporto sociale", ["alto-sebino", "dalmine"])
    _ob("Senza ASST", ["val-cavallina", "basso-sebino"], asst=False)
    _ob("Da solo", ["treviglio"], ats=False)

    esiti, premi = premialita(2021)
    motivi = {e.obiettivo.titolo: e.motivi for e in esiti}
    assert motivi["Trasporto sociale"] == ["gli Ambiti appartengono a Distretti diversi"]
    assert motivi["Senza ASST"] == ["l'ASST di riferimento non è coinvolta"]
    assert motivi["Da solo"] == ["coinvolge meno di due Ambiti", "manca il coordinamento dell'ATS"]
    assert motivi["Capitolo comune di integrazione sociosanitaria"] == []

    per_ambito = {p.ambito.pk: p for p in premi}
    # Alto Sebino: 3 valid objectives = 2 x 20.000 + a single 50.000.
    assert per_ambito["alto-sebino"].importo == Decimal("90000.00")
    assert (per_ambito["alto-sebino"].acconto, per_ambito["alto-sebino"].saldo) == (
        Decimal("18000.00"),
        Decimal("72000.00"),
    )
    # Val Cavallina: exactly 2 = 40.000 (8.000 advance, 32.000 balance).
    assert (per_ambito["val-cavallina"].importo, per_ambito["val-cavallina"].acconto) == (
        Decimal("40000.00"),
        Decimal("8000.00"),
    )
    # Basso Sebino and Dalmine: one valid objective, below the minimum of two.
    assert per_ambito["basso-sebino"].importo == 0
    assert per_ambito["dalmine"].nota == "servono almeno 2 obiettivi sovrazonali validi"
    assert "seriate" not in per_ambito and per_ambito["dalmine"].importo == 0

    pagina = client.get("/sovrazonali/?triennio=2021").content.decode()
    assert "90.000,00" in pagina and "Non valido: gli Ambiti appartengono a Distretti diversi" in pagina


def test_the_ambiti_of_asst_bergamo_est_share_a_distretto_in_2021_not_in_2025(demo_db):
    # The case: Alto Sebino and Seriate were both in the Distretto Bergamo Est of the
    # 2021-2023 plans; since DGR 6762/2022 (25/7/2022) they are in two Distretti.
    _ob("Salute mentale", ["alto-sebino", "seriate"])
    _ob("Salute mentale", ["alto-sebino", "seriate"], anno=2025)
    motivi = {ob.obiettivo.anno_inizio: ob.motivi for ob in premialita(2021)[0] + premialita(2025)[0]}
    assert motivi == {2021: [], 2025: ["gli Ambiti appartengono a Distretti diversi"]}
    # In 2025 an Ambito that coincides with its Distretto is exempt (Dalmine, Media Pianura).
    _ob("Capitolo comune", ["dalmine", "isola-bergamasca"], anno=2025)
    assert [e.motivi for e in premialita(2025)[0] if e.obiettivo.titolo == "Capitolo comune"] == [[]]
    # Before 2021 the registry records no Distretto: the check says so instead of passing.
    _ob("Prima del 2021", ["alto-sebino", "seriate"], anno=2018)
    ((esito,), _) = premialita(2018)
    assert esito.motivi == ["Distretto non registrato al 01/01/2018 per: Alto Sebino, Seriate"]


def test_only_the_coordination_records_shared_objectives(client, demo_db):
    from testsupport.fabbriche import utente

    dati = {
        "titolo": "Dimissioni protette",
        "anno_inizio": 2025,
        "anno_fine": 2027,
        "area_policy": "E",
        "ambiti": ["alto-sebino", "val-cavallina"],
        "asst_coinvolta": "on",
        "coordinamento_ats": "on",
    }
    client.force_login(utente("udp.altosebino"))
    assert client.post("/sovrazonali/", dati).status_code == 403
    client.force_login(utente("coordinamento"))
    errato = client.post("/sovrazonali/", {**dati, "anno_fine": 2030})
    assert "Il triennio dura tre anni" in errato.content.decode()
    assert not ObiettivoSovrazonale.objects.exists()
    assert client.post("/sovrazonali/", dati).status_code == 302
    assert list(ObiettivoSovrazonale.objects.get().ambiti.values_list("pk", flat=True)) == [
        "alto-sebino",
        "val-cavallina",
    ]
