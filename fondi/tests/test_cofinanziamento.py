"""Co-financing: the channels of funding of each objective or service in the programmed money
of a year, with shares that add up to 100 (the seed's FSE project: public contribution at most
80 %, partners at least 20 % of 374.916,08 €)."""

import datetime
from decimal import Decimal

import pytest

from fondi import selectors, services
from programmazione.models import Obiettivo

pytestmark = pytest.mark.django_db
GIORNO = datetime.date(2022, 3, 1)


def mov(fondo, tipo, importo, numero, **campi):
    return services.registra_movimento(None, "lago", fondo, 2022, tipo, importo, numero, GIORNO, **campi)


def test_shares_of_each_channel_per_objective_and_service(registro_minimo):
    ob = Obiettivo.objects.get(piano=registro_minimo.approvato, codice="OB01")
    mov("fsr", "assegnazione", "400000.00", "DGR 7773/2018")
    mov("altre-entrate", "assegnazione", "80000.00", "Convenzione partner")
    mov("comuni", "assegnazione", "50000.00", "Accordo")
    # Par. «Risorse economiche preventivate» of the FSE project: E 299.932,85 + F 74.983,23.
    mov("fsr", "programmazione", "299932.85", "Del. 1", obiettivo=ob)
    mov("altre-entrate", "programmazione", "74983.23", "Del. 2", obiettivo=ob)
    # A service with two channels, one of them partly saved (economia): 30.000 − 5.000 Comuni.
    mov("comuni", "programmazione", "30000.00", "Del. 3", servizio="SAD")
    mov("comuni", "impegno", "30000.00", "Det. 1", servizio="SAD")
    mov("comuni", "economia", "5000.00", "Det. 2", servizio="SAD")
    mov("fsr", "programmazione", "5000.00", "Del. 4", servizio="SAD")
    voci = {c.voce: c for c in selectors.cofinanziamento("lago", 2022)}
    fse = voci["OB01 – Domiciliarità degli anziani"]
    assert fse.totale == Decimal("374916.08")
    assert fse.canali == [
        ("Altre entrate", Decimal("74983.23"), Decimal("20.00")),
        ("Regione", Decimal("299932.85"), Decimal("80.00")),
    ]
    sad = voci["SAD"]
    assert sad.canali == [
        ("Comuni", Decimal("25000.00"), Decimal("83.33")),
        ("Regione", Decimal("5000.00"), Decimal("16.67")),
    ]
    assert sum(q for _, _, q in sad.canali) == 100
    assert selectors.cofinanziamento("lago", 2023) == []
