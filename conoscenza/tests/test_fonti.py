"""Arithmetic checks on the figures extracted from the planning documents.

The CSV files in ``conoscenza/data/fonti/`` copy, cell by cell, the tables of

* the Piano di Zona 2021-2023 of the Ambito Alto Sebino (``alto_sebino_tab_*.csv``);
* the Prologo provinciale ai Piani di Zona 2012-2014 of the province of Bergamo (``prologo_2012_*.csv``).

These tests recompute what the sources print (totals, shares, rates, indices) from the other
figures they print. Where the recomputation agrees, the test says so; where it does not, the test
asserts the exact gap, so that the discrepancy is documented and any change to the data is noticed.

Pure Python: no Django, no database. Run with::

    .venv/bin/python -m pytest -q -p no:django conoscenza/tests/test_fonti.py
"""

import csv
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from conoscenza.discordanze import di_documento, documenti, trova, tutte

FONTI = Path(__file__).resolve().parents[1] / "data" / "fonti"
HEADER = ["livello", "codice_territorio", "anno", "misura", "eta_da", "eta_a", "sesso", "categoria", "valore", "nota"]
FILES = [
    "alto_sebino_tab_2_1.csv",
    "alto_sebino_tab_2_2.csv",
    "alto_sebino_tab_2_3.csv",
    "alto_sebino_tab_2_4.csv",
    "alto_sebino_tab_3_1.csv",
    "alto_sebino_tab_3_2.csv",
    "alto_sebino_tab_3_3.csv",
    "alto_sebino_tab_3_4.csv",
    "alto_sebino_tab_4_1.csv",
    "alto_sebino_tab_4_2.csv",
    "prologo_2012_spesa.csv",
    "prologo_2012_demografia.csv",
    "prologo_2012_forme_gestione.csv",
]
CODICI = {
    "ambito": "alto-sebino",
    "asst": "asst-bergamo-est",
    "ats": "ats-bergamo",
    "regione": "03",
    "italia": "IT",
    "provincia": "BG",
}
TERRITORI_2_2 = ["alto-sebino", "ats-bergamo", "03", "IT"]

D = Decimal
UNO = D("1")
DECIMO = D("0.1")
CENTESIMO = D("0.01")


