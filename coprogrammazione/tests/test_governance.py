"""The governance read model the documents print: organisations, never persons; meetings held
by the document's date only; outcomes with the objectives they produced; sittings with
delibere about the plan; co-designs with their agreement."""

import datetime
from decimal import Decimal

import pytest

from coprogrammazione import selectors, services
from coprogrammazione.models import Organizzazione

pytestmark = pytest.mark.django_db
G = datetime.date


def test_governance_del_piano(registro_minimo):
    r = registro_minimo
    piano = r.approvato
    ob1 = piano.obiettivi.get(codice="OB01")
    coop = Organizzazione.objects.create(nome="Cooperativa del Lago", tipo="cooperativa")
    odv = Organizzazione.objects.create(nome="Volontari del Monte", tipo="ets")
    t = services.crea_tavolo(None, piano, "Tavolo anziani")
    services.aggiungi_componente(None, t, coop, nome="Maria Rossi", email="maria@example.org")
    i = services.registra_incontro(
        None, t, G(2021, 2, 3), organizzazioni_presenti=[coop, odv], persone_presenti=["Anna Verdi"], luogo="Borgo"
    )
    services.registra_incontro(None, t, G(2021, 6, 1), luogo="Monte")  # after the document's date
    services.registra_esito(None, t, "bisogno", "Solitudine degli anziani", obiettivi=[ob1], incontro=i)
    services.registra_seduta(
        None,
        r.lago,
        G(2021, 3, 15),
        comuni_presenti=[r.comuni["016901"], r.comuni["016902"]],
        comuni_assenti=[r.comuni["016903"]],
        delibere=[{"numero": "4", "data": G(2021, 3, 15), "oggetto": "Approvazione del piano", "piano": piano}],
    )
    c = services.crea_coprogettazione(None, ob1, "Custodi sociali", Decimal("1000.00"))
    services.aggiungi_partner(None, c, coop, Decimal("1000.00"))
    services.registra_accordo(None, c, "convenzione", G(2021, 4, 1), dal=G(2021, 4, 1), al=G(2021, 12, 31))

    g = selectors.governance_del_piano(piano, G(2021, 3, 31))
    assert [(p.nome, p.tipo, p.tavoli) for p in g.partecipanti] == [
        ("Cooperativa del Lago", "Cooperativa sociale", ["Tavolo anziani"]),
        ("Volontari del Monte", "Ente del terzo settore", ["Tavolo anziani"]),
    ]
    assert [(x.data, x.enti_presenti) for x in g.incontri] == [(G(2021, 2, 3), 2)]
    assert [(e.testo, e.obiettivi) for e in g.esiti] == [
        ("Solitudine degli anziani", ["OB01 Domiciliarità degli anziani"])
    ]
    (s,) = g.sedute
    assert (s.comuni_presenti, s.comuni_assenti) == (2, 1)
    assert [(d.numero, d.del_piano) for d in s.delibere] == [("4", True)]
    (cg,) = g.coprogettazioni
    assert (cg.partner, cg.strumento, cg.al) == (["Cooperativa del Lago"], "Convenzione (art. 56 CTS)", G(2021, 12, 31))
    # Persons (members, people present) never reach the documents.
    testo = repr(g)
    assert "Maria Rossi" not in testo and "Anna Verdi" not in testo and "maria@example.org" not in testo
