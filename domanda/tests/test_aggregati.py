"""Aggregates: a user is a person at every level; the export's layout and suppression."""

import csv
import datetime
import io
import random
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from domanda import codice_fiscale as cf
from domanda import selectors
from domanda.importa import COLONNE, importa_estratto
from domanda.models import Episodio, VisioneRiservata
from domanda.services import elimina_scaduti

pytestmark = pytest.mark.django_db


def _cf(i, sesso="M", aa=50):
    return cf.componi("RSSMRA", aa, 1 + i % 12, 1 + i % 28, sesso, f"A{100 + i}")


def _carica(righe, erogatore="016901", periodo=2024):
    testo = (
        ",".join(COLONNE)
        + "\n"
        + "\n".join(
            f"{erogatore},{codice},{res},,,{area},{interv},2024-03-01,,2,10.00,1.00"
            for codice, res, area, interv in righe
        )
    )
    return importa_estratto(testo.encode(), "x.csv", periodo=periodo)


@pytest.fixture
def estratti(registro_minimo):
    # The mover: one person resident in 016901 and then 016902 (both Lago), served by two
    # erogatori. In Lago: SAD (D1) for the mover and five more, transport (E2) for one, a day
    # centre (H1) for seven; in Pianura one minor.
    mover = _cf(0)
    _carica(
        [(mover, "016901", "anziani", "D1"), (_cf(6), "016902", "anziani", "E2")]
        + [(_cf(i), "016902", "anziani", "D1") for i in range(1, 6)]
        + [(_cf(i), "016903", "anziani", "H1") for i in range(7, 14)]
    )
    _carica(
        [(mover, "016902", "anziani", "D1"), (_cf(20, "F", 15), "016904", "famiglia_minori", "C2")], erogatore="016904"
    )
    return registro_minimo


def _utenti(livello, codice, area="TOTALE", intervento=""):
    return {(a.area, a.intervento): a.utenti for a in selectors.aggregati(livello, 2024, [codice])}.get(
        (area, intervento)
    )


def test_a_person_counts_once_at_every_level(estratti):
    assert _utenti("comune", "016901") == 1
    assert _utenti("comune", "016902") == 7  # the mover, five on SAD, one on transport
    assert _utenti("comune", "016901") + _utenti("comune", "016902") + _utenti("comune", "016903") == 15
    assert _utenti("ambito", "lago") == 14  # not 15: the mover once, though in two Comuni and two erogatori
    assert _utenti("ambito", "lago", "anziani", "D1") == 6
    assert _utenti("ambito", "lago", "anziani", "E2") == 1
    assert _utenti("ambito", "pianura") == 1
    assert _utenti("distretto", "distretto-prova") == 15
    assert _utenti("asst", "asst-prova") == 15
    assert _utenti("ats", "ats-prova") == 15
    interventi = {(a.area, a.intervento): a.interventi for a in selectors.aggregati("ambito", 2024, ["lago"])}
    assert interventi[("TOTALE", "")] == 15  # rows: the mover's two SAD rows both count
    assert selectors.per_sesso_eta("ambito", 2024, "pianura") == {("F", "0-17"): 1}


def test_export_layout_and_suppression(estratti):
    out = io.StringIO()
    call_command("export_domanda", livello="ambito", anno="2024", stdout=out)
    righe = out.getvalue().splitlines()
    assert righe[0] == "livello,codice_territorio,territorio,anno,area_utenza,codice_intervento,utenti,interventi,spesa"
    assert righe[1:] == [
        # Lago: E2 (1 user) is primary; SAD (6, the smallest other cell) goes with it, or E2
        # would be 14 - 6 - 7 = 1 from the area's total. Lago's total goes too: the Distretto's
        # (15 users, shown) minus Lago's would give Pianura's one user; and with it the area,
        # Lago's only one.
        "ambito,lago,Lago,2024,anziani,,n.d.,n.d.,n.d.",
        "ambito,lago,Lago,2024,anziani,D1,n.d.,n.d.,n.d.",
        "ambito,lago,Lago,2024,anziani,E2,<5,<5,<5",
        "ambito,lago,Lago,2024,anziani,H1,7,7,70.00",
        "ambito,lago,Lago,2024,TOTALE,,n.d.,n.d.,n.d.",
        "ambito,pianura,Pianura,2024,famiglia_minori,,<5,<5,<5",
        "ambito,pianura,Pianura,2024,famiglia_minori,C2,<5,<5,<5",
        "ambito,pianura,Pianura,2024,TOTALE,,<5,<5,<5",
    ]
    assert not VisioneRiservata.objects.exists()


