"""ASST as a level of the knowledge base (issue 15, point 5): computed by the same code as the
Distretto and the ATS (calcola, the API, the Ambito's comparisons), printed values stored at the
level, and the ASST columns of Tab. 2.3 and 4.1 of Alto Sebino 2021-2023."""

import datetime
from decimal import Decimal

import pytest

from conoscenza.models import Livello, ValorePubblicato
from conoscenza.selectors import calcola, calcola_livelli, calcola_territorio
from conoscenza.services import importa_dati
from territorio.models import AmbitoDistretto, Distretto
from territorio.selectors import comuni_del_territorio
from zona.lib.tabular import FileRifiutato

pytestmark = pytest.mark.django_db


def test_an_asst_sums_its_distretti_and_counts_an_ambito_once_when_it_changes_distretto(registro_minimo):
    """Lago (1.810 residents in 2022, 1.800 in 2023) and Pianura (3.000) in one ASST; Pianura moves
    on 1/1/2023 to a second Distretto of the same ASST: the ASST keeps both, once."""
    asst = registro_minimo.distretto.asst
    due = Distretto.objects.create(codice="distretto-due", nome="Distretto Due", asst=asst)
    AmbitoDistretto.objects.filter(ambito_id="pianura").update(al=datetime.date(2022, 12, 31))
    AmbitoDistretto.objects.create(ambito_id="pianura", distretto=due, dal=datetime.date(2023, 1, 1))
    livelli = [Livello.DISTRETTO, Livello.ASST, Livello.ATS]
    for metodo in ("per_livello", None):  # None: the one query on PostgreSQL, per level elsewhere
        valori = calcola_livelli(livelli, anni=[2022, 2023], indicatori=["popolazione"], metodo=metodo)
        assert valori[Livello.ASST] == {
            (asst.pk, 2022, "popolazione"): 4810,
            (asst.pk, 2023, "popolazione"): 4800,
        }, metodo
        assert valori[Livello.DISTRETTO][(registro_minimo.distretto.pk, 2023, "popolazione")] == 1800
        assert valori[Livello.DISTRETTO][("distretto-due", 2023, "popolazione")] == 3000
        assert valori[Livello.ATS][(asst.ats_id, 2023, "popolazione")] == 4800
    # The level agrees with the one rule of every territory (the Comuni that belong on the day).
    for anno in (2022, 2023):
        figura = calcola_territorio("asst", asst.pk, anno, ["popolazione", "indice_vecchiaia"])
        assert figura.comuni == comuni_del_territorio("asst", asst.pk, datetime.date(anno, 1, 1))
        calcolati = calcola(Livello.ASST, anni=[anno], territori=[asst.pk])
        assert figura.valori == {i: calcolati[(asst.pk, anno, i)] for i in figura.valori}


def test_the_api_and_the_importer_know_the_asst(registro_minimo, client):
    risposta = client.get("/api/indicatori/valori", {"livello": "asst", "anno": 2023, "indicatore": "popolazione"})
    assert risposta.status_code == 200
    assert risposta.json() == [
        {
            "livello": "asst",
            "codice_territorio": "asst-prova",
            "territorio": "ASST di Prova",
            "anno": 2023,
            "indicatore": "popolazione",
            "valore": 4800.0,
        }
    ]
    assert client.get("/api/indicatori/valori", {"livello": "asl"}).status_code == 422
    testata = b"livello,codice_territorio,anno,misura,categoria,valore\n"
    importa_dati(testata + b"asst,asst-prova,2019,quota_entrate_pct,Comune,81.9\n", "asst.csv")
    stampato = ValorePubblicato.objects.get(livello="asst")
    assert (stampato.codice_territorio, stampato.categoria, stampato.valore) == (
        "asst-prova",
        "Comune",
        Decimal("81.9"),
    )
    with pytest.raises(FileRifiutato, match="non è un territorio di livello asst"):
        importa_dati(testata + b"asst,asst-nessuna,2019,quota_entrate_pct,Comune,1\n", "ignota.csv")


def test_alto_sebino_beside_asst_bergamo_est(demo_db, client):
    """The ASST columns of Tab. 2.3 and 4.1 are stored as printed. Zona cannot recompute them (the
    plan prints no amount of the other six Ambiti of the ASST): the figure it computes for ASST
    Bergamo Est is its population, the sum of its seven Ambiti; the text's «29%» for the ASST's
    Minori-Famiglia share is the Disabili row (discordanze.csv), shown next to the printed value."""
    stampati = {
        (p.indicatore_id, p.categoria): p.valore
        for p in ValorePubblicato.objects.filter(livello="asst", codice_territorio="asst-bergamo-est", anno=2019)
    }
    assert len(stampati) == 18
    assert stampati[("quota_entrate_pct", "Comune")] == Decimal("81.9")
    assert stampati[("quota_spesa_sociale_pct", "Disabili")] == Decimal("29.41")
    ambiti = calcola(Livello.AMBITO, anni=[2023], indicatori=["popolazione"])
    distretti = AmbitoDistretto.objects.valid_on(datetime.date(2023, 1, 1)).filter(distretto__asst="asst-bergamo-est")
    sette = sorted(distretti.values_list("ambito_id", flat=True))
    assert len(sette) == 7 and "alto-sebino" in sette
    asst = calcola(Livello.ASST, anni=[2023], indicatori=["popolazione"])[("asst-bergamo-est", 2023, "popolazione")]
    assert asst == sum(ambiti[(a, 2023, "popolazione")] for a in sette)
    pagina = client.get("/ambiti/alto-sebino/quadro-conoscitivo/").content.decode()
    assert "ASST Bergamo Est" in pagina and f"{asst:,}".replace(",", ".") in pagina
    assert (
        "26,88" in pagina
        and "Par. 7.1, quota dell&#x27;area minori e famiglia dell&#x27;ASST («29%»): 29,00; Tab. 4.1" in pagina
    )
