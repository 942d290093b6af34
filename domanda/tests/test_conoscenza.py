"""The demand in the knowledge base: the catalogue's indicators from the published (suppressed)
figures only, and a plan's indicator linked to one of them measured by the monitoring."""

from decimal import Decimal

import pytest

from conoscenza.models import Indicatore, Osservazione
from conoscenza.selectors import calcola
from domanda import codice_fiscale as cf
from domanda.importa import COLONNE, importa_estratto
from domanda.oscuramento import chiave_aggregato, pubblicazione
from programmazione.models import IndicatoreObiettivo
from testsupport.fabbriche import utente_con_ruolo

pytestmark = pytest.mark.django_db

INDICATORI = ["utenti_csi_per_1000", "utenti_csi_disabili_per_1000", "spesa_csi_per_utente"]


def _cf(i):
    return cf.componi("BNCLRA", 30 + i % 40, 1 + i % 12, 1 + i % 28, "MF"[i % 2], f"C{100 + i}")


def _testo(righe):
    return (
        ",".join(COLONNE)
        + "\n"
        + "\n".join(f"016901,{_cf(i)},{res},,,{area},{interv},2023-02-01,,1,30.00,0" for i, res, area, interv in righe)
    ).encode()


@pytest.fixture
def estratto_2023(registro_minimo):
    # Lago: elderly on SAD (12 in 016902, 7 in 016903) and transport (6 in 016902), 2 disabled
    # in 016903 (primary everywhere); Pianura: minors (6 in 016904, 5 in 016905). 30 € a row.
    righe = [(i, "016902", "anziani", "D1") for i in range(12)]
    righe += [(i, "016903", "anziani", "D1") for i in range(40, 47)]
    righe += [(i, "016902", "anziani", "E2") for i in range(50, 56)]
    righe += [(i, "016903", "disabili", "C1") for i in range(20, 22)]
    righe += [(i, "016904", "famiglia_minori", "C2") for i in range(30, 36)]
    righe += [(i, "016905", "famiglia_minori", "C2") for i in range(60, 65)]
    importa_estratto(_testo(righe), "2023.csv", periodo=2023)
    return registro_minimo


def test_only_published_values_reach_the_catalogue(estratto_2023):
    pub = pubblicazione(2023)
    osservazioni = Osservazione.objects.attive().filter(misura_id="utenti_csi")
    for o in osservazioni:
        assert not pub.oscurato(chiave_aggregato(o.livello, o.codice_territorio, o.categoria, ""))
    # Lago's disabled (2) are primary: no value, and no rate to multiply back.
    assert not osservazioni.filter(codice_territorio="lago", categoria="disabili").exists()
    valori = calcola("ambito", anni=[2023], indicatori=INDICATORI)
    assert ("lago", 2023, "utenti_csi_disabili_per_1000") not in valori
    shown = {(o.codice_territorio, o.categoria) for o in osservazioni.filter(livello="ambito")}
    assert ("pianura", "TOTALE") in shown
    residenti = calcola("ambito", anni=[2023], indicatori=["popolazione"])[("pianura", 2023, "popolazione")]
    assert valori[("pianura", 2023, "utenti_csi_per_1000")] == (Decimal(11000) / residenti).normalize()
    assert valori[("pianura", 2023, "spesa_csi_per_utente")] == Decimal("30")


def test_a_new_extract_replaces_the_year_in_the_catalogue(estratto_2023):
    prima = set(Osservazione.objects.attive().filter(misura_id="utenti_csi").values_list("pk", flat=True))
    assert prima
    importa_estratto(_testo([(99, "016902", "anziani", "D1")]), "bis.csv", periodo=2023)  # same erogatore, year
    attive = Osservazione.objects.attive().filter(misura_id="utenti_csi")
    # Everything replaced; the one user left is primary at every level: nothing stays.
    assert not attive.exists()


def test_a_plan_indicator_linked_to_the_demand_is_measured(estratto_2023):
    import datetime

    from monitoraggio import services
    from testsupport.fabbriche import piano

    approvato = piano(
        estratto_2023.pianura, 2021, [("Minori", "I")], stato="approvato", approvato_il=datetime.date(2021, 3, 1)
    )
    ind = IndicatoreObiettivo.objects.create(
        obiettivo=approvato.obiettivi.get(codice="OB01"),
        tipo="outcome",
        descrizione="Spesa per utente dei servizi sociali",
        indicatore=Indicatore.objects.get(codice="spesa_csi_per_utente"),
    )
    udp = utente_con_ruolo("udp-pianura", "ufficio_di_piano", ambito=estratto_2023.pianura)
    m = services.rileva_da_conoscenza(udp, ind, 2023)
    assert m.calcolata and m.valore == Decimal("30.0000")  # 11 rows of 30 € for 11 users
