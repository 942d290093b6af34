"""The ISTAT history of the Comuni: who existed on a day, and where a suppressed code went.

The history is data (territorio/data/variazioni_comuni.csv, with its acts): these tests load the
province's ISTAT list and that history, and check the counts the sources give (the Prologo
2012-2014 speaks of 244 Comuni) and every change at its boundaries."""

import datetime
import io

import pytest
from django.core.management import call_command

from territorio import selectors, services
from territorio.models import Comune, VariazioneComune

FUSIONI_2014 = datetime.date(2014, 2, 4)
TORRE_DE_BUSI = datetime.date(2018, 1, 27)
UN_GIORNO = datetime.timedelta(days=1)


@pytest.fixture
def storia(riferimenti):
    services.carica_comuni_istat(["BG"])
    services.carica_storia_comuni()


def _conta(giorno):
    return selectors.comuni_della_provincia(giorno).count()


def _the_mergers_of_2014_and_the_transfer_of_2018_at_their_boundaries(storia):
    prima = set(selectors.comuni_della_provincia(FUSIONI_2014 - UN_GIORNO).values_list("pk", flat=True))
    il_giorno = set(selectors.comuni_della_provincia(FUSIONI_2014).values_list("pk", flat=True))
    assert prima - il_giorno == {"016039", "016112", "016192", "016228"}  # Brembilla, Gerosa, S. Omobono, Valsecca
    assert il_giorno - prima == {"016252", "016253"}  # Sant'Omobono Terme (new), Val Brembilla
    assert _conta(FUSIONI_2014 - UN_GIORNO) == 244
    assert _conta(FUSIONI_2014) == _conta(FUSIONI_2014 + UN_GIORNO) == 242
    # Torre de' Busi joins the province from Lecco, with a new code.
    assert _conta(TORRE_DE_BUSI - UN_GIORNO) == 242
    assert _conta(TORRE_DE_BUSI) == _conta(TORRE_DE_BUSI + UN_GIORNO) == 243
    lecco = Comune.objects.get(pk="097080")
    assert (lecco.sigla_provincia, lecco.soppresso_il) == ("LC", TORRE_DE_BUSI)
    assert Comune.objects.get(pk="016215").istituito_il == TORRE_DE_BUSI
    # The same Comune under two codes: one of them on any day.
    for giorno in (TORRE_DE_BUSI - UN_GIORNO, TORRE_DE_BUSI):
        assert Comune.objects.esistenti_il(giorno).filter(codice_catastale="L257").count() == 1


def _every_change_has_its_act_and_loading_twice_changes_nothing(storia):
    assert VariazioneComune.objects.count() == 5
    assert all(v.atto and v.fonte for v in VariazioneComune.objects.all())
    services.carica_storia_comuni()
    assert VariazioneComune.objects.count() == 5
    precedenti, successive = selectors.variazioni_di(Comune.objects.get(pk="016253"))
    assert sorted(v.nome_precedente for v in precedenti) == ["Brembilla", "Gerosa"] and successive == []
    assert "n. 3" in precedenti[0].atto


def _export_of_2012_lists_the_comuni_of_that_day_without_an_ambito(storia):
    out = io.StringIO()
    call_command("export_territorio", "--date", "2012-06-01", stdout=out)
    righe = out.getvalue().splitlines()
    assert righe[0] == "istat_code,comune,ambito,distretto,asst,ats"
    assert len(righe) == 1 + 244
    codici = {r.split(",")[0] for r in righe[1:]}
    assert {"016039", "016112", "016192", "016228"} <= codici
    assert not codici & {"016252", "016253", "016215", "097080"}
    assert "016039,Brembilla,,,," in righe  # no Ambito recorded in 2012
    services.carica_alias()
    assert [c.pk for c in selectors.cerca_comuni("Omobono Imagna")] == ["016192"]


def _search_and_comune_page_at_a_date(client, storia):
    pagina = client.get("/cerca/", {"q": "Brembilla", "data": "2012-06-01"}).content.decode()
    risultati, altri = pagina.split('data-testid="non-esistenti"')
    assert "016039" in risultati and "016253" not in risultati
    assert "Val Brembilla" in altri and "istituito il 04/02/2014" in altri
    oggi = client.get("/cerca/", {"q": "Brembilla"}).content.decode()
    assert "soppresso dal 04/02/2014" in oggi.split('data-testid="non-esistenti"')[1]
    scheda = client.get("/comuni/016039/").content.decode()
    assert "confluito in" in scheda and "Val Brembilla" in scheda and 'data-testid="non-esiste"' in scheda
    assert 'data-testid="non-esiste"' not in client.get("/comuni/016039/", {"data": "2014-02-03"}).content.decode()


def _the_province_counts_244_comuni_in_2012_as_the_prologo_2012_2014(client, storia):
    assert _conta(datetime.date.today()) == 243
    assert "244 Comuni al 01/06/2012" in client.get("/", {"data": "2012-06-01"}).content.decode()


def test_the_comuni_of_a_day_in_the_registry_search_export_and_pages(client, storia):
    """One setup of the data (a few seconds) for all the checks below."""
    _the_mergers_of_2014_and_the_transfer_of_2018_at_their_boundaries(storia)
    _every_change_has_its_act_and_loading_twice_changes_nothing(storia)
    _export_of_2012_lists_the_comuni_of_that_day_without_an_ambito(storia)
    _search_and_comune_page_at_a_date(client, storia)
    _the_province_counts_244_comuni_in_2012_as_the_prologo_2012_2014(client, storia)
