"""The status of the LEPS: every threshold at its boundary, the social workers' ratio from the
knowledge base, the export's columns."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from offerta import leps
from offerta.models import Leps, RilevazioneLeps, Verso
from testsupport.fabbriche import osservazioni

pytestmark = pytest.mark.django_db

D = Decimal


def test_the_catalogue_has_the_leps_of_the_issue(riferimenti):
    codici = set(Leps.objects.values_list("codice", flat=True))
    assert {
        "assistente-sociale", "pua", "pronto-intervento-sociale", "supervisione", "dimissioni-protette",
        "pippi", "residenza-fittizia", "sad", "poverta",
    } <= codici  # fmt: skip
    as_ = Leps.objects.get(pk="assistente-sociale")
    assert (as_.soglia, as_.obiettivo, as_.verso) == (D(5000), D(4000), Verso.AL_PIU)
    assert all(v.indicatore and v.soglia is not None and v.riferimento for v in Leps.objects.all())


def _fte(ambito_o_comune, livello, anno, valore):
    osservazioni(
        [
            {
                "misura": "assistenti_sociali_fte",
                "livello": livello,
                "codice_territorio": ambito_o_comune,
                "anno": anno,
                "valore": valore,
            }
        ],
        "personale.csv",
    )


def test_social_workers_ratio_from_the_knowledge_base(registro_minimo):
    # Lago: 1.800 residents on 1 January 2023; 0,36 FTE at the Ambito -> exactly 5.000.
    _fte("lago", "ambito", 2023, "0.36")
    # Pianura: 3.000 residents; 1 FTE, recorded in Campagnola: the Ambito's ratio is all its
    # residents over all its staff, 3.000 (the Comuni without a row simply have no staff).
    _fte("016904", "comune", 2023, "1")
    stati = leps.stati_per_ambiti(2023, ["lago", "pianura"])
    lago = next(s for s in stati["lago"] if s.codice == "assistente-sociale")
    assert (lago.valore, lago.stato, lago.obiettivo_raggiunto) == (D(5000), leps.RAGGIUNTO, False)
    pianura = next(s for s in stati["pianura"] if s.codice == "assistente-sociale")
    assert (pianura.valore, pianura.stato, pianura.obiettivo_raggiunto) == (D(3000), leps.RAGGIUNTO, True)
    # 2022: no staff loaded -> never a guess.
    assert next(s for s in leps.stati_ambito("lago", 2022) if s.codice == "assistente-sociale").stato == leps.MANCANTE


def test_one_more_resident_per_worker_is_not_reached(registro_minimo):
    # 1.800 / 0,35 = 5.142,86 residents per FTE.
    _fte("lago", "ambito", 2023, "0.35")
    s = next(s for s in leps.stati_ambito("lago", 2023) if s.codice == "assistente-sociale")
    assert (s.valore, s.stato) == (D(5143), leps.NON_RAGGIUNTO)


def test_export_leps_columns_and_rows(registro_minimo):
    _fte("lago", "ambito", 2023, "0.36")
    RilevazioneLeps.objects.create(
        ambito=registro_minimo.lago, leps_id="pua", anno=2023, valore=D("66.67"), fonte="Relazione PUA 2023"
    )
    out = io.StringIO()
    call_command("export_leps", ambito="Lago", anno="2023", stdout=out)
    righe = out.getvalue().splitlines()
    assert righe[0] == "leps,indicatore,valore,soglia,stato,fonte"
    assert righe[1].startswith("assistente-sociale,Residenti per assistente sociale")
    assert righe[1].endswith(",5000,5000,raggiunto," + leps.FONTE_AS)
    assert (
        righe[2] == "pua,Comuni dell'Ambito serviti da un Punto unico di accesso,66.67,100,parziale,Relazione PUA 2023"
    )
    assert righe[3].endswith(",,100,dato mancante,")
    assert len(righe) == 1 + Leps.objects.count()


def test_export_leps_refuses_bad_arguments(registro_minimo):
    with pytest.raises(CommandError, match="sconosciuto"):
        call_command("export_leps", ambito="Atlantide", anno="2023", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Anno"):
        call_command("export_leps", ambito="lago", anno="1E+9", stdout=io.StringIO())
