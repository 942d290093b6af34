"""The nomenclature and the areas of users: reference data, exported as the issue names them."""

import csv
import io

from django.core.management import call_command

from domanda.models import AreaUtenza, Intervento
from domanda.riferimenti import DATA


def test_areas_of_users_have_the_codes_of_the_issue(riferimenti):
    assert list(AreaUtenza.objects.values_list("codice", flat=True)) == [
        "famiglia_minori", "disabili", "dipendenze", "anziani", "immigrati_nomadi", "poverta_disagio_adulti",
        "multiutenza",
    ]  # fmt: skip


def test_export_nomenclatore_is_the_file(riferimenti):
    Intervento.objects.filter(pk="D1").update(descrizione="cambiata a mano")
    call_command("carica_riferimenti", stdout=io.StringIO())  # the file is the source
    out = io.StringIO()
    call_command("export_nomenclatore", stdout=out)
    righe = out.getvalue().splitlines()
    assert righe[0] == "codice,descrizione,macroarea,unita"
    with open(DATA / "nomenclatore.csv", encoding="utf-8", newline="") as f:
        attese = list(csv.DictReader(f))
    esportate = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert esportate == attese
    d1 = next(r for r in esportate if r["codice"] == "D1")
    assert d1 == {
        "codice": "D1",
        "descrizione": "Assistenza domiciliare socio-assistenziale (SAD)",
        "macroarea": "Interventi e servizi",
        "unita": "ore",
    }
    assert {r["macroarea"] for r in esportate} == {"Interventi e servizi", "Trasferimenti in denaro", "Strutture"}
