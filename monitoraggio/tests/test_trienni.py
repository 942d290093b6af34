"""Two trienni of the same Ambito side by side: Alto Sebino 2018-2020 and 2021-2023 (demo)."""

from decimal import Decimal

import pytest

from monitoraggio.selectors import confronto_trienni
from programmazione.models import Piano

pytestmark = pytest.mark.django_db


@pytest.fixture
def alto_sebino(demo_db):
    prima = Piano.objects.get(ambito="alto-sebino", anno_inizio=2018)
    dopo = Piano.objects.get(ambito="alto-sebino", anno_inizio=2021)
    return prima, dopo


def _continuita_dai_semi():
    """programmazione/data/alto-sebino-2021-2023/continuita.csv: the links the demo makes."""
    import csv
    from pathlib import Path

    import programmazione

    percorso = Path(programmazione.__file__).parent / "data" / "alto-sebino-2021-2023" / "continuita.csv"
    with open(percorso, encoding="utf-8", newline="") as f:
        return {r["obiettivo"]: r["continua"] for r in csv.DictReader(f)}


def test_continued_dropped_and_new_objectives(alto_sebino):
    """The demo links the 2021-2023 objectives whose sheet describes the same work as a
    2018-2020 one (16 of the 20 that say «in continuità»)."""
    prima, dopo = alto_sebino
    collegamenti = _continuita_dai_semi()
    assert len(collegamenti) == 16
    c = confronto_trienni(dopo, prima)
    assert len(c.continuati) == 16
    assert sorted((n.codice, o.codice) for o, nuovi in c.continuati for n in nuovi) == sorted(collegamenti.items())
    assert ("AS18-12", ["AS21-15"]) in [(o.codice, [n.codice for n in nuovi]) for o, nuovi in c.continuati]
    # The evaluation sheets say AS18-20, -22 and -36 are not re-proposed: dropped.
    assert [o.codice for o in c.abbandonati] == ["AS18-20", "AS18-22", "AS18-36"]
    assert len(c.riproposti_senza_collegamento) == 37 - 16 - 3
    # 20 of the 23 new objectives say «in continuità», 16 of them linked; 3 are new.
    assert [o.codice for o in c.in_continuita_senza_precedente] == ["AS21-08", "AS21-12", "AS21-16", "AS21-17"]
    assert [o.codice for o in c.nuovi] == ["AS21-10", "AS21-11", "AS21-13"]
    assert (c.obiettivi_prima, c.obiettivi_dopo) == (37, 23)


def test_resources_per_area_and_status_at_the_end(alto_sebino, client):
    prima, dopo = alto_sebino
    c = confronto_trienni(dopo, prima)
    aree = {a.area.codice if a.area else None: a for a in c.aree}
    # Minori e famiglia (I): 7 objectives before, 4 after; the sheets' amounts in the triennio
    # are 600.000 + 35.000 a year x 3 + 200.000 = 905.000 (not the 835.000 printed).
    assert (aree["I"].obiettivi_prima, aree["I"].obiettivi_dopo) == (7, 4)
    assert aree["I"].preventivati_dopo == Decimal("905000.00")
    assert (aree["J"].obiettivi_prima, aree["J"].preventivati_dopo) == (13, Decimal("162000.00"))
    assert c.preventivati_dopo == Decimal("1107000.00") and c.preventivati_prima == 0
    righe = {triennio: (per_stato, totale) for triennio, per_stato, totale in c.righe_stato}
    assert righe["2018-2020"][1] == 37
    pagina = client.get(f"/piani/{dopo.pk}/trienni/").content.decode()
    assert "Alto Sebino: il 2018-2020 e il 2021-2023 a confronto" in pagina
    assert "905.000,00" in pagina and "1.107.000,00" in pagina
    # The first plan has nothing before it.
    assert "precedente al 2018-2020" in client.get(f"/piani/{prima.pk}/trienni/").content.decode()


def test_the_plan_document_has_the_comparison_as_its_last_chapter(alto_sebino):
    import datetime

    from documenti.modello import Tabella
    from documenti.piano import documento_piano

    _, dopo = alto_sebino
    cap = documento_piano(dopo, datetime.date(2025, 1, 15)).capitoli[-1]
    assert cap.etichetta == "9 Il 2018-2020 e il 2021-2023 a confronto"
    testo = " ".join(getattr(b, "testo", "") for b in cap.blocchi)
    assert "Dei 37 obiettivi del 2018-2020, 16 continuano in obiettivi del 2021-2023 collegati, 18 sono" in testo
    assert "3 sono abbandonati. Dei 23 obiettivi del 2021-2023, 4 si dichiarano in continuità" in testo
    aree = [b for b in cap.blocchi if isinstance(b, Tabella)][1]
    assert aree.totale == ["Totale", "37", "0,00", "23", "1.107.000,00", "0,00"]
