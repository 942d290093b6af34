"""All levels at once: on PostgreSQL one query (GROUPING SETS over the sums per Comune) gives
the same numbers as the per-level queries that SQLite uses; the country level (italia)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conoscenza import selectors
from conoscenza.models import Caricamento, Livello, Osservazione
from conoscenza.selectors import LIVELLI_CALCOLATI, calcola, calcola_livelli
from conoscenza.services import aggiorna_totali, importa_dati
from territorio.models import AmbitoDistretto, AppartenenzaComune, Distretto
from testsupport import fabbriche

from .test_indicatori import attesi, close

solo_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="GROUPING SETS: PostgreSQL only; SQLite uses the per-level queries"
)


def dati_in_piu():
    """Data that exercise every rule: flows for the rates, data stored at the Ambito and at
    the country level (counted only where Comuni have none), spending, a superseded load and
    a load replaced in part."""
    importa_dati(
        (
            b"livello,codice_territorio,anno,misura,categoria,valore\n"
            b"comune,016901,2022,nati_vivi,,30\ncomune,016901,2022,morti,,70\n"
            b"comune,016904,2022,nati_vivi,,80\ncomune,016904,2022,morti,,130\n"
            b"comune,016901,2022,iscritti,,150\ncomune,016901,2022,cancellati,,120\n"
            b"ambito,lago,2019,popolazione_residente,,1750\n"
            b"ambito,lago,2023,popolazione_residente,,99999\n"
            b"italia,IT,2019,popolazione_residente,,59816673\n"
            b"ambito,lago,2022,spesa_area_canale_euro,Anziani|Comune,180000\n"
        ),
        "in-piu.csv",
    )
    importa_dati(
        b"livello,codice_territorio,anno,misura,valore\ncomune,016904,2022,nati_vivi,81\n", "nati-campagnola.csv"
    )


@pytest.mark.django_db
@solo_postgresql
def test_one_query_gives_the_numbers_of_the_per_level_queries(registro_minimo):
    dati_in_piu()
    with CaptureQueriesContext(connection) as queries:
        insieme = calcola_livelli()
    scansioni = [q["sql"] for q in queries.captured_queries if "GROUPING SETS" in q["sql"]]
    # The observations are read three times: a scan for the resident population, one for the
    # other measures (each with only its own terms), and the data stored at the levels.
    assert len(scansioni) == 2
    assert sum("conoscenza_osservazione" in q["sql"] for q in queries.captured_queries) == 3
    popolazione = [s for s in scansioni if "'popolazione_residente'" in s]
    assert len(popolazione) == 1 and "'nati_vivi'" not in popolazione[0]
    per_livello = calcola_livelli(metodo="per_livello")
    assert insieme == per_livello
    assert set(insieme) == set(LIVELLI_CALCOLATI)
    for livello, valori in insieme.items():
        assert valori, livello
    assert insieme["comune"][("016904", 2022, "tasso_natalita")] == Decimal(81) * 1000 / 2000
    # The same for some years, some indicators, some levels (the what-if's residents of one year).
    for kwargs in (
        dict(anni=[2022]),
        dict(anni=[2023], indicatori=["popolazione", "densita"]),
        dict(livelli=["italia", "distretto"], indicatori=["indice_vecchiaia"]),
        dict(livelli=["ambito", "comune"], anni=[2023], indicatori=["popolazione"]),
    ):
        assert calcola_livelli(**kwargs) == calcola_livelli(metodo="per_livello", **kwargs), kwargs


@pytest.mark.django_db
@solo_postgresql
@pytest.mark.parametrize("modo", ["filtri", "prima"])
def test_both_ways_of_making_the_comune_sums_give_the_same_numbers(registro_minimo, monkeypatch, modo):
    # The shared conditions tested once (the default) and every condition in every FILTER (the
    # query before): the same values as the per-level queries.
    dati_in_piu()
    # A load superseded as a whole (the same file again): its rows never count.
    importa_dati(
        b"livello,codice_territorio,anno,misura,valore\ncomune,016904,2022,nati_vivi,82\n", "nati-campagnola-bis.csv"
    )
    assert Caricamento.objects.filter(sostituito_da__isnull=False).exists()
    # A Comune's rows of one year on two reference dates: added up (a row each in the scan).
    spostate = Osservazione.objects.filter(codice_territorio="016901", anno=2023, eta_da=65)
    assert spostate.update(data_riferimento=datetime.date(2023, 6, 30))
    for caricamento in Caricamento.objects.all():
        aggiorna_totali(caricamento)
    attesi = calcola_livelli(metodo="per_livello")
    assert attesi["comune"][("016901", 2023, "popolazione")] == 140 + 600 + 260
    assert attesi["comune"][("016904", 2022, "tasso_natalita")] == Decimal(82) * 1000 / 2000
    monkeypatch.setattr(selectors, "SOMME_COMUNE", modo)
    with CaptureQueriesContext(connection) as queries:
        assert calcola_livelli() == attesi
    scansioni = [q["sql"] for q in queries.captured_queries if "GROUPING SETS" in q["sql"]]
    popolazione = next(s for s in scansioni if "'popolazione_residente'" in s)
    # The conditions every population term shares are tested once, in the WHERE.
    assert popolazione.count("'popolazione_residente'") == (7 if modo == "prima" else 1)


@pytest.mark.django_db
@solo_postgresql
def test_calcola_of_one_level_uses_the_one_query_and_agrees_with_a_territory(registro_minimo):
    tutti = calcola("ambito")
    uno = calcola("ambito", territori=["lago"])  # per-level query, restricted
    assert uno == {k: v for k, v in tutti.items() if k[0] == "lago"}


def test_italia_is_every_comune_with_data(registro_minimo):
    dati_in_piu()
    valori = calcola(Livello.ITALIA, anni=[2019, 2023])
    # Every Comune, Isolato (in no Ambito) included: by age band at 1/1/2023.
    giovani, attivi, anziani = (
        140 + 90 + 40 + 300 + 210 + 10,
        600 + 300 + 190 + 1300 + 700 + 60,
        260 + 110 + 70 + 400 + 90 + 30,
    )
    assert valori[("IT", 2023, "popolazione")] == 4900
    for codice, atteso in attesi(giovani, attivi, anziani).items():
        assert close(valori[("IT", 2023, codice)], atteso), codice
    # Data stored for the country count where no Comune has any.
    assert valori[("IT", 2019, "popolazione")] == 59816673


def test_export_indicatori_for_italia(registro_minimo):
    out = io.StringIO()
    call_command("export_indicatori", "--livello", "italia", "--anno", "2023", stdout=out)
    righe = out.getvalue().splitlines()
    riga = next(r for r in righe if r.startswith("italia,IT,Italia,2023,popolazione,"))
    assert Decimal(riga.rsplit(",", 1)[1]) == 4900


@pytest.mark.django_db(transaction=True)
@solo_postgresql
def test_outside_a_transaction_the_statements_share_one_snapshot(registro_minimo):
    # Not inside a caller's transaction (a view, a command): calcola_livelli opens its own, at
    # REPEATABLE READ, and gives the same numbers.
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        valori = calcola_livelli(livelli=["comune", "ambito"], indicatori=["popolazione"])
    assert any("REPEATABLE READ" in q["sql"] for q in queries.captured_queries)
    assert valori["comune"][("016901", 2023, "popolazione")] == 1000
    assert valori == calcola_livelli(livelli=["comune", "ambito"], indicatori=["popolazione"], metodo="per_livello")


def test_the_comuni_read_once_give_the_numbers_of_the_per_level_queries(registro_minimo):
    """An Ambito's comparisons (calcola_livelli with `territori` above the Comune, "comuni"):
    the Comuni's rows read once and added up into every territory asked give the numbers of one
    query per level, on data where the memberships change between two reference dates of a
    year, a Comune changes Ambito, an Ambito sits in two Distretti at once (the joins count it
    in both), some values have decimals, data are stored at the levels and loads superseded."""
    dati_in_piu()
    importa_dati(
        b"livello,codice_territorio,anno,misura,valore\ncomune,016904,2022,nati_vivi,82\n", "nati-campagnola-bis.csv"
    )
    superfici = b"".join(
        f"comune,{c},{anno},superficie_kmq,{v}\n".encode()
        for anno in (2022, 2023)
        for c, v in (("016901", "12.3456"), ("016902", "7.1"), ("016903", "0.0125"), ("016904", "33.3333"))
    )
    importa_dati(b"livello,codice_territorio,anno,misura,valore\n" + superfici, "superfici.csv")
    # Lago's residents over 65 of 2023 counted on 30 June, after Lago moved to a second Distretto.
    assert Osservazione.objects.filter(codice_territorio="016901", anno=2023, eta_da=65).update(
        data_riferimento=datetime.date(2023, 6, 30)
    )
    for caricamento in Caricamento.objects.all():
        aggiorna_totali(caricamento)
    catena, due = registro_minimo, fabbriche.catena_sanitaria("due")
    nuovo = Distretto.objects.create(codice="distretto-nuovo", nome="Distretto Nuovo", asst=catena.asst)
    AmbitoDistretto.objects.filter(ambito_id="lago").update(al=datetime.date(2023, 2, 28))
    AmbitoDistretto.objects.create(ambito_id="lago", distretto=nuovo, dal=datetime.date(2023, 3, 1))
    AmbitoDistretto.objects.create(ambito_id="pianura", distretto=due.distretto, dal=datetime.date(2023, 1, 1))
    AppartenenzaComune.objects.filter(comune_id="016903").update(al=datetime.date(2022, 12, 31))
    AppartenenzaComune.objects.create(comune_id="016903", ambito_id="pianura", dal=datetime.date(2023, 1, 1))
    livelli = [Livello.AMBITO, Livello.DISTRETTO, Livello.ASST, Livello.ATS]
    territori = ["lago", "pianura", catena.distretto.pk, "distretto-nuovo", due.distretto.pk, catena.asst.pk]
    territori += [due.asst.pk, catena.ats.pk, due.ats.pk]
    attesi = calcola_livelli(livelli, territori=territori, metodo="per_livello")
    with CaptureQueriesContext(connection) as queries:
        valori = calcola_livelli(livelli, territori=territori)  # "comuni" by default
    # The observations read three times whatever the levels: the residents, the other
    # measures, the data stored at the levels.
    assert sum("conoscenza_osservazione" in q["sql"] for q in queries.captured_queries) == 3
    assert valori == attesi
    assert valori[Livello.DISTRETTO][("distretto-nuovo", 2023, "popolazione")] == 260
    assert valori[Livello.DISTRETTO][(catena.distretto.pk, 2023, "popolazione")] == 740 + 500 + 3300
    assert valori[Livello.ATS][(catena.ats.pk, 2023, "popolazione")] == 4800
    assert valori[Livello.ATS][(due.ats.pk, 2023, "popolazione")] == 2000 + 1000 + 300
    assert valori[Livello.AMBITO][("lago", 2019, "popolazione")] == 1750  # stored at the Ambito
    assert valori[Livello.AMBITO][("lago", 2023, "popolazione")] == 1000 + 500  # not the stored 99999
    densita = Decimal(1000 + 510 + 300) / (Decimal("12.3456") + Decimal("7.1") + Decimal("0.0125"))
    assert close(valori[Livello.AMBITO][("lago", 2022, "densita")], densita)
    assert calcola_livelli([Livello.ASST], territori=territori)[Livello.ASST] == attesi[Livello.ASST]  # alone
    # The Ambito's quadro conoscitivo: its comparisons are those of the per-level queries.
    confronti = selectors.confronti_ambito(registro_minimo.lago, datetime.date(2023, 6, 30))
    assert [c.codice for c in confronti] == ["distretto-nuovo", catena.asst.pk, catena.ats.pk]
    calcolati = selectors.profilo(Livello.AMBITO, "lago", confronti)["calcolati"]
    for lv, codice in [(Livello.AMBITO, "lago"), *((c.livello, c.codice) for c in confronti)]:
        assert calcolati[(lv, codice)] == {k: v for k, v in attesi[lv].items() if k[0] == codice}, (lv, codice)
        assert calcolati[(lv, codice)], (lv, codice)
