"""export_fondi and import_fondi: the interfaces other tools read (columns exactly as issue 12)."""

import io

import pytest
from django.core.management import CommandError, call_command

from fondi import importa
from fondi.models import Fondo, Movimento

pytestmark = pytest.mark.django_db


def test_export_fondi_alto_sebino_2025(demo_db):
    out = io.StringIO()
    call_command("export_fondi", ambito="Alto Sebino", anno="2025", stdout=out)
    assert out.getvalue().splitlines() == [
        "fondo,anno,assegnato,programmato,impegnato,liquidato,rendicontato,residuo",
        # 211.300 assigned + 9.400 carried over from 2024; 3.212,88 is the Prologo's FNPS quota.
        "fnps,2025,220700.00,193212.88,163212.88,81812.88,78600.00,138887.12",
        "fna-b2,2025,148900.00,148900.00,120000.00,61250.00,61250.00,87650.00",
        "poverta,2025,96500.00,80000.00,52000.00,0.00,0.00,96500.00",
        # The commitment of 150.000 corrected to 105.000 counts once, at its new amount.
        "comuni,2025,182000.00,182000.00,105000.00,90000.00,0.00,92000.00",
        "TOTALE,2025,648100.00,604112.88,440212.88,233062.88,139850.00,415037.12",
    ]


def test_export_fondi_refuses_bad_arguments(demo_db):
    with pytest.raises(CommandError, match="sconosciuto"):
        call_command("export_fondi", ambito="Atlantide", anno="2025", stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"Anno: «1E\+9» non è un numero intero"):
        call_command("export_fondi", ambito="dalmine", anno="1E+9", stdout=io.StringIO())


def test_the_catalogue_has_every_fund_of_the_issue(demo_db):
    assert set(Fondo.objects.values_list("codice", flat=True)) == {
        "fnps", "fna-b1", "fna-b2", "poverta", "fsr", "dopo-di-noi", "assistenti-sociali", "pnrr-m5c2",
        "intesa-famiglia", "comuni", "ats-asst", "utenti", "altri-enti", "altre-entrate",
    }  # fmt: skip
    assert sorted(Fondo.objects.get(pk="fna-b2").aree.values_list("codice", flat=True)) == ["D", "E", "J"]


def _file(tmp_path, righe, nome="movimenti.csv"):
    f = tmp_path / nome
    f.write_text("\n".join([",".join(importa.COLONNE)] + righe) + "\n", encoding="utf-8")
    return str(f)


def _riga(**v):
    return ",".join(str(v.get(c, "")) for c in importa.COLONNE)


def test_import_is_all_or_nothing_with_row_and_column(demo_db, tmp_path):
    prima = Movimento.objects.count()
    base = {"ambito": "dalmine", "fondo": "fsr", "anno": 2031, "numero": "A1", "data": "01/02/2031"}
    percorso = _file(
        tmp_path,
        [
            _riga(**base, tipo="assegnazione", importo="1000,00"),
            _riga(**base, tipo="programmazione", importo="800", area="Z"),
            _riga(**base, tipo="impegno", importo="-5"),
            _riga(**(base | {"fondo": "fondo-segreto"}), tipo="assegnazione", importo="1"),
            _riga(**base, tipo="programmazione", importo="1000.01"),
        ],
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="non è stato salvato nulla"):
        call_command("import_fondi", percorso, stdout=io.StringIO(), stderr=err)
    righe = err.getvalue().splitlines()
    assert "riga 3, colonna «area»: area di policy «Z» sconosciuta (una lettera da A a J)." in righe
    assert any(r.startswith("riga 4, colonna «importo»:") for r in righe)
    assert "riga 5, colonna «fondo»: fondo «fondo-segreto» non presente nel catalogo." in righe
    assert Movimento.objects.count() == prima


def test_import_refusal_by_the_ledger_rolls_back_the_good_rows(demo_db, tmp_path):
    prima = Movimento.objects.count()
    base = {"ambito": "Dalmine", "fondo": "fsr", "anno": 2031, "numero": "A1", "data": "2031-02-01"}
    percorso = _file(
        tmp_path,
        [_riga(**base, tipo="assegnazione", importo="1000"), _riga(**base, tipo="programmazione", importo="1000.01")],
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_fondi", percorso, stdout=io.StringIO(), stderr=err)
    assert "riga 3: Movimento rifiutato: Il programmato (1.000,01 €)" in err.getvalue()
    assert Movimento.objects.count() == prima


def test_import_then_export(demo_db, tmp_path):
    base = {"ambito": "dalmine", "fondo": "dopo-di-noi", "anno": 2031, "data": "2031-02-01"}
    percorso = _file(
        tmp_path,
        [
            _riga(**base, tipo="assegnazione", numero="DGR 9", importo="50000"),
            _riga(**base, tipo="programmazione", numero="Ass. 1", importo="40000", area="J", servizio="Residenzialità"),
            _riga(**base, tipo="impegno", numero="Det. 5", importo="30000", beneficiario="Fondazione"),
            _riga(**base, tipo="impegno", numero="Det. 5-bis", importo="20000", corregge="Det. 5"),
        ],
    )
    out = io.StringIO()
    call_command("import_fondi", percorso, stdout=out)
    assert out.getvalue().strip() == "4 movimenti registrati."
    out = io.StringIO()
    call_command("export_fondi", ambito="dalmine", anno="2031", stdout=out)
    assert out.getvalue().splitlines()[1] == "dopo-di-noi,2031,50000.00,40000.00,20000.00,0.00,0.00,50000.00"


def test_the_template_is_a_valid_file(demo_db, client):
    r = client.get("/fondi/modello.csv")
    assert r.status_code == 200
    assert r.content.decode().splitlines()[0] == ",".join(importa.COLONNE)