def test_unsuppressed_export_warns_and_is_logged(estratti):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_domanda", "--senza-oscuramento", livello="ambito", anno="2024", stdout=out, stderr=err)
    assert "ambito,pianura,Pianura,2024,famiglia_minori,C2,1,1,10.00" in out.getvalue()
    assert "NON oscurati" in err.getvalue()
    visione = VisioneRiservata.objects.get()
    assert visione.nome_utente == "sistema (comando)" and "--senza-oscuramento" in visione.cosa


def test_retention_deletes_rows_and_keeps_aggregates(estratti):
    prima = selectors.aggregati("ambito", 2024)

    # Rows of 2024 kept five years: until 31/12/2029.
    assert elimina_scaduti(5, oggi=datetime.date(2029, 12, 31)) == (0, 0)
    # The mover again in 2025: kept, with its pseudonym.
    _carica([(_cf(0), "016901", "anziani", "D1")], periodo=2025)
    caricamenti, righe = elimina_scaduti(5, oggi=datetime.date(2030, 1, 1))
    assert (caricamenti, righe) == (2, 16)
    # The pseudonyms of the expired rows go with them: only the 2025 row's is left.
    assert list(Episodio.objects.values_list("persona", flat=True)) == [cf.pseudonimo(_cf(0))]
    assert sorted(selectors.aggregati("ambito", 2024), key=str) == sorted(prima, key=str)


def test_new_users_and_people_in_charge_on_31_december(estratti):
    s = selectors.sintesi("ambito", 2024, "lago")
    assert (s.utenti, s.nuovi, s.in_carico_31_dicembre) == (14, None, 14)  # no 2023 extract: unknown
    # 2023: the mover and one other, the other's intervention ended in March.
    testo = (
        ",".join(COLONNE)
        + "\n"
        + "\n".join(
            [
                f"016901,{_cf(0)},016901,,,anziani,D1,2023-01-10,,1,1,0",
                f"016901,{_cf(1)},016902,,,anziani,D1,2023-01-10,2023-03-31,1,1,0",
            ]
        )
    )
    importa_estratto(testo.encode(), "2023.csv", periodo=2023)
    s = selectors.sintesi("ambito", 2024, "lago")
    assert s.nuovi == 12
    assert selectors.sintesi("ambito", 2023, "lago").in_carico_31_dicembre == 1


def test_no_hidden_cell_follows_from_the_exports_of_every_level(estratti):
    """What a reader has: the suppressed exports of every level. Lago's TOTALE minus two of its
    Comuni gave the third (the mover's Comune, one person) before the rule crossed levels; no
    linear combination of published cells gives a hidden one now."""
    from domanda.tests.test_oscuramento import _determinati_esatto

    pubblicati = {}
    for livello in selectors.LIVELLI:
        out = io.StringIO()
        call_command("export_domanda", livello=livello, anno="2024", stdout=out)
        for r in csv.DictReader(io.StringIO(out.getvalue())):
            chiave = (livello, r["codice_territorio"], r["area_utenza"], r["codice_intervento"])
            pubblicati[chiave] = r["interventi"]
    assert pubblicati[("comune", "016901", "TOTALE", "")] == "<5"
    # Lago's 15 interventions minus 016902's 7 and 016903's 7 gave 016901's 1 before.
    lago = [("ambito", "lago"), ("comune", "016902"), ("comune", "016903")]
    assert "n.d." in [pubblicati[(*t, "TOTALE", "")] for t in lago]
    figli = {
        ("ambito", "lago"): [("comune", c) for c in ("016901", "016902", "016903")],
        ("ambito", "pianura"): [("comune", c) for c in ("016904", "016905")],
        ("distretto", "distretto-prova"): [("ambito", "lago"), ("ambito", "pianura")],
        ("asst", "asst-prova"): [("distretto", "distretto-prova")],
        ("ats", "ats-prova"): [("asst", "asst-prova")],
    }
    linee = []
    territori = {k[:2] for k in pubblicati}
    for t in territori:
        chiavi = {k[2:] for k in pubblicati if k[:2] == t}
        for area in {a for a, i in chiavi if a != "TOTALE"}:
            linee.append(((*t, area, ""), [(*t, area, i) for a, i in chiavi if a == area and i]))
        linee.append(((*t, "TOTALE", ""), [(*t, a, "") for a, i in chiavi if a != "TOTALE" and not i]))
        for area, intervento in chiavi:
            celle = [(*f, area, intervento) for f in figli.get(t, []) if (*f, area, intervento) in pubblicati]
            if celle:
                linee.append(((*t, area, intervento), celle))
    nascosti = {k for k, v in pubblicati.items() if v in ("<5", "n.d.")}
    assert nascosti and _determinati_esatto(linee, nascosti) == set()


