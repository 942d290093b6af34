"""The loads' totals per Comune (TotaleComune): kept equal to the sums of the active values on
every path that writes or deactivates them, and the indicators, residents and splits computed
from them equal those of the full scan of the observations."""

import datetime
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conoscenza import selectors
from conoscenza.models import Caricamento, Livello, Osservazione, TotaleComune
from conoscenza.selectors import calcola_livelli, somme_dei_comuni
from conoscenza.services import disattiva, importa_dati
from fondi import riparto as riparto_comuni
from programmazione import popolazione
from territorio.models import AppartenenzaComune

INTESTAZIONE = b"livello,codice_territorio,anno,misura,eta_da,eta_a,sesso,categoria,valore\n"


def per_eta_e_sesso(codice, anno, base):
    """A Comune's residents by single year of age (0-3 and 4 and over) and sex."""
    righe = b""
    for eta_da, eta_a in ((0, 0), (1, 1), (2, 2), (3, 3), (4, "")):
        for i, sesso in enumerate("MF"):
            righe += (
                f"comune,{codice},{anno},popolazione_residente,{eta_da},{eta_a},{sesso},,{base + eta_da + i}\n".encode()
            )
    return righe


def somme_attive():
    """What TotaleComune must hold: the active Comune values summed as it groups them."""
    somme = defaultdict(int)
    for c, m, comune, anno, giorno, cat, v in Osservazione.objects.filter(
        livello=Livello.COMUNE, attiva=True, misura_id="popolazione_residente"
    ).values_list("caricamento_id", "misura_id", "comune_id", "anno", "data_riferimento", "categoria", "valore"):
        somme[(c, m, comune, anno, giorno, cat)] += v
    return dict(somme)


def totali():
    campi = ["caricamento_id", "misura_id", "comune_id", "anno", "data_riferimento", "categoria"]
    return {tuple(r[:-1]): r[-1] for r in TotaleComune.objects.values_list(*campi, "valore")}


def calcoli(monkeypatch, usa_totali):
    monkeypatch.setattr(selectors, "USA_TOTALI", usa_totali)
    metodi = ["per_livello"] + (["insieme"] if connection.vendor == "postgresql" else [])
    territori = ["lago", "pianura", "distretto-prova"]
    risultati = {metodo: calcola_livelli(indicatori=["popolazione", "densita"], metodo=metodo) for metodo in metodi}
    risultati["comuni"] = calcola_livelli(
        [Livello.AMBITO, Livello.DISTRETTO], indicatori=["popolazione"], territori=territori, metodo="comuni"
    )
    risultati["residenti"] = [popolazione._residenti(anno) for anno in (2022, 2023)]
    risultati["fondi"] = [riparto_comuni.residenti(None, anno) for anno in (2022, 2023)]
    risultati["fondi_lago"] = riparto_comuni.residenti(["016901", "016902"], 2023)
    risultati["fascia"] = riparto_comuni.residenti(None, 2023, 0, 2)
    return risultati


@pytest.mark.django_db
def test_totals_follow_every_change_and_give_the_numbers_of_the_full_scan(registro_minimo, monkeypatch):
    assert totali() == somme_attive() and len(totali()) == 12  # the factory's load: 6 Comuni, 2 years
    # A load by age and sex that replaces two Comuni of 2023 of the first load (its values of
    # them deactivated one by one) and brings one more reference date for a third.
    nuovo = importa_dati(
        INTESTAZIONE + per_eta_e_sesso("016901", 2023, 100) + per_eta_e_sesso("016904", 2023, 200), "pop-2023.csv"
    )
    assert Osservazione.objects.filter(caricamento=registro_minimo.caricamento, attiva=False).count() == 6
    assert totali() == somme_attive()
    # The same file again: the previous one superseded as a whole (its totals stay, unread).
    di_nuovo = importa_dati(
        INTESTAZIONE + per_eta_e_sesso("016901", 2023, 100) + per_eta_e_sesso("016904", 2023, 200), "pop-2023.csv"
    )
    nuovo.refresh_from_db()
    assert nuovo.sostituito_da == di_nuovo
    assert totali() == somme_attive()
    # A load of another Comune, then deleted: its totals go with it.
    tolto = importa_dati(INTESTAZIONE + per_eta_e_sesso("016905", 2022, 300), "pop-2022.csv")
    assert TotaleComune.objects.filter(caricamento=tolto).count() == 1
    tolto.delete()
    assert totali() == somme_attive()
    # Values deactivated outside an import (as the demand's publication does).
    disattiva(Osservazione.objects.filter(caricamento=registro_minimo.caricamento, comune_id="016902", anno=2022))
    assert totali() == somme_attive()
    # A Comune that changes Ambito, and values of a year on a second reference date.
    AppartenenzaComune.objects.filter(comune_id="016903").update(al=datetime.date(2022, 12, 31))
    AppartenenzaComune.objects.create(comune_id="016903", ambito_id="pianura", dal=datetime.date(2023, 1, 1))
    importa_dati(
        b"livello,codice_territorio,anno,misura,valore\n"
        + b"".join(f"comune,{c},2023,superficie_kmq,{i + 5}\n".encode() for i, c in enumerate(registro_minimo.comuni)),
        "superfici.csv",
    )

    # A figure stored at the Ambito (counted where its Comuni have none): a load of the residents.
    importa_dati(
        b"livello,codice_territorio,anno,misura,valore\nambito,lago,2019,popolazione_residente,1750\n", "a.csv"
    )
    for anno in (2019, 2022, 2023):
        ids = Osservazione.objects.attive().filter(anno=anno, misura_id="popolazione_residente")
        attese = list(Caricamento.objects.filter(pk__in=ids.values("caricamento_id")).order_by("creato_il"))
        assert popolazione.fonti_popolazione(anno) == attese and attese, anno

    with CaptureQueriesContext(connection) as letture:
        dai_totali = calcoli(monkeypatch, True)
    assert any(TotaleComune._meta.db_table in q["sql"] for q in letture.captured_queries)
    dalla_scansione = calcoli(monkeypatch, False)
    assert dai_totali == dalla_scansione
    # Figures someone could get wrong: Lago in 2023 without Sant'Andrea (moved), Borgo sul Lago
    # from the last load (0-3 and 4+, both sexes), Monte Alto of 2022 deactivated.
    borgo = sum(2 * (100 + eta) + 1 for eta in range(5))
    assert dai_totali["residenti"][1][1]["016901"] == borgo
    assert dai_totali["residenti"][1][0]["lago"] == borgo + 500
    assert dai_totali["residenti"][1][0]["pianura"] == sum(2 * (200 + eta) + 1 for eta in range(5)) + 1000 + 300
    assert "016902" not in dai_totali["residenti"][0][1]
    assert dai_totali["fascia"]["016901"] == sum(2 * (100 + eta) + 1 for eta in range(3))
    assert somme_dei_comuni("popolazione_residente", 2023, ["016904"]) == {
        "016904": sum(2 * (200 + e) + 1 for e in range(5))
    }
