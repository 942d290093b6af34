"""A member of a table (role «tavolo»): reads its table and the objectives submitted to it for
comment, even of a draft plan, and comments on them with attribution; sees nothing else of the
draft plan and nothing of another table."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from coprogrammazione import services
from coprogrammazione.models import Commento, Organizzazione
from programmazione.models import Obiettivo
from testsupport.fabbriche import utente_con_ruolo

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultazione(registro_minimo):
    r = registro_minimo
    bozza = r.bozza
    sottoposto = bozza.obiettivi.get()  # «Casa di comunità»
    riservato = Obiettivo.objects.create(piano=bozza, codice="OB02", ordine=2, titolo="Riservato non sottoposto")
    coop = Organizzazione.objects.create(nome="Cooperativa del Lago", tipo="cooperativa")
    r.membro = utente_con_ruolo("membro", "tavolo")
    r.estraneo = utente_con_ruolo("estraneo", "tavolo")
    r.udp = utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=r.lago)
    r.anziani = services.crea_tavolo(None, bozza, "Tavolo anziani")
    r.giovani = services.crea_tavolo(None, bozza, "Tavolo giovani", descrizione="Documento del tavolo giovani")
    services.aggiungi_componente(None, r.anziani, coop, nome="Maria Rossi", utente=r.membro)
    services.registra_esito(None, r.anziani, "proposta", "Più infermieri di comunità", obiettivi=[riservato])
    r.c = services.apri_consultazione(
        None, r.anziani, sottoposto, datetime.date(2024, 2, 1), domanda="Il target è giusto?"
    )
    r.c_giovani = services.apri_consultazione(None, r.giovani, riservato, datetime.date(2024, 2, 1))
    r.sottoposto, r.riservato, r.coop = sottoposto, riservato, coop
    return r


def test_the_member_reads_its_table_and_the_objective_submitted_to_it(client, consultazione):
    r = consultazione
    client.force_login(r.membro)
    pagina = client.get(f"/tavoli/{r.anziani.pk}/")
    assert pagina.status_code == 200
    testo = pagina.content.decode()
    assert "Casa di comunità" in testo and "Il target è giusto?" in testo
    assert "Più infermieri di comunità" in testo  # the table's own outcome
    # The objective the outcome fed is not submitted to the table: its title stays hidden.
    assert "Riservato non sottoposto" not in testo


def test_the_member_sees_nothing_else_of_the_draft_plan(client, consultazione):
    r = consultazione
    client.force_login(r.membro)
    for url in (
        f"/piani/{r.bozza.pk}/",
        f"/piani/{r.bozza.pk}/coprogrammazione/",
        f"/piani/{r.bozza.pk}/obiettivi.xlsx",
        f"/obiettivi/{r.sottoposto.pk}/",  # submitted: read on the table's page only
        f"/obiettivi/{r.riservato.pk}/",
        f"/obiettivi/{r.sottoposto.pk}/coprogrammazione/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_member_sees_nothing_of_another_table(client, consultazione):
    r = consultazione
    client.force_login(r.membro)
    assert client.get(f"/tavoli/{r.giovani.pk}/").status_code == 404
    assert client.post(f"/tavoli/{r.giovani.pk}/commenti/", {"commento-testo": "x"}).status_code == 404
    # A user with the role but on no table sees no table of the draft.
    client.force_login(r.estraneo)
    assert client.get(f"/tavoli/{r.anziani.pk}/").status_code == 404


def test_the_member_comments_with_attribution_and_the_audit_trail(client, consultazione):
    r = consultazione
    client.force_login(r.membro)
    risposta = client.post(
        f"/tavoli/{r.anziani.pk}/commenti/",
        {"commento-consultazione": r.c.pk, "commento-testo": "Servono anche i turni notturni."},
        follow=True,
    )
    assert "Commento registrato" in risposta.content.decode()
    k = Commento.objects.get()
    assert (k.autore, k.organizzazione, k.consultazione) == (r.membro, r.coop, r.c)
    assert LogEntry.objects.get_for_object(k).get().actor == r.membro
    # The Ufficio di Piano reads it, attributed to the organisation and the person.
    client.force_login(r.udp)
    testo = client.get(f"/tavoli/{r.anziani.pk}/").content.decode()
    assert "Cooperativa del Lago (Maria Rossi)" in testo and "Servono anche i turni notturni." in testo


def test_what_the_member_may_not_write(client, consultazione):
    r = consultazione
    client.force_login(r.membro)
    # Another table's consultation through its own table's URL: not a choice of the form.
    client.post(f"/tavoli/{r.anziani.pk}/commenti/", {"commento-consultazione": r.c_giovani.pk, "commento-testo": "x"})
    # The table itself (members, meetings, outcomes) is the Ufficio di Piano's.
    assert client.post(f"/tavoli/{r.anziani.pk}/", {"azione": "esito"}).status_code == 403
    assert not Commento.objects.exists()
    with pytest.raises(PermissionDenied):
        services.commenta(r.membro, r.c_giovani, "x")
    # A closed consultation takes no more comments (the Ufficio di Piano closes it on the page).
    client.force_login(r.udp)
    client.post(
        f"/tavoli/{r.anziani.pk}/",
        {"azione": "chiusura", "chiusura-consultazione": r.c.pk, "chiusura-chiusa_il": "2024-01-31"},
    )
    r.c.refresh_from_db()
    assert r.c.aperta  # before it opened: refused
    client.post(
        f"/tavoli/{r.anziani.pk}/",
        {"azione": "chiusura", "chiusura-consultazione": r.c.pk, "chiusura-chiusa_il": "2024-03-01"},
    )
    r.c.refresh_from_db()
    with pytest.raises(ValidationError, match="chiusa dal 01/03/2024"):
        services.commenta(r.membro, r.c, "In ritardo")
    # Only members comment: not the Ufficio di Piano, nor another member.
    # The Ufficio di Piano sees the table but is no member (403); for a member of no table
    # the draft's table does not exist (404).
    for user, atteso in ((r.udp, 403), (r.estraneo, 404)):
        client.force_login(user)
        dati = {"commento-consultazione": r.c.pk, "commento-testo": "x"}
        assert client.post(f"/tavoli/{r.anziani.pk}/commenti/", dati).status_code == atteso
    assert not Commento.objects.exists()


def test_only_a_tavolo_user_is_linked_to_a_member_and_only_objectives_of_the_plan(consultazione):
    r = consultazione
    with pytest.raises(ValidationError, match="ruolo di componente"):
        services.aggiungi_componente(None, r.giovani, r.coop, utente=r.udp)
    altro = r.approvato.obiettivi.first()
    with pytest.raises(ValidationError, match="solo un obiettivo del suo piano"):
        services.apri_consultazione(None, r.anziani, altro, datetime.date(2024, 2, 1))
