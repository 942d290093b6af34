"""Coverage of the offer: the register's places as indicators of the catalogue, computed by
conoscenza at every level with the other indicators."""

import datetime
from decimal import Decimal

import pytest

from conoscenza.models import Caricamento, Livello, Osservazione
from conoscenza.selectors import calcola, calcola_livelli
from offerta import copertura, importa, services
from offerta.models import TipoUnita, UnitaOfferta
from testsupport.fabbriche import osservazioni

pytestmark = pytest.mark.django_db

D = Decimal
CF = "00000000000"


def _unita(tipo, comune, nome=None, autorizzati=None, accreditati=None, autorizzata_il=None):
    return UnitaOfferta.objects.create(
        tipo_id=tipo,
        nome=nome or f"{tipo} {comune}",
        comune_id=comune,
        ente_gestore="Ente",
        natura_ente="terzo_settore",
        codice_fiscale_ente=CF,
        posti_autorizzati=autorizzati,
        posti_accreditati=accreditati,
        autorizzata_il=autorizzata_il,
    )


def test_the_types_have_the_groups_the_indicators_sum(riferimenti):
    gruppi = dict(TipoUnita.objects.values_list("codice", "gruppo"))
    assert {gruppi[t] for t in ("asilo-nido", "micronido", "nido-famiglia", "centro-prima-infanzia")} == {
        "prima_infanzia"
    }
    assert {gruppi[t] for t in ("rsa", "cdi", "centro-diurno-anziani", "alloggio-protetto-anziani")} == {"anziani"}
    assert {gruppi[t] for t in ("cdd", "cse", "sfa", "css", "cad", "rsd")} == {"disabili"}
    assert gruppi["cag"] == "famiglia_minori"  # not a service for children 0-2
    assert TipoUnita.objects.get(pk="rsa").categoria_posti == "anziani|RSA"
    assert TipoUnita.objects.get(pk="asilo-nido").categoria_posti == "prima_infanzia|Asilo nido"


def test_elderly_coverage_by_comune_ambito_distretto_and_ats(registro_minimo):
    # 65 and over on 1 January 2023: Borgo sul Lago 260, Lago 440, Pianura 490, Distretto 930.
    _unita("rsa", "016901", autorizzati=52, accreditati=40)  # authorised places count
    _unita("cdi", "016902", accreditati=14)  # only accredited: those
    _unita("cdd", "016901", autorizzati=30)  # another group: not in the elderly's
    _unita("rsa", "016904", autorizzata_il=datetime.date(2024, 1, 10), autorizzati=100)  # after 2023
    copertura.pubblica(2023)
    v = calcola_livelli([Livello.COMUNE, Livello.AMBITO, Livello.DISTRETTO, Livello.ATS], anni=[2023])
    assert v[Livello.COMUNE][("016901", 2023, "copertura_anziani")] == D(200)  # 52 / 260 × 1.000
    assert v[Livello.AMBITO][("lago", 2023, "copertura_anziani")] == D(150)  # 66 / 440 × 1.000
    assert ("pianura", 2023, "copertura_anziani") not in v[Livello.AMBITO]  # its RSA opened in 2024
    assert v[Livello.DISTRETTO][("distretto-prova", 2023, "copertura_anziani")] == D(66) * 1000 / D(930)
    assert v[Livello.ATS][("ats-prova", 2023, "copertura_anziani")] == D(66) * 1000 / D(930)
    # No demand data (users with disabilities): no coverage of the disabled, never a guess.
    assert ("lago", 2023, "copertura_disabili") not in v[Livello.AMBITO]


def test_a_closed_unit_counts_zero_in_the_next_publication_of_the_year(registro_minimo):
    rsa = _unita("rsa", "016901", autorizzati=52)
    _unita("cdi", "016902", autorizzati=14)
    primo = copertura.pubblica(2023)
    rsa.delete()
    secondo = copertura.pubblica(2023)
    v = calcola(Livello.AMBITO, anni=[2023], indicatori=["copertura_anziani"])
    assert v[("lago", 2023, "copertura_anziani")] == D(14) * 1000 / D(440)
    assert calcola(Livello.COMUNE, anni=[2023], indicatori=["copertura_anziani"])[
        ("016901", 2023, "copertura_anziani")
    ] == D(0)
    primo.refresh_from_db()
    assert primo.sostituito_da == secondo  # history kept, no longer counted


def test_childhood_and_disability_coverage(registro_minimo):
    osservazioni(
        [
            {"misura": "popolazione_residente", "livello": "comune", "codice_territorio": "016904", "anno": 2024,
             "eta_da": da, "eta_a": a, "valore": n}
            for da, a, n in [(0, 2, 50), (3, 64, 1550), (65, None, 400)]
        ]
        + [{"misura": "utenti", "livello": "ambito", "codice_territorio": "pianura", "anno": 2024,
            "categoria": "Disabili", "valore": 40}],
        "popolazione-2024.csv",
    )  # fmt: skip
    _unita("asilo-nido", "016904", autorizzati=15)
    _unita("micronido", "016904", autorizzati=5)
    _unita("cag", "016904", autorizzati=40)  # young people, not children 0-2
    _unita("cdd", "016905", autorizzati=20)
    copertura.pubblica(2024)
    comune = calcola(Livello.COMUNE, anni=[2024])
    assert comune[("016904", 2024, "copertura_prima_infanzia")] == D(40)  # 20 / 50 × 100
    ambito = calcola(Livello.AMBITO, anni=[2024])
    assert ambito[("pianura", 2024, "copertura_prima_infanzia")] == D(40)  # 016905 has no children's data
    assert ambito[("pianura", 2024, "copertura_disabili")] == D(500)  # 20 / 40 × 1.000
    assert ("016905", 2024, "copertura_disabili") not in comune  # users known only for the Ambito


def test_units_without_places_are_counted_but_give_no_places(registro_minimo):
    _unita("rsa", "016901")
    copertura.pubblica(2023)
    obs = dict(
        Osservazione.objects.filter(caricamento__nome_file="registro-unita-offerta-2023.csv").values_list(
            "misura_id", "valore"
        )
    )
    assert obs == {"strutture": D(1)}
    assert copertura.pubblica(2022) is not None  # the register has a unit: a publication
    UnitaOfferta.objects.all().delete()
    assert copertura.pubblica(2021) is None  # nothing ever published for 2021, nothing to write


def test_import_and_form_publish_the_register(registro_minimo):
    anno = datetime.date.today().year
    riga = "rsa,RSA del Lago,Ente,terzo_settore,00000000000,,016901,,,,,60,,no,,,prova"
    importa.importa((",".join(importa.COLONNE) + "\n" + riga + "\n").encode(), "u.csv")
    caricamento = Caricamento.objects.get(nome_file=copertura.nome_file(anno), sostituito_da=None)
    assert caricamento.osservazioni.get(misura_id="posti").valore == D(60)
    u = UnitaOfferta.objects.get()
    u.posti_autorizzati = 70
    services.salva_unita(None, u, u.versione)
    nuovo = Caricamento.objects.get(nome_file=copertura.nome_file(anno), sostituito_da=None)
    assert nuovo.osservazioni.get(misura_id="posti").valore == D(70)
