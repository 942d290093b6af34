"""Split among the Comuni of an Ambito (cent-exact, every criterion), the Prologo's FNPS table
recomputed from population, and the what-if page."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fondi.models import Scenario
from fondi.riparto import residenti, riparto_tra_comuni
from programmazione.popolazione import verifica_tabella_prologo_2025
from programmazione.riparto import RipartoNonValido
from territorio.models import Ambito
from testsupport.fabbriche import utente

pytestmark = pytest.mark.django_db
LOVERE = "016128"


@pytest.fixture
def alto_sebino(demo_db):
    return Ambito.objects.get(pk="alto-sebino")


def test_by_population_every_cent_and_the_nearest_share(alto_sebino):
    r = riparto_tra_comuni(alto_sebino, "10000.00", "popolazione", 2023)
    assert len(r.righe) == 10 and r.totale == Decimal("10000.00")
    totale = sum(q.peso for q in r.righe)
    assert totale == 29688  # ISTAT, 1 January 2023 (the same as the split among Ambiti)
    for q in r.righe:
        assert abs(q.quota - Decimal(10000) * q.peso / totale) < Decimal("0.01")


def test_age_band_formula_and_fixed_shares(alto_sebino):
    anziani = residenti([LOVERE], 2023, eta_da=65)[LOVERE]
    tutti = residenti([LOVERE], 2023)[LOVERE]
    assert 0 < anziani < tutti
    r = riparto_tra_comuni(alto_sebino, "5000", "fascia_eta", 2023, eta_da=65)
    assert r.totale == Decimal("5000.00") and next(q for q in r.righe if q.comune.pk == LOVERE).peso == anziani
    r = riparto_tra_comuni(alto_sebino, "10000", "formula", 2023, quota_uguale=30)
    # 30% in equal parts: nobody gets less than 300 € of the 10.000.
    assert r.totale == Decimal("10000.00") and min(q.quota for q in r.righe) >= Decimal("300.00")
    quote = {q.comune.pk: Decimal(10) for q in r.righe}
    r = riparto_tra_comuni(alto_sebino, "1000.01", "quote_fisse", quote=quote)
    assert sorted(q.quota for q in r.righe)[-1] == Decimal("100.01") and r.totale == Decimal("1000.01")
    with pytest.raises(RipartoNonValido, match="sommano a 90%"):
        riparto_tra_comuni(alto_sebino, "1000", "quote_fisse", quote=quote | {LOVERE: Decimal(0)})
    with pytest.raises(RipartoNonValido, match="Manca la popolazione al 1° gennaio 2024 di: Bossico"):
        riparto_tra_comuni(alto_sebino, "1000", "popolazione", 2024)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(centesimi=st.integers(min_value=0, max_value=10**11), uguale=st.integers(min_value=0, max_value=100))
def test_any_split_adds_up_to_the_amount(alto_sebino, centesimi, uguale):
    importo = Decimal(centesimi).scaleb(-2)
    r = riparto_tra_comuni(alto_sebino, importo, "formula", 2023, quota_uguale=uguale)
    assert r.totale == importo


@settings(max_examples=50, deadline=None)
@given(
    centesimi=st.integers(min_value=0, max_value=10**13),
    pesi=st.lists(st.integers(min_value=0, max_value=10**9) | st.sampled_from([0, 7, 7]), min_size=1, max_size=30),
)
def test_the_what_ifs_split_gives_the_cents_of_the_general_one(centesimi, pesi):
    """`parti_in_centesimi` (the what-if's lists) against programmazione.riparto (dicts): the same
    cents for every Comune, ties (equal weights, zero weights) included."""
    from fondi.riparto import ComuneBreve, parti_in_centesimi
    from programmazione.riparto import riparto

    comuni = [ComuneBreve(f"{i:06d}", f"C{i}") for i in range(len(pesi))]
    if sum(pesi) == 0:
        with pytest.raises(RipartoNonValido, match="somma dei pesi è zero"):
            parti_in_centesimi(centesimi, comuni, pesi)
        return
    attese = riparto(Decimal(centesimi).scaleb(-2), {c.pk: p for c, p in zip(comuni, pesi, strict=True)})
    assert parti_in_centesimi(centesimi, comuni, pesi) == [int(attese[c.pk].scaleb(2)) for c in comuni]


def test_the_prologo_table_recomputed_from_population(demo_db, client):
    v = verifica_tabella_prologo_2025()
    assert v.anno == 2023  # the latest population year loaded up to 2024
    assert len(v.righe) == 14 and sum(r.calcolata for r in v.righe) == Decimal("120000.00")
    assert v.somma_stampata == Decimal("120000.01") and v.scarto == Decimal("0.01")
    alto = next(r for r in v.righe if r.ambito.pk == "alto-sebino")
    assert (alto.popolazione, alto.comuni, alto.stampata) == (29688, 10, Decimal("3212.88"))
    assert abs(alto.calcolata - Decimal(120000) * 29688 / v.popolazione) < Decimal("0.01")
    assert alto.differenza == alto.stampata - alto.calcolata
    # The printed table does not follow from the 2023 population: more than cents apart.
    assert max(abs(r.differenza) for r in v.righe) > Decimal("1.00")
    pagina = client.get("/riparto/").content.decode()
    assert "Residenti 1/1/2023" in pagina and 'data-testid="esito-prologo"' in pagina


def test_what_if_side_by_side_then_saved_by_the_coordination(demo_db, client, monkeypatch):
    client.force_login(utente("coordinamento"))
    parametri = {"importo": "240000.00", "anno": "2023", "criterio_comuni": "popolazione", "ambito": "alto-sebino"}
    pagina = client.get("/fondi/scenari/", parametri).content.decode()
    assert 'data-testid="scenario-ambiti"' in pagina and "Lovere" in pagina and "Dalmine" in pagina
    assert '<option value="alto-sebino" selected>Alto Sebino</option>' in pagina
    # Past MAX_COMUNI_PAGINA Comuni (the country) the page lists one Ambito's; the CSV has all.
    monkeypatch.setattr("fondi.views.MAX_COMUNI_PAGINA", 10)
    tutti = parametri | {"ambito": ""}
    pagina = client.get("/fondi/scenari/", tutti).content.decode()
    assert 'data-testid="scenario-comuni-scegli"' in pagina and 'data-testid="scenario-comuni"' not in pagina
    assert "Lovere" in client.get("/fondi/scenari/", parametri).content.decode()
    assert len(client.get("/fondi/scenari/", tutti | {"formato": "csv"}).content.decode().splitlines()) > 200
    assert Scenario.objects.count() == 0  # nothing saved by looking
    r = client.post("/fondi/scenari/", parametri | {"s-nome": "Doppio FNPS"})
    assert r.status_code == 302
    s = Scenario.objects.get(nome="Doppio FNPS")
    assert (s.importo, s.anno, s.creato_da.username) == (Decimal("240000.00"), 2023, "coordinamento")
    r = client.post("/fondi/scenari/", parametri | {"s-nome": "Doppio FNPS"})  # the service refuses the name
    assert r.status_code == 200 and "Esiste già uno scenario con questo nome." in r.content.decode()
    client.force_login(utente("udp.altosebino"))
    assert client.post("/fondi/scenari/", parametri | {"s-nome": "Altro"}).status_code == 403


def test_the_what_if_reads_the_country_once_and_splits_as_each_ambito_alone(registro_minimo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fondi import scenari
    from fondi.riparto import riparto_tra_comuni
    from testsupport import fabbriche
    from testsupport.query import letture

    p = scenari.Parametri(Decimal("1000.00"), 2023, "formula", quota_uguale=30)
    # Not a query count per Ambito: one Ambito more costs no query more.
    with CaptureQueriesContext(connection) as due:
        ambiti, comuni = scenari.calcola(p)
    monte = fabbriche.ambito("monte", "Monte", registro_minimo.distretto)
    fabbriche.comune("016907", "Vetta", monte)
    fabbriche.osservazioni(fabbriche.popolazione("016907", 2023, 10, 60, 30), "monte.csv")
    with CaptureQueriesContext(connection) as tre:
        assert "monte" in scenari.calcola(p)[0]
    assert len(letture(tre)) == len(letture(due)) <= 12, [q[:80] for q in letture(tre)]
    for codice, (ambito, quota) in ambiti.items():
        da_solo = riparto_tra_comuni(ambito, quota, "formula", 2023, quota_uguale=30)
        assert {r.comune.pk: r.quota for r in da_solo.righe} == {c: q for c, (_, a, q) in comuni.items() if a == codice}
    # Lago 1.800 residents, Pianura 3.000 (Isolato is in no Ambito): 375,00 and 625,00.
    assert {c: q for c, (_, q) in ambiti.items()} == {"lago": Decimal("375.00"), "pianura": Decimal("625.00")}
    assert sum(q for _, _, q in comuni.values()) == Decimal("1000.00")
