"""A data file above LAVORI_SOGLIA_BYTES is loaded by a background job, with the same checks."""

import pytest

from conoscenza.models import Caricamento, Osservazione
from lavori.models import Lavoro
from testsupport.fabbriche import utente_con_ruolo


@pytest.fixture
def ufficio(registro_minimo, client):
    user = utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago)
    client.force_login(user)
    return user


def _carica(client, testo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("dati.csv", testo.encode(), content_type="text/csv")
    return client.post("/dati/carica/", {"file": f, "formato": "zona", "fonte": "prova"})


INTESTAZIONE = "livello,codice_territorio,anno,misura,eta_da,eta_a,sesso,categoria,valore\n"


def test_un_file_grande_diventa_un_lavoro(ufficio, client, settings):
    settings.LAVORI_SOGLIA_BYTES = 10
    prima = Caricamento.objects.count()
    risposta = _carica(client, INTESTAZIONE + "comune,016901,2024,utenti,,,,,5\ncomune,016902,2024,utenti,,,,,7\n")
    lavoro = Lavoro.objects.get()
    assert risposta.status_code == 302 and risposta["Location"] == f"/lavori/{lavoro.pk}/"
    assert lavoro.stato == Lavoro.COMPLETATO and lavoro.fatti == 2, lavoro.messaggio
    assert lavoro.messaggio == "File «dati.csv» caricato: 2 righe."
    assert Caricamento.objects.count() == prima + 1
    assert Caricamento.objects.latest("pk").utente == ufficio


def test_un_file_grande_di_un_altro_ambito_e_rifiutato_dal_lavoro(ufficio, client, settings):
    settings.LAVORI_SOGLIA_BYTES = 10
    prima = Osservazione.objects.count()
    _carica(client, INTESTAZIONE + "comune,016901,2024,utenti,,,,,5\ncomune,016904,2024,utenti,,,,,7\n")
    lavoro = Lavoro.objects.get()
    assert lavoro.stato == Lavoro.FALLITO and len(lavoro.errori) == 1 and "riga 3" in lavoro.errori[0]
    assert Osservazione.objects.count() == prima
    pagina = client.get(f"/lavori/{lavoro.pk}/").content.decode()
    assert "Non riuscito" in pagina and "riga 3" in pagina
