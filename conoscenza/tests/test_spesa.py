"""Spending by area and channel of funding (the layout of Tab. 2.3/2.4 of the Alto Sebino plan):
cells «area|canale» are the base measure; totals, shares of each channel, spending per user and
per inhabitant are computed, per category, from the cells (conoscenza.selectors.SEGNAPOSTO)."""

from decimal import Decimal

from conoscenza.models import Indicatore, ValorePubblicato
from conoscenza.selectors import calcola, calcola_categorie, calcola_categorie_insieme, categoria_termine, profilo
from testsupport.fabbriche import osservazioni

from .test_indicatori import riga

D = Decimal


def celle(livello, codice, anno, valori):
    return [riga(livello, codice, anno, "spesa_area_canale_euro", v, categoria=c) for c, v in valori.items()]


def indicatore(codice):
    return Indicatore.objects.prefetch_related("termini").get(codice=codice)


def test_a_total_part_of_the_category_asked_sums_that_part():
    assert categoria_termine("{categoria}", "Minori-Famiglia|TOTALE") == "Minori-Famiglia|*"
    assert categoria_termine("{categoria}", "TOTALE|Comune") == "*|Comune"
    assert categoria_termine("*|{categoria}", "Utenza") == "*|Utenza"
    assert categoria_termine("{categoria}|*", "Anziani (65+)") == "Anziani (65+)|*"


def test_shares_of_each_channel_are_over_all_areas_of_the_comuni_of_the_ambito(registro_minimo):
    # Two Comuni of Lago; the share of a channel is its sum over every area and Comune divided by
    # the sum of every cell, not the mean of the shares of the areas (which would give 58,3 %).
    osservazioni(
        celle("comune", "016901", 2022, {"Anziani|Comune": 60000, "Anziani|Utenza": 40000})
        + celle("comune", "016902", 2022, {"Disabili|Comune": 300000, "Disabili (0-17)|Comune": 100})
        # A printed total loaded as a cell never enters a sum (it would count twice).
        + celle("comune", "016902", 2022, {"TOTALE|Comune": 360100, "Disabili|TOTALE": 300000})
    )
    quote = calcola_categorie("ambito", "lago", indicatore("quota_entrate_pct"), ["Comune", "Utenza"], [2022])
    assert quote[(2022, "Comune")] == D(360100) * 100 / D(400100)
    assert round(quote[(2022, "Utenza")], 1) == D("10.0")
    totali = calcola_categorie(
        "ambito",
        "lago",
        indicatore("spesa_sociale_euro"),
        ["TOTALE", "TOTALE|Comune", "Anziani|TOTALE", "Disabili (0-17)|TOTALE", "Minori|TOTALE"],
    )
    assert totali == {
        (2022, "TOTALE"): 400100,
        (2022, "TOTALE|Comune"): 360100,
        (2022, "Anziani|TOTALE"): 100000,
        (2022, "Disabili (0-17)|TOTALE"): 100,  # brackets in a name are text, not a pattern
    }
    # The Comune level is the Comune's own cells.
    assert calcola_categorie("comune", "016901", indicatore("spesa_sociale_euro"), ["TOTALE"]) == {
        (2022, "TOTALE"): 100000
    }
    # Per inhabitant: every cell of 2022 over the residents at 31/12/2022 (= 1/1/2023: 1.800).
    pro_capite = calcola("ambito", anni=[2022], indicatori=["spesa_sociale_pro_capite"], territori=["lago"])
    assert pro_capite[("lago", 2022, "spesa_sociale_pro_capite")] == D(400100) / 1800
    per_area = calcola_categorie("ambito", "lago", indicatore("spesa_area_pro_capite"), ["Anziani"], [2022])
    assert round(per_area[(2022, "Anziani")], 2) == D("55.56")
    # Asked together (the published values of a territory: one query), each as asked alone.
    insieme = calcola_categorie_insieme(
        "ambito",
        "lago",
        [
            (indicatore("quota_entrate_pct"), ["Comune", "Utenza"], [2022]),
            (indicatore("spesa_sociale_euro"), ["TOTALE", "TOTALE|Comune", "Anziani|TOTALE"], None),
            (indicatore("spesa_area_pro_capite"), ["Anziani"], [2022]),
        ],
    )
    assert insieme == [quote, {k: v for k, v in totali.items() if k[1] != "Disabili (0-17)|TOTALE"}, per_area]


