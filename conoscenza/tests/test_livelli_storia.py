"""One rule for every level, and today's Comuni read in the years before a merger.

A figure of a territory (Ambito, Distretto, ASST, ATS, province, Italy) is the aggregate of the
Comuni that belong to it on the reference date, whatever path links them; a Comune born by a
merger reads, for the years before it, the sum of its predecessors (the ISTAT history)."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conoscenza.models import Livello
from conoscenza.selectors import calcola, calcola_livelli, calcola_territorio
from territorio.models import Ambito, AmbitoDistretto, AppartenenzaComune, Comune, Distretto, VariazioneComune
from territorio.selectors import comuni_del_territorio
from testsupport import fabbriche

FUSIONE = datetime.date(2014, 2, 4)
INDICATORI = ["popolazione", "indice_vecchiaia"]


def _fusione(dati=True):
    alfa = fabbriche.comune("016911", "Alfa", soppresso_il=FUSIONE)
    beta = fabbriche.comune("016912", "Beta", soppresso_il=FUSIONE)
    nuovo = fabbriche.comune("016913", "Alfa Beta", istituito_il=FUSIONE)
    for p in (alfa, beta):
        VariazioneComune.objects.create(
            data=FUSIONE, tipo="fusione", precedente=p, successivo=nuovo, nome_precedente=p.nome, atto="L.R. di prova"
        )
    if not dati:
        return
    fabbriche.osservazioni(
        fabbriche.popolazione("016911", 2013, 100, 500, 200)
        + fabbriche.popolazione("016912", 2013, 50, 200, 100)
        + fabbriche.popolazione("016913", 2015, 140, 690, 310)
    )


def test_a_merged_comune_reads_the_sum_of_its_predecessors_before_the_merger(riferimenti):
    _fusione()
    valori = calcola(Livello.COMUNE, indicatori=INDICATORI)
    assert valori[("016913", 2013, "popolazione")] == 1150  # 800 + 350
    assert valori[("016913", 2013, "indice_vecchiaia")] == Decimal(200)  # 300 over 65 / 150 under 15
    assert valori[("016913", 2015, "popolazione")] == 1140  # its own data after the merger
    assert valori[("016911", 2013, "popolazione")] == 800  # the predecessors keep theirs
    # Asked alone, too; and Italy counts every Comune once.
    assert calcola(Livello.COMUNE, indicatori=["popolazione"], territori=["016913"]) == {
        ("016913", 2013, "popolazione"): 1150,
        ("016913", 2015, "popolazione"): 1140,
    }
    assert calcola(Livello.ITALIA, indicatori=["popolazione"])[("IT", 2013, "popolazione")] == 1150
    # The province in 2013 counts the two predecessors, in 2015 the new Comune.
    assert calcola_territorio("provincia", "BG", 2013, ["popolazione"]).comuni == ["016911", "016912"]
    figura = calcola_territorio("provincia", "BG", 2015, ["popolazione"])
    assert (figura.comuni, figura.valori) == (["016913"], {"popolazione": 1140})


def test_a_chain_of_mergers_adds_up(riferimenti):
    # Alfa + Beta -> Alfa Beta (2014), then Alfa Beta + Gamma -> Grande (2016): Grande before
    # 2014 is the sum of all three, in 2015 of Alfa Beta and Gamma.
    _fusione(dati=False)
    gamma = fabbriche.comune("016914", "Gamma", soppresso_il=datetime.date(2016, 1, 1))
    grande = fabbriche.comune("016915", "Grande", istituito_il=datetime.date(2016, 1, 1))
    for p in (Comune.objects.get(pk="016913"), gamma):
        VariazioneComune.objects.create(
            data=datetime.date(2016, 1, 1), tipo="fusione", precedente=p, successivo=grande, atto="L.R. di prova"
        )
    fabbriche.osservazioni(
        fabbriche.popolazione("016911", 2013, 10, 50, 40)
        + fabbriche.popolazione("016912", 2013, 5, 20, 25)
        + fabbriche.popolazione("016914", 2013, 3, 20, 7)
        + fabbriche.popolazione("016913", 2015, 20, 120, 60)
        + fabbriche.popolazione("016914", 2015, 4, 20, 6)
    )
    valori = calcola(Livello.COMUNE, indicatori=["popolazione"])
    assert valori[("016913", 2013, "popolazione")] == 150
    assert valori[("016915", 2013, "popolazione")] == 180
    assert valori[("016915", 2015, "popolazione")] == 230
    assert ("016913", 2015, "popolazione") in valori and ("016911", 2015, "popolazione") not in valori


def test_a_file_of_2013_with_the_suppressed_codes_loads_and_reads_in_todays_territory(riferimenti):
    from conoscenza.services import importa_dati

    _fusione(dati=False)
    testata = "livello,codice_territorio,anno,misura,eta_da,eta_a,sesso,categoria,valore\n"
    righe = "comune,016911,2013,popolazione_residente,,,,,800\ncomune,016912,2013,popolazione_residente,,,,,350\n"
    importa_dati((testata + righe).encode(), "popolazione-2013.csv")
    assert calcola(Livello.COMUNE, indicatori=["popolazione"], territori=["016913"]) == {
        ("016913", 2013, "popolazione"): 1150
    }


def test_the_territory_of_a_level_at_the_boundaries_of_a_membership(riferimenti):
    catena = fabbriche.catena_sanitaria()
    lago = fabbriche.ambito("lago", "Lago", catena.distretto)
    fabbriche.comune("016921", "Uno", lago, al=datetime.date(2022, 12, 31))
    for giorno, attesi in (
        (datetime.date(2020, 12, 31), []),
        (datetime.date(2021, 1, 1), ["016921"]),
        (datetime.date(2022, 12, 31), ["016921"]),
        (datetime.date(2023, 1, 1), []),
    ):
        for livello, codice in (("ambito", "lago"), ("distretto", catena.distretto.pk), ("asst", catena.asst.pk)):
            assert comuni_del_territorio(livello, codice, giorno) == attesi, (livello, giorno)
    with pytest.raises(ValueError):
        comuni_del_territorio("quartiere", "x", datetime.date(2022, 1, 1))


def test_an_ambito_that_changed_distretto_counts_once_in_each_level(riferimenti):
    """The 2021 and 2025 maps of ASST Bergamo Est: an Ambito in one Distretto until a day, in
    another after, both in the same ATS. A territory asked alone must join only the membership
    valid on the reference date (an earlier version joined both and doubled the ATS)."""
    catena = fabbriche.catena_sanitaria()
    nuovo = Distretto.objects.create(codice="distretto-nuovo", nome="Distretto Nuovo", asst=catena.asst)
    lago = fabbriche.ambito("lago", "Lago", catena.distretto)
    AmbitoDistretto.objects.filter(ambito=lago).update(al=datetime.date(2022, 7, 24))
    AmbitoDistretto.objects.create(ambito=lago, distretto=nuovo, dal=datetime.date(2022, 7, 25))
    fabbriche.comune("016941", "Uno", lago)
    fabbriche.osservazioni(fabbriche.popolazione("016941", 2023, 100, 500, 200))
    for livello, codice, atteso in (
        (Livello.AMBITO, "lago", 800),
        (Livello.DISTRETTO, "distretto-nuovo", 800),
        (Livello.DISTRETTO, catena.distretto.pk, None),
        (Livello.ATS, catena.ats.pk, 800),
    ):
        valori = calcola(livello, anni=[2023], indicatori=["popolazione"], territori=[codice])
        assert valori.get((codice, 2023, "popolazione")) == atteso, (livello, codice)
    assert calcola(Livello.ATS, anni=[2023], indicatori=["popolazione"])[(catena.ats.pk, 2023, "popolazione")] == 800


COMUNI = ["016931", "016932", "016933", "016934", "016935", "016936"]
POPOLAZIONE = {c: (10 * (i + 1), 50 + i, 7 * (i + 2)) for i, c in enumerate(COMUNI)}


@pytest.fixture
def rete(riferimenti):
    """Two ATS, three ASST, four Distretti, four Ambiti, six Comuni with residents in 2022;
    the memberships are drawn by each example."""
    uno, due = fabbriche.catena_sanitaria("uno"), fabbriche.catena_sanitaria("due")
    extra_asst = uno.asst.__class__.objects.create(codice="asst-tre", nome="ASST Tre", ats=uno.ats)
    distretti = [
        uno.distretto,
        due.distretto,
        Distretto.objects.create(codice="distretto-tre", nome="Distretto Tre", asst=extra_asst),
        Distretto.objects.create(codice="distretto-quattro", nome="Distretto Quattro", asst=due.asst),
    ]
    ambiti = [Ambito.objects.create(codice=f"ambito-{i}", nome=f"Ambito {i}") for i in range(4)]
    for c in COMUNI:
        fabbriche.comune(c, f"Comune {c}")
    fabbriche.osservazioni([r for c in COMUNI for r in fabbriche.popolazione(c, 2022, *POPOLAZIONE[c])])
    return distretti, ambiti


def _atteso(comuni):
    if not comuni:
        return None
    giovani = sum(POPOLAZIONE[c][0] for c in comuni)
    anziani = sum(POPOLAZIONE[c][2] for c in comuni)
    totale = sum(sum(POPOLAZIONE[c]) for c in comuni)
    return {"popolazione": Decimal(totale), "indice_vecchiaia": (Decimal(anziani) * 100 / giovani).normalize()}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ambito_di=st.lists(st.integers(min_value=-1, max_value=3), min_size=len(COMUNI), max_size=len(COMUNI)),
    distretto_di=st.lists(st.integers(min_value=-1, max_value=3), min_size=4, max_size=4),
)
def test_every_level_is_the_sum_of_its_comuni(rete, ambito_di, distretto_di):
    distretti, ambiti = rete
    giorno = datetime.date(2022, 1, 1)
    with transaction.atomic():
        sid = transaction.savepoint()
        for c, a in zip(COMUNI, ambito_di, strict=True):
            if a >= 0:
                AppartenenzaComune.objects.create(comune_id=c, ambito=ambiti[a], dal=datetime.date(2021, 1, 1))
        for ambito, d in zip(ambiti, distretto_di, strict=True):
            if d >= 0:
                AmbitoDistretto.objects.create(ambito=ambito, distretto=distretti[d], dal=datetime.date(2021, 1, 1))
        livelli = [Livello.COMUNE, Livello.AMBITO, Livello.DISTRETTO, Livello.ASST, Livello.ATS, Livello.ITALIA]
        calcolati = calcola_livelli(livelli, anni=[2022], indicatori=INDICATORI)
        territori = {
            "comune": COMUNI,
            "ambito": [a.pk for a in ambiti],
            "distretto": [d.pk for d in distretti],
            "asst": sorted({d.asst_id for d in distretti}),
            "ats": sorted({d.asst.ats_id for d in distretti}),
            "provincia": ["BG"],
            "italia": ["IT"],
        }
        for livello, codici in territori.items():
            for codice in codici:
                comuni = comuni_del_territorio(livello, codice, giorno)
                atteso = _atteso(comuni)
                if livello not in calcolati:  # the province: calcola has no level for it
                    figura = calcola_territorio(livello, codice, 2022, INDICATORI)
                    assert figura.comuni == comuni
                    assert (figura.valori if atteso else None) == atteso or not comuni, (livello, codice)
                else:
                    valori = {i: calcolati[livello].get((codice, 2022, i)) for i in INDICATORI}
                    assert (valori if atteso else None) == atteso or (not comuni and not any(valori.values())), (
                        livello,
                        codice,
                    )
        # Italy and the province count every Comune; an Ambito's Comuni are those drawn for it.
        assert comuni_del_territorio("italia", "IT", giorno) == COMUNI
        for i, ambito in enumerate(ambiti):
            assert comuni_del_territorio("ambito", ambito.pk, giorno) == [
                c for c, a in zip(COMUNI, ambito_di, strict=True) if a == i
            ]
        transaction.savepoint_rollback(sid)
