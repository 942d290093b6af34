"""The bodies as they were: the Distretti of each period, enti capofila and office holders.

Data from territorio/data (ambiti_distretti.csv, capofila.csv, incarichi.csv), each period with
its source; every change checked on the day before, of and after it."""

import datetime

import pytest

from territorio import selectors, services
from territorio.models import Ambito, AmbitoDistretto, Capofila, TipoOrgano

NUOVI_DISTRETTI = datetime.date(2022, 7, 25)  # DGR XI/6762 of 25/7/2022
NUOVO_CAPOFILA = datetime.date(2025, 1, 1)
UN_GIORNO = datetime.timedelta(days=1)


@pytest.fixture
def organi(riferimenti):
    services.carica_comuni_istat(["BG"])
    services.carica_storia_comuni()
    services.carica_struttura()
    services.carica_organi()


def _distretto(ambito, giorno):
    d = selectors.distretto_di(Ambito.objects.get(pk=ambito), giorno)
    return d.pk if d else None


def _the_distretti_of_2021_and_of_2025_at_their_boundary(organi):
    assert _distretto("alto-sebino", datetime.date(2020, 12, 31)) is None  # nothing recorded before 2021
    assert _distretto("alto-sebino", datetime.date(2021, 1, 1)) == "ats-bergamo-2016-est"
    assert _distretto("alto-sebino", NUOVI_DISTRETTI - UN_GIORNO) == "ats-bergamo-2016-est"
    assert _distretto("alto-sebino", NUOVI_DISTRETTI) == "est-cavallina-sebino"
    assert _distretto("seriate", NUOVI_DISTRETTI + UN_GIORNO) == "est-seriate-grumello"
    # The plan of Alto Sebino: "i 7 Ambiti Territoriali" of the Distretto Bergamo Est.
    per_distretto = {
        d.pk: [a.pk for a in d.ambiti_attuali] for d in selectors.distretti_con_ambiti(NUOVI_DISTRETTI - UN_GIORNO)
    }
    assert len(per_distretto["ats-bergamo-2016-est"]) == 7
    assert sum(len(a) for a in per_distretto.values()) == 14
    assert not per_distretto["est-cavallina-sebino"]
    assert all(ad.fonte for ad in AmbitoDistretto.objects.all())


def _the_ente_capofila_and_its_legal_form_through_time(organi):
    def capofila(ambito, giorno):
        c = selectors.capofila_di(Ambito.objects.get(pk=ambito), giorno)
        return (c.ente.nome, c.ente.forma_giuridica) if c else None

    assert capofila("alto-sebino", datetime.date(2022, 6, 1)) == (
        "Comunità Montana dei Laghi Bergamaschi",
        "comunita_montana",
    )
    assert capofila("dalmine", NUOVO_CAPOFILA - UN_GIORNO) == ("Comune di Dalmine", "comune")
    assert capofila("dalmine", NUOVO_CAPOFILA) == (
        "Azienda Speciale Consortile Dalmine Sociale",
        "azienda_speciale_consortile",
    )
    assert capofila("seriate", NUOVO_CAPOFILA - UN_GIORNO) is None  # not stated by the sources


def _the_president_of_the_assemblea_of_alto_sebino_through_time(organi):
    def presidenti(giorno):
        (assemblea,) = selectors.organi_in_carica(
            Ambito.objects.get(pk="alto-sebino"), giorno, tipi=[TipoOrgano.ASSEMBLEA_AMBITO]
        )
        return [i.persona.nome for i in assemblea.incarichi if i.ruolo == "presidente"]

    assert presidenti(datetime.date(2021, 12, 14)) == []  # the plan of 15/12/2021 attests him
    assert presidenti(datetime.date(2021, 12, 15)) == ["Patrick Rinaldi"]
    assert presidenti(datetime.date(2024, 12, 1)) == ["Patrick Rinaldi"]
    assert presidenti(datetime.date(2024, 12, 2)) == ["Simona Figaroli"]


def _loading_the_structure_twice_changes_nothing(organi):
    prima = (AmbitoDistretto.objects.count(), Capofila.objects.count())
    services.carica_struttura()
    assert (AmbitoDistretto.objects.count(), Capofila.objects.count()) == prima == (28, 14)


def _the_page_of_an_ambito_in_2022(client, organi):
    pagina = client.get("/ambiti/alto-sebino/", {"data": "2022-06-01"}).content.decode()
    assert "Distretto Bergamo Est" in pagina
    assert "Comunità Montana dei Laghi Bergamaschi" in pagina
    assert "Patrick Rinaldi" in pagina
    assert "Non indicato" not in pagina


def test_the_bodies_as_they_were_at_the_boundaries_of_each_change(client, organi):
    """One setup of the data (a few seconds) for all the checks below."""
    _the_distretti_of_2021_and_of_2025_at_their_boundary(organi)
    _the_ente_capofila_and_its_legal_form_through_time(organi)
    _the_president_of_the_assemblea_of_alto_sebino_through_time(organi)
    _loading_the_structure_twice_changes_nothing(organi)
    _the_page_of_an_ambito_in_2022(client, organi)
