"""The demo co-programming of Alto Sebino 2021-2023 against the seed (chapters 7.2-7.3)."""

import io

import pytest
from django.core.management import call_command

from coprogrammazione.models import AreaAvviso, Delibera, Esito, Incontro


@pytest.mark.django_db
def test_road_map_e_priorita_dal_seed(demo_db, client):
    aree = list(AreaAvviso.objects.filter(avviso__piano__ambito="alto-sebino").order_by("numero"))
    assert [a.macroarea.codice for a in aree] == ["poverta-abitare-lavoro", "domiciliarita", "infanzia-minori-famiglia"]
    incontri = Incontro.objects.filter(tavolo__piano__ambito="alto-sebino")
    # The road-map: 2 in September, 14 in October, 4 in November 2021 (the three plenaries on 15-17.11).
    assert incontri.count() == 20
    assert [incontri.filter(data__month=m).count() for m in (9, 10, 11)] == [2, 14, 4]
    assert sorted(str(d) for d in incontri.filter(data__month=11).values_list("data", flat=True)) == [
        "2021-11-10",
        "2021-11-15",
        "2021-11-16",
        "2021-11-17",
    ]
    assert Esito.objects.filter(tavolo__piano__ambito="alto-sebino").count() == 9  # the nine priorities of 7.3
    delibera = Delibera.objects.get(seduta__ambito="alto-sebino")
    assert str(delibera.data) == "2021-12-15" and delibera.piano.approvato_il == delibera.data
    out = io.StringIO()
    call_command("export_coprogrammazione", ambito="Alto Sebino", triennio="2021-2023", stdout=out)
    righe = out.getvalue().splitlines()
    assert righe[0] == "tavolo,incontri,partecipanti_enti,proposte,obiettivi_collegati"
    assert "Area Lavoro e povertà,3,12,1,AS21-11|AS21-12|AS21-16" in righe
    assert client.get(f"/piani/{delibera.piano_id}/coprogrammazione/").status_code == 200
