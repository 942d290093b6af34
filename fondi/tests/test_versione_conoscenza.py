"""The residents the what-if splits by are cached per version of the knowledge base's data
(zona.lib.cache.CONOSCENZA), not per version of every datum: a fund movement leaves them, a
population load, a deleted load and a Comune moved to another Ambito recompute them."""

import datetime

import pytest

from conoscenza.services import importa_dati
from fondi import services
from programmazione import popolazione
from territorio.models import AppartenenzaComune
from testsupport.fabbriche import INIZIO, utente_con_ruolo
from zona.lib.cache import CONOSCENZA, versione_dati

pytestmark = pytest.mark.django_db
INTESTAZIONE = "livello,codice_territorio,anno,misura,eta_da,eta_a,sesso,categoria,valore\n"


@pytest.fixture
def calcoli(monkeypatch):
    """How many times the residents were computed (not read from the cache)."""
    fatti = []
    originale = popolazione._residenti
    monkeypatch.setattr(popolazione, "_residenti", lambda anno: fatti.append(anno) or originale(anno))
    return fatti


def test_a_fund_movement_keeps_the_residents_and_a_population_load_recomputes_them(registro_minimo, calcoli):
    ambiti, comuni = popolazione.residenti(2023)
    assert (ambiti["lago"], comuni["016901"], len(calcoli)) == (1800, 1000, 1)
    globale, conoscenza = versione_dati(), versione_dati(CONOSCENZA)

    udp = utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago)
    data = datetime.date(2025, 3, 1)
    services.registra_movimento(udp, "lago", "fsr", 2025, "assegnazione", "1000.00", "Decreto 1", data)
    assert versione_dati() != globale  # audited: every page cached by the global version is recomputed
    assert versione_dati(CONOSCENZA) == conoscenza
    assert popolazione.residenti(2023)[0]["lago"] == 1800 and len(calcoli) == 1  # from the cache

    # A new count of one Comune (its three age bands replace those of the first load).
    righe = [("0", "14", 240), ("15", "64", 600), ("65", "", 260)]
    testo = INTESTAZIONE + "".join(f"comune,016901,2023,popolazione_residente,{a},{b},,,{n}\n" for a, b, n in righe)
    caricamento = importa_dati(testo.encode(), "popolazione-016901.csv")
    assert versione_dati(CONOSCENZA) != conoscenza
    ambiti, comuni = popolazione.residenti(2023)
    assert (ambiti["lago"], comuni["016901"], len(calcoli)) == (1900, 1100, 2)

    # The load deleted (its values with it): recomputed, the same as computing afresh.
    caricamento.delete()
    assert popolazione.residenti(2023) == popolazione._residenti(2023) and len(calcoli) == 4
    assert "016901" not in popolazione.residenti(2023)[1]  # the first load's values stay replaced


def test_a_comune_moved_into_an_ambito_recomputes_the_residents(registro_minimo, calcoli):
    assert popolazione.residenti(2023)[0]["pianura"] == 3000
    AppartenenzaComune.objects.create(comune_id="016906", ambito=registro_minimo.pianura, dal=INIZIO)
    assert popolazione.residenti(2023)[0]["pianura"] == 3100 and len(calcoli) == 2


def test_a_population_load_computes_the_residents_when_it_is_committed(
    registro_minimo, calcoli, django_capture_on_commit_callbacks
):
    """The first what-if after a population load reads the residents from the cache: the load
    computed them once its transaction committed; a load of another measure computes nothing."""
    assert popolazione.residenti(2023)[0]["lago"] == 1800 and calcoli == [2023]
    righe = [("0", "14", 240), ("15", "64", 600), ("65", "", 260)]
    testo = INTESTAZIONE + "".join(f"comune,016901,2023,popolazione_residente,{a},{b},,,{n}\n" for a, b, n in righe)
    with django_capture_on_commit_callbacks(execute=True) as richiamati:
        importa_dati(testo.encode(), "popolazione-016901.csv")
    assert len(richiamati) == 1  # once, however many times the load was saved
    assert calcoli == [2023, 2023]
    assert popolazione.residenti(2023)[0]["lago"] == 1900 and len(calcoli) == 2  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        importa_dati((INTESTAZIONE + "comune,016901,2023,utenti,,,,SAD,10\n").encode(), "utenti.csv")
    assert len(calcoli) == 2