def righe(nome):
    with open(FONTI / nome, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def valore(nome, misura, categoria="", codice="alto-sebino", anno=None, sesso=""):
    """The one value of a file for a measure, category, territory (and year, and sex)."""
    trovate = [
        r
        for r in righe(nome)
        if r["misura"] == misura
        and r["categoria"] == categoria
        and r["codice_territorio"] == codice
        and (anno is None or r["anno"] == str(anno))
        and r["sesso"] == sesso
    ]
    assert len(trovate) == 1, (nome, misura, categoria, codice, anno, sesso, len(trovate))
    return D(trovate[0]["valore"])


def tonda(x, esempio):
    """Round as the sources do: half up (SAD 2019: 1 minor out of 40 users, 2,5%, is printed 3%)."""
    return x.quantize(esempio, rounding=ROUND_HALF_UP)


def compatibile(minimo, massimo, stampato):
    """Whether a printed value (rounded to its last digit) can come from a quantity known to lie in
    [minimo, massimo]: the interval and the rounding cell [stampato − ½u, stampato + ½u) overlap."""
    mezza = D(1).scaleb(stampato.as_tuple().exponent) / 2
    return minimo < stampato + mezza and massimo >= stampato - mezza


# --------------------------------------------------------------------------------------------
# Format of the files
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nome", FILES)
def test_formato_csv_intestazione_livelli_codici_valori(nome):
    with open(FONTI / nome, newline="", encoding="utf-8") as f:
        lettore = csv.reader(f)
        assert next(lettore) == HEADER
        corpo = list(lettore)
    assert corpo, nome
    for riga in corpo:
        assert len(riga) == len(HEADER), riga
        r = dict(zip(HEADER, riga, strict=True))
        assert r["livello"] in CODICI, r
        assert r["codice_territorio"] == CODICI[r["livello"]], r
        assert re.fullmatch(r"(19|20)\d\d", r["anno"]), r
        assert re.fullmatch(r"[a-z][a-z0-9_]*", r["misura"]), r
        assert r["sesso"] in ("", "M", "F"), r
        for eta in (r["eta_da"], r["eta_a"]):
            assert eta == "" or re.fullmatch(r"\d{1,3}", eta), r
        if r["eta_da"] and r["eta_a"]:
            assert int(r["eta_a"]) >= int(r["eta_da"]), r
        assert re.fullmatch(r"-?\d+(\.\d+)?", r["valore"]), r
        assert r["nota"].strip(), r


@pytest.mark.parametrize("nome", FILES)
def test_nessuna_riga_duplicata_per_chiave(nome):
    chiavi = [
        tuple(r[k] for k in ("livello", "codice_territorio", "anno", "misura", "eta_da", "eta_a", "sesso", "categoria"))
        for r in righe(nome)
    ]
    assert len(chiavi) == len(set(chiavi))


# --------------------------------------------------------------------------------------------
# Alto Sebino, Tabella 2.1 (indici demografici 2018-2020) and Tabella 2.2 (2019, 4 territori)
# --------------------------------------------------------------------------------------------

T21 = "alto_sebino_tab_2_1.csv"
T22 = "alto_sebino_tab_2_2.csv"


def test_tab_2_1_crescita_totale_uguale_naturale_piu_migratorio():
    for anno in (2018, 2019, 2020):
        naturale = valore(T21, "crescita_naturale", anno=anno)
        migratorio = valore(T21, "tasso_migratorio", anno=anno)
        assert naturale + migratorio == valore(T21, "crescita_totale", anno=anno), anno


def test_tab_2_1_crescita_naturale_natalita_meno_mortalita_2018_scarto_di_arrotondamento():
    differenze = {
        anno: valore(T21, "tasso_natalita", anno=anno) - valore(T21, "tasso_mortalita", anno=anno)
        for anno in (2018, 2019, 2020)
    }
    assert differenze == {2018: D("-1.8"), 2019: D("-2.7"), 2020: D("-12.9")}
    # 2018: 7,7 − 9,5 = −1,8 but the table prints −1,9. A rounding effect (the rate is computed
    # on unrounded births and deaths), within the 0,1 that rounding of the two terms allows.
    assert valore(T21, "crescita_naturale", anno=2018) - differenze[2018] == D("-0.1")
    assert valore(T21, "crescita_naturale", anno=2019) == differenze[2019]
    assert valore(T21, "crescita_naturale", anno=2020) == differenze[2020]


def test_tab_2_1_indice_vecchiaia_non_segue_dalle_dipendenze_stampate():
    # Old-age index = elderly / young × 100 = DA / (DS − DA) × 100, with DS the structural and DA
    # the old-age dependency ratio. Recomputed from the ratios printed in the same column:
    calcolati = {}
    for anno in (2018, 2019, 2020):
        da = valore(T21, "dipendenza_anziani", anno=anno)
        ds = valore(T21, "dipendenza_strutturale", anno=anno)
        calcolati[anno] = tonda(da / (ds - da) * 100, DECIMO)
    assert calcolati == {2018: D("180.6"), 2019: D("194.7"), 2020: D("204.5")}
    stampati = {anno: valore(T21, "indice_vecchiaia", anno=anno) for anno in (2018, 2019, 2020)}
    assert stampati == {2018: D("194.7"), 2019: D("204.3"), 2020: D("217.7")}
    # The published index does not follow from the ratios printed beside it: gaps of 9,6-14,1
    # points, far beyond rounding (see the interval test below). The printed series looks shifted
    # by one year: the value recomputed for 2019 (194,7) is the one printed for 2018, and the one
    # recomputed for 2020 (204,5) is close to the one printed for 2019 (204,3).
    assert {a: stampati[a] - calcolati[a] for a in stampati} == {2018: D("14.1"), 2019: D("9.6"), 2020: D("13.2")}
    assert calcolati[2019] == stampati[2018]
    # The differences users see (conoscenza/data/discordanze.csv) are these very figures.
    assert {
        a: (trova("indice_vecchiaia", a).prima_cifra, trova("indice_vecchiaia", a).seconda_cifra) for a in stampati
    } == {a: (stampati[a], calcolati[a]) for a in stampati}


def test_tab_2_1_indice_vecchiaia_fuori_dall_intervallo_di_arrotondamento():
    h = D("0.05")
    for anno in (2018, 2019, 2020):
        da = valore(T21, "dipendenza_anziani", anno=anno)
        ds = valore(T21, "dipendenza_strutturale", anno=anno)
        minimo = (da - h) / (ds + h - (da - h)) * 100
        massimo = (da + h) / (ds - h - (da + h)) * 100
        assert not compatibile(minimo, massimo, valore(T21, "indice_vecchiaia", anno=anno)), anno


def test_tab_2_1_indice_invecchiamento_dalle_dipendenze():
    # Ageing index = elderly / population × 100 = DA / (100 + DS) × 100.
    calcolati = {}
    for anno in (2018, 2019, 2020):
        da = valore(T21, "dipendenza_anziani", anno=anno)
        ds = valore(T21, "dipendenza_strutturale", anno=anno)
        calcolati[anno] = tonda(da / (100 + ds) * 100, DECIMO)
    assert calcolati == {2018: D("24.4"), 2019: D("25.1"), 2020: D("25.6")}
    stampati = {anno: valore(T21, "indice_invecchiamento", anno=anno) for anno in (2018, 2019, 2020)}
    # 2018 matches; 2019 is printed 25,0 (recomputed 25,1) and 2020 25,7 (recomputed 25,6).
    assert {a: stampati[a] - calcolati[a] for a in stampati} == {2018: D("0.0"), 2019: D("-0.1"), 2020: D("0.1")}
    for a in (2019, 2020):
        d = trova("indice_invecchiamento", a)
        assert (d.prima_cifra, d.seconda_cifra) == (stampati[a], calcolati[a])
    # Small, but not a rounding effect: with DA and DS known to ±0,05 the index lies in
    # [25,070; 25,147] for 2019 and [25,534; 25,612] for 2020, which round to 25,1 and 25,6.
    h = D("0.05")
    esiti = {}
    for anno in (2018, 2019, 2020):
        da = valore(T21, "dipendenza_anziani", anno=anno)
        ds = valore(T21, "dipendenza_strutturale", anno=anno)
        esiti[anno] = compatibile((da - h) / (100 + ds + h) * 100, (da + h) / (100 + ds - h) * 100, stampati[anno])
    assert esiti == {2018: True, 2019: False, 2020: False}


def test_tab_2_1_variazione_popolazione_non_uguale_al_tasso_di_crescita_totale():
    # Growth of the residents at 31/12 per 1 000 mean residents, compared with the printed rate.
    pop = {anno: valore(T21, "popolazione_31_12", anno=anno) for anno in (2018, 2019, 2020)}
    assert pop == {2018: D("30298"), 2019: D("30294"), 2020: D("29942")}
    calcolati = {
        anno: tonda((pop[anno] - pop[anno - 1]) / ((pop[anno] + pop[anno - 1]) / 2) * 1000, DECIMO)
        for anno in (2019, 2020)
    }
    assert calcolati == {2019: D("-0.1"), 2020: D("-11.7")}
    # The printed rates are −0,8‰ (2019) and −13,3‰ (2020): the stocks at 31/12 include the
    # census and registry adjustments (population rebuilt after the permanent census) that the
    # natural + migration rates leave out: the printed rates imply changes of about −24 (2019) and
    # −401 (2020) residents, the stocks change by −4 and −352, i.e. adjustments of about +20 and +49.
    assert {a: valore(T21, "crescita_totale", anno=a) - calcolati[a] for a in calcolati} == {
        2019: D("-0.7"),
        2020: D("-1.6"),
    }


def test_tab_2_1_testo_commento():
    # «…raggiungendo così un valore pari al 7,0‰» (natalità 2020), «19,9‰, con più di 10 punti di
    # differenza rispetto all'anno precedente», «−12,9‰ nel 2020», «−0,4 … −13,3‰», «61,5% nel 2020».
    assert valore(T21, "tasso_natalita", anno=2020) == D("7.0")
    assert valore(T21, "tasso_mortalita", anno=2020) - valore(T21, "tasso_mortalita", anno=2019) == D("10.5")
    assert valore(T21, "crescita_naturale", anno=2020) == D("-12.9")
    assert valore(T21, "tasso_migratorio", anno=2020) == D("-0.4")
    assert valore(T21, "crescita_totale", anno=2020) == D("-13.3")
    assert valore(T21, "dipendenza_strutturale", anno=2020) == D("61.5")
    # par. 5.1: «29.942 abitanti» nel 2021 (= al 31/12/2020) and a density of «344 abitanti per
    # chilometro quadrato» on «87,1 Km2». The chart caption says «dati Istat al 01/01/2020», but
    # 344 follows from the population at 1/1/2021; the one at 1/1/2020 gives 348.
    superficie = D("87.1")
    assert tonda(valore(T21, "popolazione_31_12", anno=2020) / superficie, UNO) == D("344")
    assert tonda(valore(T21, "popolazione_31_12", anno=2019) / superficie, UNO) == D("348")
    densita = trova("densita", 2020)
    assert (densita.prima_cifra, densita.seconda_cifra) == (
        tonda(valore(T21, "popolazione_31_12", anno=2020) / superficie, UNO),
        tonda(valore(T21, "popolazione_31_12", anno=2019) / superficie, UNO),
    )
    assert trova("superficie_kmq", 2021).prima_cifra == superficie
    # par. 5.3: «3.200 unità, corrispondenti al 10,7% della popolazione totale» (inizio 2021).
    assert tonda(D("3200") / valore(T21, "popolazione_31_12", anno=2020) * 100, DECIMO) == D("10.7")


def test_tab_2_2_colonna_ambito_uguale_tab_2_1_anno_2019():
    for r in righe(T22):
        if r["codice_territorio"] == "alto-sebino":
            assert D(r["valore"]) == valore(T21, r["misura"], anno=2019), r["misura"]


def test_tab_2_2_crescita_naturale_natalita_meno_mortalita():
    for cod in TERRITORI_2_2:
        natalita = valore(T22, "tasso_natalita", codice=cod)
        mortalita = valore(T22, "tasso_mortalita", codice=cod)
        assert natalita - mortalita == valore(T22, "crescita_naturale", codice=cod), cod


def test_tab_2_2_crescita_totale_naturale_piu_migratorio_scarti_ats_italia():
    scarti = {
        cod: valore(T22, "crescita_totale", codice=cod)
        - (valore(T22, "crescita_naturale", codice=cod) + valore(T22, "tasso_migratorio", codice=cod))
        for cod in TERRITORI_2_2
    }
    # ATS Bergamo: −1,7 + 2,5 = 0,8, printed 0,7; Italia: −3,6 + 0,3 = −3,3, printed −3,2.
    # Both within the 0,1 that the rounding of the two addends allows.
    assert scarti == {"alto-sebino": D("0.0"), "ats-bergamo": D("-0.1"), "03": D("0.0"), "IT": D("0.1")}


def test_tab_2_2_indice_vecchiaia_dalle_dipendenze():
    h = D("0.05")
    calcolati, scarti, esiti = {}, {}, {}
    for cod in TERRITORI_2_2:
        da = valore(T22, "dipendenza_anziani", codice=cod)
        ds = valore(T22, "dipendenza_strutturale", codice=cod)
        stampato = valore(T22, "indice_vecchiaia", codice=cod)
        calcolati[cod] = tonda(da / (ds - da) * 100, DECIMO)
        scarti[cod] = stampato - calcolati[cod]
        esiti[cod] = compatibile((da - h) / (ds - da + 2 * h) * 100, (da + h) / (ds - da - 2 * h) * 100, stampato)
    assert calcolati == {"alto-sebino": D("194.7"), "ats-bergamo": D("146.2"), "03": D("167.1"), "IT": D("173.8")}
    assert scarti == {"alto-sebino": D("9.6"), "ats-bergamo": D("-0.2"), "03": D("-0.5"), "IT": D("0.2")}
    # ATS, Lombardia and Italia: the small gaps are compatible with the rounding of DA and DS.
    # Alto Sebino: the published 204,3 does not follow from the ratios printed beside it.
    assert esiti == {"alto-sebino": False, "ats-bergamo": True, "03": True, "IT": True}


def test_tab_2_2_indice_invecchiamento_dalle_dipendenze():
    h = D("0.05")
    calcolati, scarti, esiti = {}, {}, {}
    for cod in TERRITORI_2_2:
        da = valore(T22, "dipendenza_anziani", codice=cod)
        ds = valore(T22, "dipendenza_strutturale", codice=cod)
        stampato = valore(T22, "indice_invecchiamento", codice=cod)
        calcolati[cod] = tonda(da / (100 + ds) * 100, DECIMO)
        scarti[cod] = stampato - calcolati[cod]
        esiti[cod] = compatibile((da - h) / (100 + ds + h) * 100, (da + h) / (100 + ds - h) * 100, stampato)
    assert calcolati == {"alto-sebino": D("25.1"), "ats-bergamo": D("21.0"), "03": D("22.7"), "IT": D("22.9")}
    assert scarti == {"alto-sebino": D("-0.1"), "ats-bergamo": D("0.0"), "03": D("-0.1"), "IT": D("0.0")}
    # Lombardia: the lowest value the rounded ratios allow is 35,55 / 156,95 × 100 = 22,6505…,
    # which already prints 22,7: the printed 22,6 misses by a hair (0,0005). Alto Sebino misses too.
    lombardia_min = (valore(T22, "dipendenza_anziani", codice="03") - h) / (
        100 + valore(T22, "dipendenza_strutturale", codice="03") + h
    )
    assert (lombardia_min * 100).quantize(D("0.0001"), rounding=ROUND_DOWN) == D("22.6505")
    assert esiti == {"alto-sebino": False, "ats-bergamo": True, "03": False, "IT": True}


def test_tab_2_2_testo_commento_confronto_crescita_naturale():
    # Text: «Il tasso di crescita naturale dell'Ambito è pari a quello della Regione, superiore ad ATS
    # Bergamo e inferiore ai dati Nazionali». Equal to the Region: yes. But −2,7 is LOWER than
    # ATS's −1,7 and HIGHER than Italy's −3,6: the text has the two comparisons the wrong way round
    # (it reads as if comparing absolute values).
    ambito = valore(T22, "crescita_naturale")
    assert ambito == valore(T22, "crescita_naturale", codice="03")
    assert ambito < valore(T22, "crescita_naturale", codice="ats-bergamo")
    assert ambito > valore(T22, "crescita_naturale", codice="IT")
    # The other comparisons of the text hold.
    natalita = {cod: valore(T22, "tasso_natalita", codice=cod) for cod in TERRITORI_2_2}
    assert min(natalita, key=natalita.get) == "alto-sebino"
    mortalita = {cod: valore(T22, "tasso_mortalita", codice=cod) for cod in TERRITORI_2_2}
    assert mortalita["ats-bergamo"] < mortalita["alto-sebino"] < mortalita["03"] < mortalita["IT"]
    assert (valore(T22, "tasso_migratorio", codice="ats-bergamo"), valore(T22, "tasso_migratorio", codice="03")) == (
        D("2.5"),
        D("4.2"),
    )


# --------------------------------------------------------------------------------------------
# Alto Sebino, Tabella 2.3 (provenienza entrate 2019, %) and Tabella 2.4 (risorse per area e canale)
# --------------------------------------------------------------------------------------------

T23 = "alto_sebino_tab_2_3.csv"
T24 = "alto_sebino_tab_2_4.csv"
CANALI = ["Comune", "Utenza", "Altri enti pubblici", "Altre tipologie entrata", "Fondo sociale regionale"]
AREE_24 = [
    "SVZ sociale professionale",
    "Minori-Famiglia",
    "Disabili",
    "Compartecipazione-servizi soc sanitari integrati",
    "Anziani",
    "Emarginazione-povertà",
    "Immigrazione",
    "Dipendenze",
    "Salute mentale",
]


def celle_2_4():
    """{(area, canale): valore} for the inner cells; «n.d.» cells are absent (count as 0)."""
    celle = {}
    for r in righe(T24):
        parti = r["categoria"].split("|")
        if len(parti) == 2 and "TOTALE" not in parti:
            celle[tuple(parti)] = D(r["valore"])
    return celle


def test_tab_2_3_colonne_sommano_a_100_con_scarto_di_arrotondamento():
    somme = {}
    for r in righe(T23):
        somme[r["codice_territorio"]] = somme.get(r["codice_territorio"], D(0)) + D(r["valore"])
    # Shares rounded to one decimal: Ambito 100,1%, ASST Bergamo Est 100,0%, Regione 99,9%.
    assert somme == {"alto-sebino": D("100.1"), "asst-bergamo-est": D("100.0"), "03": D("99.9")}


def test_tab_2_3_quote_ambito_seguono_dai_valori_assoluti_della_tab_2_4():
    totale = valore(T24, "spesa_sociale_euro", "TOTALE")
    for canale in CANALI:
        quota = tonda(valore(T24, "spesa_sociale_euro", f"TOTALE|{canale}") / totale * 100, DECIMO)
        assert quota == valore(T23, "quota_entrate_pct", canale), canale
    # The channels missing from Tabella 2.4 are printed 0,0% in Tabella 2.3.
    for fonte in ("FNPS", "Fondo per le non autosufficienze", "Fondo Intesa Famiglia", "Gestione Piano di Zona"):
        assert valore(T23, "quota_entrate_pct", fonte) == D("0.0")


def test_tab_2_3_colonna_asst_e_il_testo_del_par_5_5():
    # «l'84% dei finanziamenti … proviene dai Comuni, una quota superiore sia rispetto alla ASST
    # Bergamo EST sia rispetto alla Regione Lombardia, le cui percentuali … rispettivamente l'82% e
    # l'81%»; «Con una quota pari all'8% l'utenza … rimane inferiore rispetto ad ASST e Regione».
    comune = [valore(T23, "quota_entrate_pct", "Comune", codice=c) for c in ("alto-sebino", "asst-bergamo-est", "03")]
    assert [tonda(x, UNO) for x in comune] == [D("84"), D("82"), D("81")]
    assert comune[0] > comune[1] > comune[2]
    utenza = [valore(T23, "quota_entrate_pct", "Utenza", codice=c) for c in ("alto-sebino", "asst-bergamo-est", "03")]
    assert tonda(utenza[0], UNO) == D("8") and utenza[0] < min(utenza[1:])


def test_tab_2_3_testo_par_5_5_comuni_1948285_contro_1948245():
    # par. 5.5: «ammonta a 2.317.195 Euro … l'84% dei finanziamenti, ovvero 1.948.285 Euro proviene
    # dai Comuni … l'utenza … 193.714 Euro». Tabella 2.4 and the paragraph before it («per un
    # totale di €1.948.245») say 1.948.245, and the column adds up to 1.948.245: the 1.948.285 of
    # par. 5.5 is a typo (+40 €).
    assert valore(T24, "spesa_sociale_euro", "TOTALE") == D("2317195")
    assert valore(T24, "spesa_sociale_euro", "TOTALE|Utenza") == D("193714")
    assert D("1948285") - valore(T24, "spesa_sociale_euro", "TOTALE|Comune") == D("40")
    assert sum(v for (a, c), v in celle_2_4().items() if c == "Comune") == D("1948245")
    comuni = trova("spesa_sociale_euro", 2019, prima_fonte="par. 5.5")
    assert (comuni.prima_cifra, comuni.seconda_cifra) == (
        D("1948285"),
        valore(T24, "spesa_sociale_euro", "TOTALE|Comune"),
    )
    # The other amounts of the text match the table: 86.073, 50.192, 38.971.
    for canale, testo in [
        ("Altri enti pubblici", "86073"),
        ("Altre tipologie entrata", "50192"),
        ("Fondo sociale regionale", "38971"),
    ]:
        assert valore(T24, "spesa_sociale_euro", f"TOTALE|{canale}") == D(testo)


def test_tab_2_4_righe_somma_dei_canali_uguale_totale_entrate_dell_area():
    celle = celle_2_4()
    for area in AREE_24:
        somma = sum((celle.get((area, c), D(0)) for c in CANALI), D(0))
        assert somma == valore(T24, "spesa_sociale_euro", f"{area}|TOTALE"), area
    # The three «n.d.» cells (Utenza for SVZ, Dipendenze, Salute mentale) are 0 in effect.
    assert {a for a in AREE_24 if (a, "Utenza") not in celle} == {
        "SVZ sociale professionale",
        "Dipendenze",
        "Salute mentale",
    }


def test_tab_2_4_colonne_somma_delle_aree_uguale_totale_del_canale():
    celle = celle_2_4()
    for canale in CANALI:
        somma = sum((celle.get((a, canale), D(0)) for a in AREE_24), D(0))
        assert somma == valore(T24, "spesa_sociale_euro", f"TOTALE|{canale}"), canale


def test_tab_2_4_totale_generale():
    totale = valore(T24, "spesa_sociale_euro", "TOTALE")
    assert sum(valore(T24, "spesa_sociale_euro", f"{a}|TOTALE") for a in AREE_24) == totale
    assert sum(valore(T24, "spesa_sociale_euro", f"TOTALE|{c}") for c in CANALI) == totale
    assert sum(celle_2_4().values()) == totale == D("2317195")


# --------------------------------------------------------------------------------------------
# Alto Sebino, Tabella 3.1, 3.2 (SAD), 3.3 (ADM), 3.4
# --------------------------------------------------------------------------------------------

T31 = "alto_sebino_tab_3_1.csv"
T32 = "alto_sebino_tab_3_2.csv"
T33 = "alto_sebino_tab_3_3.csv"
T34 = "alto_sebino_tab_3_4.csv"


def test_tab_3_1_testo_rsa_e_asili_nido_i_piu_grandi():
    # «… la RSA con 291 posti disponibili, seguita dagli asili nido, con 93 posti disponibili».
    posti = {r["categoria"]: D(r["valore"]) for r in righe(T31) if r["misura"] == "posti"}
    ordinati = sorted(posti, key=posti.get, reverse=True)
    # Categories «gruppo|tipo» (offerta.TipoUnita.categoria_posti): what the coverage indicators sum.
    assert ordinati[:2] == ["anziani|RSA", "prima_infanzia|Asilo nido"]
    assert (posti["anziani|RSA"], posti["prima_infanzia|Asilo nido"]) == (D("291"), D("93"))
    assert sum(posti.values()) == D("478")  # not printed
    assert sum(D(r["valore"]) for r in righe(T31) if r["misura"] == "strutture") == D("12")  # not printed


def conteggi_compatibili(quota, n):
    """The whole numbers of users k (0 ≤ k ≤ n) whose share, rounded half up to a unit, is printed."""
    return [k for k in range(n + 1) if tonda(D(k) / n * 100, UNO) == quota]


def test_tab_3_2_3_3_quote_percentuali_corrispondono_a_numeri_interi_di_utenti():
    attesi = {
        (T32, "SAD", 2019): {
            "minorenni": [1],
            "anziani": [15],
            "con caregiver": [33],
            "solo": [16],
            "in famiglia": [22],
            "con altri": [2],
        },
        (T32, "SAD", 2020): {
            "minorenni": [14],
            "anziani": [43],
            "con caregiver": [75],
            "solo": [27],
            "in famiglia": [54],
            "con altri": [0],
        },
        (T33, "ADM", 2019): {"con caregiver": [46], "solo": [0], "in famiglia": [37], "con altri": [9]},
        (T33, "ADM", 2020): {"con caregiver": [42], "solo": [0], "in famiglia": [32], "con altri": [10]},
    }
    for (nome, servizio, anno), quote in attesi.items():
        n = int(valore(nome, "utenti", servizio, anno=anno))
        trovati = {
            q: conteggi_compatibili(valore(nome, "quota_utenti_pct", f"{servizio}|{q}", anno=anno), n) for q in quote
        }
        assert trovati == quote, (servizio, anno)
        # Family condition: the reconstructed counts add up to the users, the shares to 100%.
        assert sum(trovati[q][0] for q in ("solo", "in famiglia", "con altri")) == n
        assert sum(
            valore(nome, "quota_utenti_pct", f"{servizio}|{q}", anno=anno) for q in ("solo", "in famiglia", "con altri")
        ) == D("100")
    # SAD 2019: 1 minor out of 40 is 2,5%, printed 3% only with rounding half up.
    assert D(1) / 40 * 100 == D("2.5")


def test_tab_3_2_testo_sad_raddoppio_e_punti_percentuali():
    # «gli utenti sono più che raddoppiati», «+14 punti … minori», «+15 punti … anziani».
    assert valore(T32, "utenti", "SAD", anno=2020) > 2 * valore(T32, "utenti", "SAD", anno=2019)
    delta = {
        q: valore(T32, "quota_utenti_pct", f"SAD|{q}", anno=2020)
        - valore(T32, "quota_utenti_pct", f"SAD|{q}", anno=2019)
        for q in ("minorenni", "anziani")
    }
    assert delta == {"minorenni": D("14"), "anziani": D("15")}


def test_tab_3_2_3_3_ore_medie_per_utente_sono_ore_per_accesso():
    # «Numero medio ore per utente»: it is hours per visit (ore / accessi), not hours per user.
    casi = [(T32, "SAD", "ASA/OSS"), (T33, "ADM", "Educatori")]
    per_accesso, per_utente, stampati = {}, {}, {}
    for nome, servizio, operatori in casi:
        for anno in (2019, 2020):
            ore = valore(nome, "ore_annue", f"{servizio}|{operatori}", anno=anno)
            accessi = valore(nome, "accessi_annui", f"{servizio}|{operatori}", anno=anno)
            utenti = valore(nome, "utenti", servizio, anno=anno)
            stampato = valore(nome, "ore_medie_per_utente", servizio, anno=anno)
            esempio = D(1).scaleb(stampato.as_tuple().exponent)
            per_accesso[servizio, anno] = tonda(ore / accessi, esempio)
            per_utente[servizio, anno] = tonda(ore / utenti, DECIMO)
            stampati[servizio, anno] = stampato
    assert per_accesso == stampati
    assert stampati == {
        ("SAD", 2019): D("1.3"),
        ("SAD", 2020): D("1"),
        ("ADM", 2019): D("2.1"),
        ("ADM", 2020): D("1.8"),
    }
    assert per_utente == {
        ("SAD", 2019): D("97.1"),
        ("SAD", 2020): D("78.8"),
        ("ADM", 2019): D("35.3"),
        ("ADM", 2020): D("29.4"),
    }


def test_tab_3_4_testo_uguale_tabella():
    # «4 cooperative sociali, 1 associazione di solidarietà familiare, 2 associazioni per le pari
    # opportunità e 4 associazioni di promozione sociale, 20 unità di offerta sociale, 18
    # organizzazioni di volontariato e 11 fondazioni».
    valori = [D(r["valore"]) for r in righe(T34)]
    assert valori == [D(x) for x in (4, 1, 2, 4, 20, 18, 11)]
    assert sum(valori) == D("60")  # total not printed


# --------------------------------------------------------------------------------------------
# Alto Sebino, Tabella 4.1 (quote di spesa per area) and Tabella 4.2 (analisi utenze 2019)
# --------------------------------------------------------------------------------------------

T41 = "alto_sebino_tab_4_1.csv"
T42 = "alto_sebino_tab_4_2.csv"
AREE_42 = [
    "SVZ sociale professionale",
    "Minori-Famiglia",
    "Disabili",
    "Compartecipazione-servizi sociali sanitari integrati",
    "Anziani",
    "Emarginazione-povertà",
    "Immigrazione",
    "Salute mentale",
    "Dipendenze",
]
# The same areas as named in Tabelle 2.4 and 4.1 (4.2 spells out «sociali»).
AREA_24 = dict(zip(AREE_42, [a if a != AREE_42[3] else AREE_24[3] for a in AREE_42], strict=True))


def test_tab_4_1_colonne_sommano_a_100():
    somme = {}
    for r in righe(T41):
        somme[r["codice_territorio"]] = somme.get(r["codice_territorio"], D(0)) + D(r["valore"])
    # ASST Bergamo Est and Lombardia: 100,01% (rounding).
    assert somme == {"alto-sebino": D("100.00"), "asst-bergamo-est": D("100.01"), "03": D("100.01")}


def test_tab_4_2_quote_uguali_alla_tab_4_1():
    for area in AREE_42:
        assert valore(T42, "quota_spesa_sociale_pct", area) == valore(T41, "quota_spesa_sociale_pct", AREA_24[area])


def test_tab_4_2_spesa_somma_al_totale_del_testo_e_quote_ricalcolate():
    totale = valore(T42, "spesa_sociale_euro", "TOTALE secondo il par. 7.1")  # «2.358.046 Euro», par. 7.1
    assert sum(valore(T42, "spesa_euro", a) for a in AREE_42) == totale == D("2358046")
    for area in AREE_42:
        quota = tonda(valore(T42, "spesa_euro", area) / totale * 100, CENTESIMO)
        assert quota == valore(T42, "quota_spesa_sociale_pct", area), area


def test_tab_4_2_spesa_per_utente_del_testo_segue_da_spesa_e_utenti():
    stampati = {r["categoria"]: D(r["valore"]) for r in righe(T42) if r["misura"] == "spesa_per_utente_euro"}
    calcolati = {a: tonda(valore(T42, "spesa_euro", a) / valore(T42, "utenti", a), UNO) for a in stampati}
    assert calcolati == stampati
    # Emarginazione-povertà: 97.475 / 108 = 902,55…, printed 903.
    assert tonda(
        valore(T42, "spesa_euro", "Emarginazione-povertà") / valore(T42, "utenti", "Emarginazione-povertà"), CENTESIMO
    ) == D("902.55")
    # Not printed: Disabili 430.411 / 93 = 4.628 €; SVZ sociale professionale has 0 users.
    assert tonda(valore(T42, "spesa_euro", "Disabili") / valore(T42, "utenti", "Disabili"), UNO) == D("4628")
    assert valore(T42, "utenti", "SVZ sociale professionale") == 0
    assert set(stampati) == set(AREE_42) - {"SVZ sociale professionale", "Disabili"}


def test_tab_4_2_contro_tab_2_4_minori_famiglia_e_totale_differiscono_di_40851():
    # Tabella 4.2 (and par. 7.1) give Minori-Famiglia 558.742 and a total of 2.358.046; Tabella
    # 2.4 gives 517.891 and 2.317.195. Every other area is identical: the whole gap, 40.851 €, is in
    # Minori-Famiglia (resources by funding channel vs social spending: a different count).
    scarti = {
        a: valore(T42, "spesa_euro", a) - valore(T24, "spesa_sociale_euro", f"{AREA_24[a]}|TOTALE") for a in AREE_42
    }
    assert {a: s for a, s in scarti.items() if s} == {"Minori-Famiglia": D("40851")}
    assert valore(T42, "spesa_sociale_euro", "TOTALE secondo il par. 7.1") - valore(
        T24, "spesa_sociale_euro", "TOTALE"
    ) == D("40851")
    minori = trova("spesa_euro", 2019, prima_fonte="Minori e famiglia")
    assert (minori.prima_cifra, minori.seconda_cifra) == (
        valore(T42, "spesa_euro", "Minori-Famiglia"),
        valore(T24, "spesa_sociale_euro", f"{AREA_24['Minori-Famiglia']}|TOTALE"),
    )
    totale = trova("spesa_sociale_euro", 2019, prima_fonte="totale della spesa")
    assert (totale.prima_cifra, totale.seconda_cifra) == (
        valore(T42, "spesa_sociale_euro", "TOTALE secondo il par. 7.1"),
        valore(T24, "spesa_sociale_euro", "TOTALE"),
    )


def test_ogni_discordanza_ha_documento_spiegazione_e_due_cifre_diverse():
    assert tutte(), "conoscenza/data/discordanze.csv is empty"
    for d in tutte():
        assert d.documento in documenti(), d
        assert d.spiegazione.strip() and d.prima_fonte.strip() and d.seconda_fonte.strip(), d
        assert d.differenza != 0, d  # two equal figures are not a difference
    # Every file of extracted tables belongs to a known document.
    prefissi = tuple(doc.prefisso_file for doc in documenti().values())
    assert all(nome.startswith(prefissi) for nome in FILES)
    assert len(di_documento("pdz-alto-sebino-2021-2023")) == 12


def test_tab_4_1_4_2_testo_par_7_1():
    # «Con il 23% della spesa complessiva, l'area minori e famiglie …»: the table says 23,70%, which
    # rounds to 24% (the text truncates).
    minori = valore(T41, "quota_spesa_sociale_pct", "Minori-Famiglia")
    assert (tonda(minori, UNO), minori.quantize(UNO, rounding=ROUND_DOWN)) == (D("24"), D("23"))
    # «… inferiore rispetto alle relative percentuali di ASST e Regione che si attestano al 29% e al
    # 24%»: the Minori-Famiglia shares in Tabella 4.1 are 26,88% (ASST) and 35,29% (Lombardia); 29%
    # and 24% are the Disabili shares (29,41%, 24,25%): the text read the row below. Both recorded.
    for codice, testo, riga in (("asst-bergamo-est", "29", "26.88"), ("03", "24", "35.29")):
        assert valore(T41, "quota_spesa_sociale_pct", "Minori-Famiglia", codice=codice) == D(riga)
        assert tonda(valore(T41, "quota_spesa_sociale_pct", "Disabili", codice=codice), UNO) == D(testo)
        nota = trova("quota_spesa_sociale_pct", 2019, territorio=codice)
        assert (nota.prima_cifra, nota.seconda_cifra) == (D(testo), D(riga))
    # «… superiore di 23 punti percentuali rispetto ad ASST Bergamo EST e di 29 punti rispetto a
    # Regione Lombardia, le quali spendono rispettivamente il 19% e 13%»: the differences of the
    # table's columns, truncated as the text does (23,18 and 29,58).
    svz = [
        valore(T41, "quota_spesa_sociale_pct", AREE_24[0], codice=c) for c in ("alto-sebino", "asst-bergamo-est", "03")
    ]
    assert [(svz[0] - x).quantize(UNO, rounding=ROUND_DOWN) for x in svz[1:]] == [D("23"), D("29")]
    assert [tonda(x, UNO) for x in svz[1:]] == [D("19"), D("13")]
    # The other shares quoted: SVZ 42% (Lombardia 13%), compartecipazione 6%, anziani 4,5%.
    assert tonda(valore(T41, "quota_spesa_sociale_pct", "SVZ sociale professionale"), UNO) == D("42")
    assert tonda(valore(T41, "quota_spesa_sociale_pct", "SVZ sociale professionale", codice="03"), UNO) == D("13")
    assert tonda(valore(T41, "quota_spesa_sociale_pct", AREE_24[3]), UNO) == D("6")
    assert tonda(valore(T41, "quota_spesa_sociale_pct", "Anziani"), DECIMO) == D("4.5")


# --------------------------------------------------------------------------------------------
# Prologo provinciale 2012-2014 (provincia di Bergamo)
# --------------------------------------------------------------------------------------------

PS = "prologo_2012_spesa.csv"
PD = "prologo_2012_demografia.csv"
PF = "prologo_2012_forme_gestione.csv"


def test_prologo_popolazione_maschi_piu_femmine_uguale_totale():
    totale = valore(PD, "popolazione_31_12", "TOTALE", codice="BG", anno=2010)
    maschi = valore(PD, "popolazione_31_12", codice="BG", anno=2010, sesso="M")
    femmine = valore(PD, "popolazione_31_12", codice="BG", anno=2010, sesso="F")
    assert maschi + femmine == totale == D("1098740")


def test_prologo_spesa_pro_capite_2010_torna_con_la_popolazione_a_inizio_anno():
    spesa = valore(PS, "spesa_sociale_comuni_euro", codice="BG", anno=2010)
    stampato = valore(PS, "spesa_sociale_pro_capite", codice="BG", anno=2010)
    pop_fine = valore(PD, "popolazione_31_12", "TOTALE", codice="BG", anno=2010)  # al 1/1/2011
    # With the only population the Prologo prints (1/1/2011) the per-capita spending is 118,64 €,
    # not the printed 119,90 €.
    assert tonda(spesa / pop_fine, CENTESIMO) == D("118.64")
    assert stampato - tonda(spesa / pop_fine, CENTESIMO) == D("1.26")
    # With the population at 1/1/2010, rebuilt from the printed 2010 balances (natural +2.795,
    # migration +8.741; assumes no other change), it is exactly the printed 119,90 €.
    pop_inizio = (
        pop_fine
        - valore(PD, "saldo_naturale", codice="BG", anno=2010)
        - valore(PD, "saldo_migratorio", codice="BG", anno=2010)
    )
    assert pop_inizio == D("1087204")
    assert tonda(spesa / pop_inizio, CENTESIMO) == stampato == D("119.90")


def test_prologo_spesa_pro_capite_2004_popolazione_implicita():
    # The 2004 population is not printed: the one implied by 89.942.592,43 € and 89,60 € is about
    # 1.003.824 residents (1.003.768-1.003.879 given the rounding of 89,60).
    spesa = valore(PS, "spesa_sociale_comuni_euro", codice="BG", anno=2004)
    pro_capite = valore(PS, "spesa_sociale_pro_capite", codice="BG", anno=2004)
    assert tonda(spesa / pro_capite, UNO) == D("1003824")
    assert tonda(spesa / (pro_capite + D("0.005")), UNO) == D("1003768")
    assert tonda(spesa / (pro_capite - D("0.005")), UNO) == D("1003880")


def test_prologo_crescita_spesa_2004_2010_non_stampata_in_percentuale():
    # The Prologo prints only the two levels («passata dagli 89.942.592,43€ del 2004 ai
    # 130.351.138,53€ del 2010»; «dagli 89,60 € … ai 119,90 €»), no percentage. Recomputed:
    spesa = {a: valore(PS, "spesa_sociale_comuni_euro", codice="BG", anno=a) for a in (2004, 2010)}
    pro_capite = {a: valore(PS, "spesa_sociale_pro_capite", codice="BG", anno=a) for a in (2004, 2010)}
    assert spesa[2010] - spesa[2004] == D("40408546.10")
    assert tonda((spesa[2010] / spesa[2004] - 1) * 100, CENTESIMO) == D("44.93")
    assert tonda((pro_capite[2010] / pro_capite[2004] - 1) * 100, CENTESIMO) == D("33.82")


def test_prologo_quote_forma_associata_e_singola_sommano_a_100():
    quote = [D(r["valore"]) for r in righe(PS) if r["misura"] == "quota_spesa_forma_gestione_pct"]
    assert sum(quote) == D("100")
    # «il 24% dei 130.000.000€»: 130.000.000 is the 2010 spending rounded to the million.
    spesa = valore(PS, "spesa_sociale_comuni_euro", codice="BG", anno=2010)
    assert tonda(spesa / D("1000000"), UNO) * D("1000000") == D("130000000")


def test_prologo_indice_vecchiaia_aumento_in_un_anno():
    # «121,80 con un peggioramento rispetto all'anno precedente (pari a 114,2)»: +7,6 points in one
    # year, an unusually large step for a provincial population (cannot be checked from the source).
    assert valore(PD, "indice_vecchiaia", codice="BG", anno=2010) - valore(
        PD, "indice_vecchiaia", codice="BG", anno=2009
    ) == D("7.60")
    # «inferiore sia rispetto a quello di Regione Lombardia, sia rispetto a quello nazionale
    # (entrambi pari a 141)».
    vecchiaia = {cod: valore(PD, "indice_vecchiaia", codice=cod, anno=2010) for cod in ("BG", "03", "IT")}
    assert vecchiaia["BG"] < vecchiaia["03"] == vecchiaia["IT"] == D("141")


def test_prologo_forme_di_gestione_ogni_servizio_somma_a_14_ambiti():
    somme = {}
    for r in righe(PF):
        if r["misura"] == "ambiti_per_forma_gestione":
            servizio = r["categoria"].split("|")[0]
            somme[servizio] = somme.get(servizio, D(0)) + D(r["valore"])
    assert somme == {
        "Segretariato sociale": D("14"),
        "Servizio sociale professionale": D("14"),
        "Tutela minori": D("14"),
        "ADM": D("14"),
        "SADH o ADH": D("14"),
        "SAD": D("14"),
    }
    # Tutela minori: «Forma associata 14», «Forma mista 0», and for «Forma singola», instead of a
    # number of Ambiti, «9 Comuni appartenenti a diversi Ambiti, gestiscono il servizio di tutela»:
    # those 9 Comuni manage it on their own although all 14 Ambiti are counted as «associata».
    assert valore(PF, "comuni_per_forma_gestione", "Tutela minori|Forma singola", codice="BG") == D("9")


def test_prologo_enti_gestori_sommano_a_14_ambiti():
    for anno in (2002, 2010):
        somma = sum(
            D(r["valore"]) for r in righe(PF) if r["misura"] == "ambiti_per_ente_gestore" and r["anno"] == str(anno)
        )
        assert somma == D("14"), anno