def test_calcola_leaves_out_the_per_category_indicators(registro_minimo):
    osservazioni(celle("ambito", "lago", 2022, {"Anziani|Comune": 1000}))
    valori = calcola("ambito", territori=["lago"])
    assert not {i for (_, _, i) in valori} & {"quota_entrate_pct", "spesa_sociale_euro", "spesa_per_utente_euro"}


def test_spending_per_user_of_an_area_and_a_missing_denominator(registro_minimo):
    osservazioni(
        [
            riga("ambito", "lago", 2022, "spesa_euro", 97475, categoria="Emarginazione-povertà"),
            riga("ambito", "lago", 2022, "utenti", 108, categoria="Emarginazione-povertà"),
            riga("ambito", "lago", 2022, "spesa_euro", 996488, categoria="SVZ sociale professionale"),
            riga("ambito", "lago", 2022, "utenti", 0, categoria="SVZ sociale professionale"),
            riga("ambito", "lago", 2022, "spesa_euro", 700, categoria="Salute mentale"),
        ]
    )
    v = calcola_categorie(
        "ambito",
        "lago",
        indicatore("spesa_per_utente_euro"),
        ["Emarginazione-povertà", "SVZ sociale professionale", "Salute mentale"],
    )
    # 902,55… (the plan prints 903); 0 users: no value, not a division by zero; no users: nothing.
    assert round(v[(2022, "Emarginazione-povertà")], 2) == D("902.55")
    assert v[(2022, "SVZ sociale professionale")] is None
    assert (2022, "Salute mentale") not in v


def test_the_demo_prints_the_seeds_figures_beside_the_recomputed_ones(demo_db):
    dati = profilo("ambito", "alto-sebino", [])
    confronto = {
        (r["pubblicato"].indicatore_id, r["pubblicato"].livello, r["pubblicato"].categoria): r
        for r in dati["pubblicati"]
        if r["pubblicato"].anno == 2019
    }

    def riga_di(indicatore, categoria, livello="ambito"):
        r = confronto[(indicatore, livello, categoria)]
        return r["pubblicato"].valore, r["calcolato"], r["differenza"]

    # Tab. 2.4: the printed totals are now recomputed from the 45 cells.
    assert riga_di("spesa_sociale_euro", "TOTALE") == (D("2317195"), D("2317195"), D("0"))
    assert riga_di("spesa_sociale_euro", "TOTALE|Comune")[1] == D("1948245")
    assert riga_di("spesa_sociale_euro", "Minori-Famiglia|TOTALE")[1] == D("517891")
    # Tab. 2.3: shares of each channel from Tab. 2.4's cells; Utenza has three «n.d.» cells.
    pubblicato, calcolato, differenza = riga_di("quota_entrate_pct", "Utenza")
    assert (pubblicato, round(calcolato, 2), differenza) == (D("8.4"), D("8.36"), D("0.0"))
    assert riga_di("quota_entrate_pct", "Comune")[2] == 0
    # FNPS is printed 0,0 % but Tab. 2.4 has no FNPS column: nothing to recompute it from.
    assert riga_di("quota_entrate_pct", "FNPS")[1] is None
    # Lombardy's column: no data of the Region in Zona.
    assert riga_di("quota_entrate_pct", "Comune", "regione")[1] is None
    # Tab. 4.1/4.2: the shares of the areas are over Tab. 4.2's areas (2.358.046), not over
    # Tab. 2.4's 2.317.195 (which would give Minori-Famiglia 22,35 % and SVZ 43,00 %).
    pubblicato, calcolato, differenza = riga_di("quota_spesa_sociale_pct", "Minori-Famiglia")
    assert (pubblicato, round(calcolato, 2), differenza) == (D("23.70"), D("23.70"), D("0.00"))
    assert round(riga_di("quota_spesa_sociale_pct", "SVZ sociale professionale")[1], 2) == D("42.26")
    # Tab. 4.2's spending per user, printed in par. 7.1: all seven recomputed.
    assert round(riga_di("spesa_per_utente_euro", "Minori-Famiglia")[1], 1) == D("652.7")
    per_utente = [r for k, r in confronto.items() if k[0] == "spesa_per_utente_euro"]
    assert len(per_utente) == 7 and all(r["differenza"] == 0 for r in per_utente)
    # 9 areas, 5 channels and the two grand totals (Tab. 2.4 and par. 7.1).
    assert ValorePubblicato.objects.filter(indicatore="spesa_sociale_euro", attiva=True).count() == 16
