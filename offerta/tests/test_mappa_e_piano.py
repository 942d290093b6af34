"""The map of the units (by Comune, with its table) and the LEPS in a plan: the objective's
page and the plan's document show each LEPS's status for the plan's Ambito."""

import datetime

import pytest

from documenti.modello import Tabella, Titolo
from documenti.piano import documento_piano
from offerta import leps, views
from offerta.models import Leps, UnitaOfferta
from testsupport.fabbriche import osservazioni

pytestmark = pytest.mark.django_db


def _unita(nome, tipo, comune, posti=None, accreditati=None):
    return UnitaOfferta.objects.create(
        nome=nome,
        tipo_id=tipo,
        comune_id=comune,
        ente_gestore="Ente",
        natura_ente="terzo_settore",
        codice_fiscale_ente="00000000000",
        posti_autorizzati=posti,
        posti_accreditati=accreditati,
    )


def test_the_map_counts_units_and_places_per_comune_with_a_table(client, registro_minimo, monkeypatch):
    # Drawing the province's boundaries takes seconds (conoscenza.mappe, tested there; the
    # phone walk renders this page and runs axe on it): here only what the map is given.
    disegnate = []
    monkeypatch.setattr(views, "_svg_mappa", lambda righe, titolo, giorno: disegnate.append(righe) or "<svg></svg>")
    _unita("Nido A", "asilo-nido", "016901", posti=30)
    _unita("Nido B", "asilo-nido", "016901", accreditati=12)  # no authorisation: the accredited count
    _unita("RSA", "rsa", "016904", posti=80)
    r = client.get("/offerta/mappa/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<svg></svg>" in html and "gli indirizzi non sono geolocalizzati" in html
    righe = [(x.nome, x.ambito, x.unita, x.posti) for x in r.context["righe"]]
    assert disegnate[0] == r.context["righe"]
    assert righe == [("Borgo sul Lago", "Lago", 2, 42), ("Campagnola", "Pianura", 1, 80)]
    filtrata = client.get("/offerta/mappa/?tipo=rsa&ambito=lago").context["righe"]
    assert filtrata == []
    assert [x.nome for x in client.get("/offerta/mappa/?tipo=rsa").context["righe"]] == ["Campagnola"]


def test_the_year_of_a_plans_leps(riferimenti):
    oggi = datetime.date(2026, 5, 1)
    assert leps.anno_del_piano(2023, oggi) == 2023  # ended: its last year
    assert leps.anno_del_piano(2026, oggi) == 2026  # in progress: this year
    assert leps.anno_del_piano(2029, oggi) == 2026  # not begun: where it starts from


@pytest.fixture
def piano_con_leps(registro_minimo):
    """Lago's 2021-2023 plan, its first objective implementing the social workers' LEPS; Lago
    has 0,36 FTE for 1.800 residents in 2023: exactly 5.000 per worker, reached."""
    osservazioni(
        [
            {
                "misura": "assistenti_sociali_fte",
                "livello": "ambito",
                "codice_territorio": "lago",
                "anno": 2023,
                "valore": "0.36",
            }
        ]
    )
    piano = registro_minimo.approvato
    obiettivo = piano.obiettivi.order_by("ordine", "codice").first()
    obiettivo.leps.add(Leps.objects.get(pk="assistente-sociale"))
    return piano, obiettivo


def test_the_objective_page_shows_the_status_of_its_leps(client, piano_con_leps):
    _, obiettivo = piano_con_leps
    html = client.get(f"/obiettivi/{obiettivo.pk}/").content.decode()
    assert "stato nell&#x27;Ambito, 2023" in html or "stato nell'Ambito, 2023" in html
    assert "/ambiti/lago/leps/?anno=2023#leps-assistente-sociale" in html
    assert '<span class="badge bg-success">raggiunto</span>' in html


def test_the_plan_document_has_a_leps_section(piano_con_leps):
    piano, obiettivo = piano_con_leps
    doc = documento_piano(piano, oggi=datetime.date(2026, 5, 1))
    blocchi = [b for c in doc.capitoli for b in c.blocchi]
    i = next(i for i, b in enumerate(blocchi) if isinstance(b, Titolo) and "LEPS" in b.testo)
    tabella = next(b for b in blocchi[i:] if isinstance(b, Tabella))
    righe = {r[0].testo: [c.testo for c in r] for r in tabella.righe}
    assert len(righe) == Leps.objects.count()
    as_ = righe["Servizio sociale professionale (un assistente sociale ogni 5.000 abitanti)"]
    assert as_[2:5] == ["5.000", "≤ 5.000", "raggiunto"]
    assert obiettivo.codice in as_[5]
    # A LEPS without data and without an objective: «dato mancante», named in the note below.
    assert any(r[4] == "dato mancante" and r[5] == "—" for r in righe.values())
    assert "2023" in tabella.didascalia
