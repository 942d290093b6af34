"""An extension (proroga) of a plan: recorded as a closed revision, checked at its boundaries."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programmazione import services
from programmazione.models import Revisione
from testsupport.fabbriche import piano as nuovo_piano

pytestmark = pytest.mark.django_db
G = datetime.date


def test_an_extension_moves_the_end_and_keeps_the_triennio(registro_minimo):
    piano = registro_minimo.approvato
    assert (piano.fine_vigenza, piano.anni_in_vigore) == (G(2023, 12, 31), [2021, 2022, 2023])
    primo = piano.obiettivi.order_by("codice").first()
    r = services.proroga_piano(None, piano, G(2024, 12, 31), "Regione Lombardia", "77", G(2023, 11, 1), [primo])
    assert (r.numero, r.delibera) == (1, "Regione Lombardia n. 77 del 01/11/2023")
    assert r.chiusa_il is not None and piano.revisione_aperta() is None  # the plan stays frozen
    assert (piano.triennio, piano.anni, piano.anni_in_vigore) == (
        "2021-2023",
        [2021, 2022, 2023],
        [2021, 2022, 2023, 2024],
    )
    assert list(r.obiettivi_prorogati.all()) == [primo]
    # A second extension must go further than the first, and the last one counts.
    with pytest.raises(ValidationError, match="oltre il 31/12/2024"):
        services.proroga_piano(None, piano, G(2024, 12, 31), "Regione Lombardia")
    services.proroga_piano(None, piano, G(2025, 6, 30), "Regione Lombardia")
    assert piano.fine_vigenza == G(2025, 6, 30) and Revisione.objects.filter(piano=piano).count() == 2


@pytest.mark.parametrize(
    "fine, accettata",
    [
        (G(2023, 12, 31), False),  # the day the plan ends anyway: not an extension
        (G(2024, 1, 1), True),
        (G(2026, 12, 31), True),  # three years more at most
        (G(2027, 1, 1), False),
    ],
)
def test_the_new_end_date_boundaries(registro_minimo, fine, accettata):
    piano = registro_minimo.approvato
    if accettata:
        services.proroga_piano(None, piano, fine, "Regione Lombardia")
        assert piano.fine_vigenza == fine
    else:
        with pytest.raises(ValidationError):
            services.proroga_piano(None, piano, fine, "Regione Lombardia")
        assert not piano.revisioni.exists()


def test_what_cannot_be_extended(registro_minimo):
    r = registro_minimo
    with pytest.raises(ValidationError, match="in bozza"):
        services.proroga_piano(None, r.bozza, G(2027, 6, 30), "Regione Lombardia")
    with pytest.raises(ValidationError, match="ente che ha deciso"):
        services.proroga_piano(None, r.approvato, G(2024, 6, 30), "  ")
    with pytest.raises(ValidationError, match="successivo alla nuova data"):
        services.proroga_piano(None, r.approvato, G(2024, 6, 30), "Regione Lombardia", atto_data=G(2024, 7, 1))
    altro = nuovo_piano(r.pianura, 2021, [("Altrove", "D")], stato="approvato")
    with pytest.raises(ValidationError, match="obiettivi di questo piano"):
        services.proroga_piano(None, r.approvato, G(2024, 6, 30), "Regione Lombardia", obiettivi=altro.obiettivi.all())
    assert not r.approvato.revisioni.exists()


def test_only_the_ufficio_di_piano_extends_from_the_page(registro_minimo, client):
    from testsupport.fabbriche import utente_con_ruolo

    piano = registro_minimo.approvato
    estraneo = utente_con_ruolo("udp.pianura", "ufficio_di_piano", ambito=registro_minimo.pianura)
    with pytest.raises(PermissionDenied):
        services.proroga_piano(estraneo, piano, G(2024, 12, 31), "Regione Lombardia")
    udp = utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago)
    client.force_login(udp)
    dati = {"azione": "proroga", "prorogato_al": "2024-12-31", "atto_ente": "Regione Lombardia", "atto_numero": "9"}
    client.post(f"/piani/{piano.pk}/stato/", {**dati, "prorogato_al": "31 dicembre"})
    assert not piano.revisioni.exists()
    risposta = client.post(f"/piani/{piano.pk}/stato/", dati, follow=True)
    assert "fino al 31/12/2024" in risposta.content.decode()
    assert piano.proroga().aperta_da == udp
    assert 'data-testid="proroga"><strong>31/12/2024</strong> · Regione Lombardia n. 9' in risposta.content.decode()


def test_a_list_of_plans_reads_the_revisions_once(client, registro_minimo):
    """/piani/ shows each plan's end in force: the revisions of every plan in one query
    (PianoQuerySet.con_revisioni), however many plans and extensions; and the prefetched answer
    is the one the database gives."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programmazione.models import Piano
    from testsupport.fabbriche import ambito, utente_con_ruolo
    from testsupport.query import letture

    r = registro_minimo

    def conta():
        with CaptureQueriesContext(connection) as q:
            pagina = client.get("/piani/")
        assert pagina.status_code == 200
        return pagina.content.decode(), len(letture(q))

    client.force_login(utente_con_ruolo("coord", "coordinamento"))  # drafts too
    services.proroga_piano(None, r.approvato, G(2024, 12, 31), "Regione Lombardia")
    _, prima = conta()
    for i in range(6):
        p = nuovo_piano(ambito(f"a{i}", f"Ambito {i}"), 2021, stato="approvato")
        services.apri_revisione(None, p, "Aggiornamento")
        services.proroga_piano(
            None,
            nuovo_piano(ambito(f"b{i}", f"Ambito B{i}"), 2018, stato="approvato"),
            G(2021, 6, 30),
            "Regione Lombardia",
        )
    pagina, dopo = conta()
    assert dopo == prima, (prima, dopo)
    assert (
        pagina.count("(prorogato)") == 7 and "31/12/2024 (prorogato)" in pagina and "30/06/2021 (prorogato)" in pagina
    )
    for p in Piano.objects.con_revisioni():
        fresco = Piano.objects.get(pk=p.pk)
        assert (p.proroga(), p.fine_vigenza, p.anni_in_vigore, p.revisione_aperta()) == (
            fresco.proroga(),
            fresco.fine_vigenza,
            fresco.anni_in_vigore,
            fresco.revisione_aperta(),
        )
    # A service that adds a revision to a plan read with its list forgets the stale ones.
    p = Piano.objects.con_revisioni().get(pk=r.approvato.pk)
    services.proroga_piano(None, p, G(2025, 6, 30), "Regione Lombardia")
    assert p.fine_vigenza == G(2025, 6, 30)


