"""Which Comuni a figure counts: the page of every level, at the boundaries of a membership,
and a Comune born by a merger whose figure of an earlier year is the sum of its predecessors."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conoscenza.models import ValorePubblicato
from territorio.models import VariazioneComune
from testsupport import fabbriche

URL = reverse("conoscenza:comuni_contati")
FUSIONE = datetime.date(2014, 2, 4)


def _fusione():
    alfa = fabbriche.comune("016911", "Alfa", soppresso_il=FUSIONE)
    beta = fabbriche.comune("016912", "Beta", soppresso_il=FUSIONE)
    nuovo = fabbriche.comune("016913", "Alfa Beta", istituito_il=FUSIONE)
    for p in (alfa, beta):
        VariazioneComune.objects.create(
            data=FUSIONE, tipo="fusione", precedente=p, successivo=nuovo, nome_precedente=p.nome, atto="L.R. di prova"
        )
    fabbriche.osservazioni(fabbriche.popolazione("016911", 2013, 100, 500, 200))


def _righe(risposta):
    return [(c.comune.codice_istat, c.ambito.pk if c.ambito else None) for c in risposta.context["contati"].comuni]


def test_the_comuni_of_an_ambito_and_of_its_levels_on_the_first_of_january(registro_minimo, client):
    r = client.get(URL, {"livello": "ambito", "codice": "lago", "anno": 2023})
    assert r.status_code == 200
    assert _righe(r) == [("016901", "lago"), ("016902", "lago"), ("016903", "lago")]
    assert r.context["figura"].con_dati == {"016901", "016902", "016903"}
    # The Distretto counts the two Ambiti, the province every Comune, Isolato too.
    r = client.get(URL, {"livello": "distretto", "codice": registro_minimo.distretto.pk, "anno": 2023})
    assert len(_righe(r)) == 5
    r = client.get(URL, {"livello": "provincia", "codice": "BG", "anno": 2023})
    assert ("016906", None) in _righe(r)
    # Before the memberships begin (2021 in the registry) the Ambito counts no Comune, and says so.
    r = client.get(URL, {"livello": "ambito", "codice": "lago", "anno": 2020})
    assert _righe(r) == []
    assert 'data-testid="nessun-comune"' in r.content.decode()
    # A year a document prints a figure of the Ambito as a whole: said, since no Comune is behind it.
    assert 'data-testid="stampati"' not in r.content.decode()
    ValorePubblicato.objects.create(
        caricamento=registro_minimo.caricamento,
        indicatore_id="indice_vecchiaia",
        livello="ambito",
        codice_territorio="lago",
        anno=2020,
        valore=Decimal("190.5"),
    )
    r = client.get(URL, {"livello": "ambito", "codice": "lago", "anno": 2020})
    assert 'data-testid="stampati"' in r.content.decode()


def test_a_membership_ending_on_the_31st_of_december_is_not_counted_the_next_year(riferimenti, client):
    catena = fabbriche.catena_sanitaria()
    lago = fabbriche.ambito("lago", "Lago", catena.distretto)
    fabbriche.comune("016921", "Uno", lago, al=datetime.date(2022, 12, 31))
    for anno, attesi in ((2022, [("016921", "lago")]), (2023, [])):
        for livello, codice in (("ambito", "lago"), ("asst", catena.asst.pk), ("ats", catena.ats.pk)):
            r = client.get(URL, {"livello": livello, "codice": codice, "anno": anno})
            assert _righe(r) == attesi, (livello, anno)


def test_a_merged_comune_before_its_birth_is_the_sum_of_its_predecessors_named(riferimenti, client):
    _fusione()
    r = client.get(URL, {"livello": "comune", "codice": "016913", "anno": 2013})
    testo = " ".join(r.content.decode().split())
    assert r.context["contati"].comuni == []
    assert [v.precedente_id for v in r.context["contati"].precedenti] == ["016911", "016912"]
    assert "la sua cifra del 2013 è la somma dei Comuni da cui è nato: Alfa (016911) e Beta (016912)" in testo
    assert r.context["figura"].con_dati == {"016911"}
    # From its birth it counts itself; the province of 2013 counts the predecessors, saying
    # what became of them.
    r = client.get(URL, {"livello": "comune", "codice": "016913", "anno": 2015})
    assert (_righe(r), r.context["contati"].precedenti) == ([("016913", None)], [])
    r = client.get(URL, {"livello": "provincia", "codice": "BG", "anno": 2013})
    assert _righe(r) == [("016911", None), ("016912", None)]
    assert "dal 04/02/2014 nel Comune di Alfa Beta (016913)" in r.content.decode()


@pytest.mark.parametrize(
    ("query", "stato"),
    [
        ({"livello": "quartiere"}, 400),
        ({"livello": "ambito"}, 400),  # no code
        ({"livello": "ambito", "codice": "non-esiste"}, 404),
        ({"livello": "ambito", "codice": "lago", "anno": "duemila"}, 400),
        ({"livello": "ambito", "codice": "lago", "anno": "99999"}, 400),
        ({}, 200),  # the province this year
    ],
)
def test_bad_parameters_get_a_clear_answer(registro_minimo, client, query, stato):
    assert client.get(URL, query).status_code == stato


def test_the_ambito_page_links_each_figure_to_its_comuni(registro_minimo, client):
    html = client.get(reverse("conoscenza:profilo_ambito", args=["lago"])).content.decode()
    for anno in (2022, 2023):
        assert f"{URL}?livello=ambito&amp;codice=lago&amp;anno={anno}" in html
    assert f"{URL}?livello=distretto&amp;codice={registro_minimo.distretto.pk}&amp;anno=2023" in html
