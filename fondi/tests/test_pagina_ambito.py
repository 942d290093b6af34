"""The funds page of an Ambito from one grouped read of its year, the province's page, and saving
a what-if scenario through the service (issue 12: pages at national scale, bench/README.md)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fondi import scenari, selectors, services
from fondi.models import Scenario
from testsupport.fabbriche import utente_con_ruolo
from testsupport.query import letture

pytestmark = pytest.mark.django_db
GIORNO = datetime.date(2022, 3, 1)


def area(codice):
    from programmazione.models import AreaPolicy

    return AreaPolicy.objects.get(pk=codice)


def mov(fondo, tipo, importo, numero, anno=2022, **campi):
    return services.registra_movimento(None, "lago", fondo, anno, tipo, importo, numero, GIORNO, **campi)


def catena(fondo, volte, anno=2022):
    """An assignment and `volte` programmings, commitments and payments of the fund."""
    mov(fondo, "assegnazione", "100000.00", f"DGR {fondo}", anno)
    for i in range(volte):
        mov(fondo, "programmazione", "1000.00", f"Del. {fondo} {i}", anno, servizio="SAD", area=area("D"))
        mov(fondo, "impegno", "900.00", f"Det. {fondo} {i}", anno, servizio="SAD")
        mov(fondo, "liquidazione", "800.00", f"Liq. {fondo} {i}", anno, servizio="SAD")


def test_the_page_of_an_ambito_costs_the_same_queries_whatever_its_movements(registro_minimo, client):
    client.force_login(utente_con_ruolo("coord", "coordinamento"))
    catena("fnps", 1)
    client.get("/ambiti/lago/fondi/?anno=2022")  # the session's first request reads one thing more
    with CaptureQueriesContext(connection) as pochi:
        assert client.get("/ambiti/lago/fondi/?anno=2022").status_code == 200
    catena("fna-b2", 3)
    catena("fnps", 2, anno=2023)
    with CaptureQueriesContext(connection) as molti:
        pagina = client.get("/ambiti/lago/fondi/?anno=2022").content.decode()
    # One grouped read of the year, the funds of the catalogue, the movements off their fund's
    # areas (FNA B2 finances D, E, J: none here), besides session, user, Ambito and years.
    assert len(letture(molti)) == len(letture(pochi)) <= 12, [q[:90] for q in letture(molti)]
    # FNA B2: 3 x 1.000 programmed, 3 x 900 committed, 3 x 800 paid; the total adds FNPS's one.
    assert ">3.000,00<" in pagina and ">2.700,00<" in pagina and ">2.400,00<" in pagina
    assert ">4.000,00<" in pagina and ">200.000,00<" in pagina


def test_one_read_gives_the_funds_their_sources_channels_and_areas_off_the_fund(registro_minimo):
    mov("fna-b1", "assegnazione", "50000.00", "DGR 1", fonte="Decreto regionale (illustrativo)")
    mov("fna-b1", "programmazione", "20000.00", "Del. 1", servizio="Voucher", area=area("A"))  # B1: D, E, J only
    mov("fna-b1", "programmazione", "10000.00", "Del. 2", servizio="Voucher", area=area("D"))
    mov("fnps", "assegnazione", "30000.00", "DGR 2")
    mov("fnps", "programmazione", "5000.00", "Del. 3", servizio="Voucher", area=area("A"))  # FNPS: every area
    programmata = mov("comuni", "assegnazione", "8000.00", "Accordo")
    assert programmata.pk
    anno = selectors.anno_ambito("lago", 2022)
    assert [r.fondo.pk for r in anno.righe] == ["fnps", "fna-b1", "comuni"]  # catalogue order
    assert anno.totale.assegnato == Decimal("88000.00") and anno.totale.programmato == Decimal("35000.00")
    assert anno.fonti == ["Decreto regionale (illustrativo)"]
    assert [(m.numero, m.area_id) for m in anno.fuori_area] == [("Del. 1", "A")]
    voucher = anno.cofinanziamento[0]
    assert voucher.voce == "Voucher"
    assert voucher.canali == [("Stato", Decimal("35000.00"), Decimal("100.00"))]
    # The same figures as the per-year readers the documents and the export use.
    righe, totale = selectors.fondi_ambito("lago", 2022)
    assert [r.saldo for r in righe] == [r.saldo for r in anno.righe] and totale == anno.totale
    assert selectors.fondi_provincia(2022)["lago"] == anno.totale


def test_a_correction_replaces_the_corrected_movement_in_every_sum(registro_minimo):
    mov("fnps", "assegnazione", "10000.00", "DGR 1")
    sbagliata = mov("fnps", "programmazione", "4000.00", "Del. 1")
    mov("fnps", "programmazione", "400.00", "Del. 1-bis", corregge=sbagliata)
    assert selectors.anno_ambito("lago", 2022).totale.programmato == Decimal("400.00")
    assert selectors.fondi_provincia(2022)["lago"].programmato == Decimal("400.00")
    assert selectors.storia_fondo("lago", "fnps")[0][1].programmato == Decimal("400.00")
    assert selectors.totali_per_ambito()[0][3].programmato == Decimal("400.00")


def test_the_province_page_reads_its_cached_table_after_the_first_visit(registro_minimo, client):
    client.force_login(utente_con_ruolo("coord", "coordinamento"))
    catena("fnps", 2)
    prima = client.get("/fondi/?anno=2022").content.decode()
    assert ">Lago<" in prima and ">2.000,00<" in prima
    with CaptureQueriesContext(connection) as dopo:
        assert ">2.000,00<" in client.get("/fondi/?anno=2022").content.decode()
    assert not [q for q in letture(dopo) if "fondi_movimento" in q]
    mov("fnps", "programmazione", "500.00", "Del. nuova")  # audited: a new data version
    assert ">2.500,00<" in client.get("/fondi/?anno=2022").content.decode()


PARAMETRI = scenari.Parametri(Decimal("1000.00"), 2023, "formula", quota_uguale=30)


def test_the_service_saves_a_scenario_or_says_why_not(registro_minimo):
    coordinamento = utente_con_ruolo("coord", "coordinamento")
    s = services.salva_scenario(coordinamento, "  Più FNPS  ", PARAMETRI, "prova")
    assert (s.nome, s.importo, s.anno, s.criterio_comuni, s.quota_uguale, s.creato_da) == (
        "Più FNPS", Decimal("1000.00"), 2023, "formula", 30, coordinamento
    )  # fmt: skip
    with pytest.raises(ValidationError) as e:
        services.salva_scenario(coordinamento, "Più FNPS", PARAMETRI)
    assert e.value.message_dict == {"nome": ["Esiste già uno scenario con questo nome."]}
    with pytest.raises(ValidationError, match="Nome dello scenario: manca il testo"):
        services.salva_scenario(coordinamento, "   ", PARAMETRI)
    with pytest.raises(ValidationError, match="troppo lungo"):
        services.salva_scenario(coordinamento, "x" * 201, PARAMETRI)
    with pytest.raises(ValidationError, match="Criterio tra i Comuni sconosciuto"):
        services.salva_scenario(coordinamento, "Altro", scenari.Parametri(Decimal("1.00"), 2023, "a caso"))
    with pytest.raises(PermissionDenied, match="coordinamento provinciale"):
        services.salva_scenario(
            utente_con_ruolo("udp", "ufficio_di_piano", ambito=registro_minimo.lago), "B", PARAMETRI
        )
    assert list(Scenario.objects.values_list("nome", flat=True)) == ["Più FNPS"]