def test_the_deadlines_of_a_plan_read_its_revisions_once(registro_minimo):
    """monitoraggio.selectors.scadenze asks for the extension, the end in force and the years in
    force: one read of the revisions for a lone plan, none for a plan of a list that read them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from monitoraggio.selectors import scadenze
    from programmazione.models import Piano

    services.proroga_piano(None, registro_minimo.approvato, G(2024, 12, 31), "Regione Lombardia")

    def revisioni(piano):
        with CaptureQueriesContext(connection) as q:
            elenco = scadenze(piano, oggi=G(2025, 1, 1))
        return elenco, sum('FROM "programmazione_revisione" ' in x["sql"] for x in q.captured_queries)

    elenco, n = revisioni(Piano.objects.get(pk=registro_minimo.approvato.pk))
    assert n == 1 and any("2° semestre 2024 (proroga)" in s.cosa for s in elenco)
    assert revisioni(Piano.objects.con_revisioni().get(pk=registro_minimo.approvato.pk)) == (elenco, 0)


def test_the_plan_page_reads_its_revisions_once(client, registro_minimo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from testsupport.fabbriche import utente_con_ruolo

    piano = registro_minimo.approvato
    services.proroga_piano(None, piano, G(2024, 12, 31), "Regione Lombardia", "77")
    services.apri_revisione(None, piano, "Aggiornamento dopo la proroga")
    client.force_login(utente_con_ruolo("up.lago", "ufficio_di_piano", ambito=registro_minimo.lago))
    with CaptureQueriesContext(connection) as q:
        pagina = client.get(f"/piani/{piano.pk}/").content.decode()
    assert sum('FROM "programmazione_revisione" ' in x["sql"] for x in q.captured_queries) == 1
    assert 'data-testid="proroga"><strong>31/12/2024</strong>' in pagina
    assert "n. 2 aperta il" in pagina and "Aggiornamento dopo la proroga" in pagina
