"""The reference data of every installation (manage.py carica_riferimenti), apart from the demo."""

import csv
import io

from django.core.management import call_command

from conoscenza.models import Indicatore, Misura, Termine
from conoscenza.services import DATA_DIR as DATI_CONOSCENZA
from offerta.riferimenti import DATA as DATI_OFFERTA
from programmazione.models import AreaPolicy, Leps
from territorio.models import Ambito, Comune


def righe(percorso):
    with open(percorso, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_a_new_database_has_the_reference_data_and_no_registry(riferimenti):
    assert Indicatore.objects.count() == len(righe(DATI_CONOSCENZA / "indicatori.csv"))
    assert Misura.objects.count() == len(righe(DATI_CONOSCENZA / "misure.csv"))
    assert Termine.objects.count() == len(righe(DATI_CONOSCENZA / "termini.csv"))
    assert list(AreaPolicy.objects.order_by("codice").values_list("codice", flat=True)) == list("ABCDEFGHIJ")
    assert Leps.objects.count() == len(righe(DATI_OFFERTA / "leps.csv")) > 0
    # The key points of an area, one per line.
    assert len(AreaPolicy.objects.get(pk="J").punti_chiave.splitlines()) > 1
    assert not Comune.objects.exists() and not Ambito.objects.exists()


def test_the_command_rewrites_what_changed_and_is_idempotent(riferimenti):
    titolo = AreaPolicy.objects.get(pk="A").titolo
    AreaPolicy.objects.filter(pk="A").update(titolo="cambiato a mano")
    Indicatore.objects.filter(pk="indice_vecchiaia").update(decimali=4)
    prima = (Indicatore.objects.count(), Termine.objects.count(), Leps.objects.count())
    out = io.StringIO()
    call_command("carica_riferimenti", stdout=out)
    call_command("carica_riferimenti", stdout=io.StringIO())
    assert AreaPolicy.objects.get(pk="A").titolo == titolo
    assert Indicatore.objects.get(pk="indice_vecchiaia").decimali == 1
    assert (Indicatore.objects.count(), Termine.objects.count(), Leps.objects.count()) == prima
    assert "10 aree di policy" in out.getvalue()