def test_every_level_in_one_statement_equals_each_level_on_its_own(estratti):
    """aggregati_livelli (on PostgreSQL one statement: the people counted per Comune, the movers
    taken off where two of their Comuni fall in one territory) gives what the per-territory
    query (COUNT(DISTINCT) over the rows) gives, at every level."""
    # One more mover across Ambiti and areas, to have movers in both kinds of territory.
    _carica(
        [
            (_cf(30), "016903", "disabili", "C1"),
            (_cf(30), "016904", "disabili", ""),
            (_cf(31), "016905", "anziani", "D1"),
        ],
        erogatore="016905",
    )
    tutti = selectors.aggregati_livelli(2024)
    assert set(tutti) == set(selectors.LIVELLI)
    for livello in selectors.LIVELLI:
        codici = sorted(selectors.composizione(livello, 2024)) if livello != "comune" else None
        if codici is None:
            codici = sorted({a.codice_territorio for a in tutti["comune"]})
        uno_per_uno = selectors.aggregati(livello, 2024, codici)  # the per-territory query
        assert sorted(tutti[livello], key=repr) == sorted(uno_per_uno, key=repr), livello
        assert sorted(selectors.aggregati(livello, 2024), key=repr) == sorted(uno_per_uno, key=repr)
    assert {(a.area, a.intervento): a.utenti for a in tutti["ats"]}[("TOTALE", "")] == 17  # 15 + the two new people


def test_every_cell_of_every_level_is_the_distinct_people_of_its_rows(registro_minimo):
    """A seeded random year, counted here in Python: people in one Comune or several (of one
    Ambito or two), several areas and interventions each, repeated and uncoded interventions,
    three loads; 016903 passes from Lago to Pianura on 1 July, so in 2024 it is in both, and
    016906 is in no Ambito. Every cell of every level is the number of distinct people of its
    territory's rows, the rows and the expenditure their count and sum."""
    from territorio.models import AppartenenzaComune

    AppartenenzaComune.objects.filter(comune_id="016903").update(al=datetime.date(2024, 6, 30))
    AppartenenzaComune.objects.create(comune_id="016903", ambito=registro_minimo.pianura, dal=datetime.date(2024, 7, 1))
    caso = random.Random(13)
    comuni = ["016901", "016902", "016903", "016904", "016905", "016906"]
    interventi = {"anziani": ["D1", "E2", "H1", ""], "disabili": ["C1", ""], "famiglia_minori": ["C2"]}
    righe = {"016901": [], "016904": [], "016905": []}  # per erogatore: one load each
    for i in range(60):
        casa = caso.sample(comuni, 1 + (caso.random() < 0.4) + (caso.random() < 0.2))
        aree = caso.sample(sorted(interventi), 1 + (caso.random() < 0.3))
        for _ in range(caso.randint(1, 6)):
            area = caso.choice(aree)
            riga = (_cf(i), caso.choice(casa), area, caso.choice(interventi[area]))
            righe[caso.choice(sorted(righe))].append(riga)
    for erogatore, del_file in righe.items():
        _carica(del_file, erogatore=erogatore)
    tutte = [r for del_file in righe.values() for r in del_file]

    tutti = selectors.aggregati_livelli(2024)
    for livello in selectors.LIVELLI:
        composizione = selectors.composizione(livello, 2024) if livello != "comune" else {c: {c} for c in comuni}
        persone, quante = defaultdict(set), defaultdict(int)
        for codice, del_territorio in composizione.items():
            for persona, comune, area, intervento in tutte:
                if comune in del_territorio:
                    for cella in ((area, intervento or selectors.SENZA_CODICE), (area, ""), (selectors.TOTALE, "")):
                        persone[(codice, *cella)].add(persona)
                        quante[(codice, *cella)] += 1
        attesi = {k: (len(v), quante[k], Decimal(10 * quante[k])) for k, v in persone.items()}
        ottenuti = {
            (a.codice_territorio, a.area, a.intervento): (a.utenti, a.interventi, a.spesa) for a in tutti[livello]
        }
        assert ottenuti == attesi, livello
        codici = sorted(composizione) if livello != "comune" else sorted({c for _, c, _, _ in tutte})
        assert sorted(selectors.aggregati(livello, 2024, codici), key=repr) == sorted(tutti[livello], key=repr)
    mobili = {p for p, c, _, _ in tutte if any(q == p and d != c for q, d, _, _ in tutte)}
    assert 10 < len(mobili) < 40  # the seed gives both kinds of people


def test_a_code_outside_the_reference_data_stops_the_one_statement(estratti):
    """On PostgreSQL a row's cell is a number made of its codes' numbers: a code outside the
    reference data (the rows' foreign keys are not enforced by the database) would leave the
    row out of the counts, so the figures are refused instead."""
    if connection.vendor != "postgresql":
        pytest.skip("the one statement runs on PostgreSQL")
    Episodio.objects.filter(comune_residenza_id="016903").update(area_id="sconosciuta")
    with pytest.raises(ValueError, match="7 righe del 2024"):
        selectors.aggregati_livelli(2024)
