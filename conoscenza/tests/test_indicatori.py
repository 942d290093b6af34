"""The rules of the indicators computed by the database, by hand on the tiny registry
(testsupport.fabbriche.POPOLAZIONE_MINIMA); test_indicatori_istat.py checks the demo's ISTAT
figures against an independent computation."""

import datetime
import io
from decimal import Decimal

from django.core.management import call_command

from conoscenza.selectors import calcola
from territorio.models import AppartenenzaComune
from testsupport.fabbriche import osservazioni

# Residents at 1/1/2023 by age band (0-14, 15-64, 65+) of the Ambito Lago: its three Comuni.
LAGO_2023 = (140 + 90 + 40, 600 + 300 + 190, 260 + 110 + 70)


def attesi(giovani, attivi, anziani):
    totale = giovani + attivi + anziani
    return {
        "popolazione": Decimal(totale),
        "indice_vecchiaia": Decimal(anziani) * 100 / giovani,
        "dipendenza_strutturale": Decimal(giovani + anziani) * 100 / attivi,
        "dipendenza_anziani": Decimal(anziani) * 100 / attivi,
        "indice_invecchiamento": Decimal(anziani) * 100 / totale,
    }


def close(a, b):
    return abs(Decimal(a) - Decimal(b)) < Decimal("1e-9")


def riga(livello, codice, anno, misura, valore, categoria=""):
    return {
        "livello": livello,
        "codice_territorio": codice,
        "anno": anno,
        "misura": misura,
        "valore": valore,
        "categoria": categoria,
    }


def test_comune_indices_follow_from_the_age_bands(registro_minimo):
    valori = calcola("comune", anni=[2023], territori=["016901"])
    for codice, atteso in attesi(140, 600, 260).items():
        assert close(valori[("016901", 2023, codice)], atteso), codice
    assert round(valori[("016901", 2023, "indice_vecchiaia")], 1) == Decimal("185.7")


def test_ambito_is_the_sum_of_its_comuni_not_the_mean_of_their_indices(registro_minimo):
    valori = calcola("ambito", anni=[2023], territori=["lago"])
    for codice, atteso in attesi(*LAGO_2023).items():
        assert close(valori[("lago", 2023, codice)], atteso), codice
    assert valori[("lago", 2023, "popolazione")] == 1800
    assert round(valori[("lago", 2023, "indice_vecchiaia")], 1) == Decimal("163.0")  # 440 × 100 / 270


def test_distretto_and_ats_roll_up_the_comuni_of_their_ambiti_only(registro_minimo):
    # Lago 1,800 + Pianura 3,000; Isolato (100 residents) is in no Ambito.
    for livello, codice in (("distretto", "distretto-prova"), ("ats", "ats-prova")):
        valori = calcola(livello, anni=[2023], indicatori=["popolazione"])
        assert valori[(codice, 2023, "popolazione")] == 4800, livello


def test_a_comune_counts_in_the_ambito_it_belonged_to_at_the_date_of_the_data(registro_minimo):
    # Monte Alto (500 residents at 1/1/2023) moves from Lago to Pianura on 1/1/2023.
    AppartenenzaComune.objects.filter(comune_id="016902").update(al=datetime.date(2022, 12, 31))
    AppartenenzaComune.objects.create(comune_id="016902", ambito=registro_minimo.pianura, dal=datetime.date(2023, 1, 1))
    valori = calcola("ambito", anni=[2022, 2023], indicatori=["popolazione"])
    assert valori[("lago", 2022, "popolazione")] == 1000 + 510 + 300
    assert valori[("lago", 2023, "popolazione")] == 1000 + 300
    assert valori[("pianura", 2023, "popolazione")] == 3000 + 500


def test_density_is_residents_per_square_kilometre(registro_minimo):
    osservazioni([riga("comune", "016901", 2023, "superficie_kmq", "20.5")])
    valori = calcola("comune", anni=[2023], indicatori=["densita"], territori=["016901"])
    assert close(valori[("016901", 2023, "densita")], Decimal(1000) / Decimal("20.5"))


def test_rates_use_the_mean_population_and_flows(registro_minimo):
    osservazioni(
        [
            riga("comune", "016902", 2022, "nati_vivi", 30),
            riga("comune", "016902", 2022, "morti", 70),
            riga("comune", "016902", 2022, "iscritti", 150),
            riga("comune", "016902", 2022, "cancellati", 120),
        ]
    )
    v = calcola("comune", anni=[2022], territori=["016902"])
    media = Decimal(510 + 500) / 2  # residents at 1/1/2022 and 1/1/2023
    assert close(v[("016902", 2022, "tasso_natalita")], Decimal(30) * 1000 / media)
    assert close(v[("016902", 2022, "crescita_naturale")], Decimal(-40) * 1000 / media)
    assert close(v[("016902", 2022, "tasso_migratorio")], Decimal(30) * 1000 / media)
    assert close(v[("016902", 2022, "crescita_totale")], Decimal(-10) * 1000 / media)
    # 2023 has no population at 1/1/2024: the rate is not computed rather than guessed.
    assert ("016902", 2023, "tasso_natalita") not in calcola("comune", anni=[2023], territori=["016902"])


def test_ambito_level_data_are_used_only_where_comuni_have_none(registro_minimo):
    osservazioni(
        [
            riga("ambito", "lago", 2023, "popolazione_residente", 99999),
            riga("ambito", "lago", 2019, "popolazione_residente", 1750),
        ]
    )
    v = calcola("ambito", indicatori=["popolazione"], territori=["lago"])
    assert v[("lago", 2023, "popolazione")] == 1800  # from its Comuni, not 99999
    assert v[("lago", 2019, "popolazione")] == 1750  # only the Ambito figure exists


def test_spending_per_capita(registro_minimo):
    osservazioni(
        [
            riga("ambito", "lago", 2022, "spesa_area_canale_euro", 150000, categoria="Anziani|Comune"),
            riga("ambito", "lago", 2022, "spesa_area_canale_euro", 30000, categoria="Disabili|Utenza"),
        ]
    )
    v = calcola("ambito", anni=[2022], indicatori=["spesa_sociale_pro_capite"], territori=["lago"])
    # Spending of 2022 over the residents at 31/12/2022 (= 1/1/2023: 1,800).
    assert v[("lago", 2022, "spesa_sociale_pro_capite")] == 100


def test_export_indicatori_command(registro_minimo):
    out = io.StringIO()
    call_command("export_indicatori", "--livello", "ambito", "--anno", "2023", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "livello,codice_territorio,territorio,anno,indicatore,valore"
    riga_lago = next(line for line in lines if line.startswith("ambito,lago,Lago,2023,popolazione,"))
    assert Decimal(riga_lago.rsplit(",", 1)[1]) == 1800
    vecchiaia = next(line for line in lines if line.startswith("ambito,pianura,Pianura,2023,indice_vecchiaia,"))
    assert Decimal(vecchiaia.rsplit(",", 1)[1]) == Decimal(490 * 100) / 510  # (400 + 90) / (300 + 210)
    assert {line.split(",")[1] for line in lines[1:]} == {"lago", "pianura"}
