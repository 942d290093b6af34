"""A plan's document composed by a background job (documenti.background)."""

from lavori.models import Lavoro
from testsupport.fabbriche import utente_con_ruolo


def test_il_documento_di_un_piano_come_lavoro(registro_minimo, client):
    from documenti.background import accoda_documento

    utente = utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago)
    lavoro = accoda_documento(utente, registro_minimo.approvato, "pdf")
    assert lavoro.stato == Lavoro.COMPLETATO, lavoro.messaggio
    assert lavoro.unita == "pagine composte" and lavoro.fatti == lavoro.totale > 1
    assert bytes(lavoro.risultato).startswith(b"%PDF") and lavoro.risultato_nome.endswith(".pdf")
    client.force_login(utente)
    assert client.get(f"/lavori/{lavoro.pk}/risultato/").content == bytes(lavoro.risultato)


def test_un_piano_non_visibile_non_si_compone(registro_minimo):
    from documenti.background import accoda_documento

    estraneo = utente_con_ruolo("udp.pianura", "ufficio_di_piano", ambito=registro_minimo.pianura)
    lavoro = accoda_documento(estraneo, registro_minimo.bozza, "docx")  # a draft of another Ambito
    assert lavoro.stato == Lavoro.FALLITO and "non è più visibile" in lavoro.messaggio
    assert lavoro.risultato is None
