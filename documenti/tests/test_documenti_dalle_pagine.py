"""Documents asked for on the pages (documenti.views): the plan's buttons queue a background job
unless the document is ready for the current data; the coordination's ZIP of the approved plans
of a triennio and its recomputation of the indicators are jobs too."""

import io
import zipfile

from django.urls import reverse

from lavori.models import Lavoro
from testsupport.fabbriche import piano, utente_con_ruolo


def _lavoro(risposta):
    assert risposta.status_code == 302 and risposta["Location"].startswith("/lavori/"), risposta
    return Lavoro.objects.get(pk=int(risposta["Location"].strip("/").split("/")[-1]))


def test_il_pulsante_del_piano_accoda_poi_serve_il_documento_pronto(registro_minimo, client):
    utente = utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago)
    client.force_login(utente)
    url = reverse("documenti:piano", args=[registro_minimo.approvato.pk])
    pagina = reverse("programmazione:piano", args=[registro_minimo.approvato.pk])
    assert f'action="{url}"' in client.get(pagina).content.decode()

    lavoro = _lavoro(client.post(url, {"formato": "docx"}))
    assert lavoro.stato == Lavoro.COMPLETATO and lavoro.utente == utente, lavoro.messaggio
    assert lavoro.risultato_nome == "piano-di-zona-lago-2021-2023.docx"

    # Data unchanged: the same file at once, no second job.
    r = client.post(url, {"formato": "docx"})
    assert r.status_code == 200 and r.content == bytes(lavoro.risultato)
    assert Lavoro.objects.count() == 1

    # A change of the data (audited) makes the ready document stale: a new job.
    registro_minimo.approvato.titolo = "Piano aggiornato"
    registro_minimo.approvato.save()
    assert _lavoro(client.post(url, {"formato": "docx"})).pk != lavoro.pk


def test_formato_sconosciuto_o_mancante_non_accoda_nulla(registro_minimo, client):
    client.force_login(utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago))
    pagina = reverse("programmazione:piano", args=[registro_minimo.approvato.pk])
    for dati in ({}, {"formato": "odt"}):
        r = client.post(reverse("documenti:monitoraggio", args=[registro_minimo.approvato.pk]), dati)
        assert r.status_code == 302 and r["Location"] == pagina
    assert not Lavoro.objects.exists()


def test_la_bozza_di_un_altro_ambito_non_si_accoda(registro_minimo, client):
    client.force_login(utente_con_ruolo("udp.pianura", "ufficio_di_piano", ambito=registro_minimo.pianura))
    r = client.post(reverse("documenti:piano", args=[registro_minimo.bozza.pk]), {"formato": "pdf"})
    assert r.status_code == 404 and not Lavoro.objects.exists()


def test_lo_zip_dei_piani_approvati_del_triennio(registro_minimo, client):
    piano(registro_minimo.pianura, 2021, [("Bozza che non si stampa", "A")])  # a draft: left out
    coordinamento = utente_con_ruolo("coord", "coordinamento")
    client.force_login(coordinamento)
    pagina = client.get(reverse("monitoraggio:provincia") + "?triennio=2021").content.decode()
    assert 'data-testid="raccolta-piani"' in pagina
    lavoro = _lavoro(client.post(reverse("documenti:provinciale"), {"anno": "2021", "formato": "docx"}))
    assert lavoro.stato == Lavoro.COMPLETATO, lavoro.messaggio
    assert (lavoro.fatti, lavoro.totale, lavoro.unita) == (1, 1, "piani composti")
    archivio = zipfile.ZipFile(io.BytesIO(bytes(lavoro.risultato)))
    assert archivio.namelist() == ["piano-di-zona-lago-2021-2023.docx"]
    assert archivio.read("piano-di-zona-lago-2021-2023.docx").startswith(b"PK")
    assert lavoro.risultato_nome == "piani-di-zona-2021-2023-docx.zip"

    # A triennio without approved plans: a message, no job.
    r = client.post(reverse("documenti:provinciale"), {"anno": "2024", "formato": "pdf"})
    assert r.status_code == 302 and r["Location"] == reverse("monitoraggio:provincia")
    assert Lavoro.objects.count() == 1


def test_solo_il_coordinamento_raccoglie_e_ricalcola(registro_minimo, client):
    client.force_login(utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago))
    assert client.post(reverse("documenti:provinciale"), {"anno": "2021", "formato": "pdf"}).status_code == 403
    assert client.post(reverse("conoscenza:caricamenti"), {"azione": "ricalcola"}).status_code == 403
    assert 'data-testid="ricalcolo"' not in client.get(reverse("conoscenza:caricamenti")).content.decode()
    assert not Lavoro.objects.exists()


def test_il_ricalcolo_degli_indicatori(registro_minimo, client):
    from conoscenza.selectors import LIVELLI_CALCOLATI, calcola
    from zona.lib.downloads import numero_csv

    client.force_login(utente_con_ruolo("coord", "coordinamento"))
    assert 'data-testid="ricalcolo"' in client.get(reverse("conoscenza:caricamenti")).content.decode()
    lavoro = _lavoro(client.post(reverse("conoscenza:caricamenti"), {"azione": "ricalcola"}))
    assert lavoro.stato == Lavoro.COMPLETATO, lavoro.messaggio
    assert lavoro.fatti == lavoro.totale == len(LIVELLI_CALCOLATI)
    righe = bytes(lavoro.risultato).decode().splitlines()
    assert righe[0] == "livello,codice_territorio,territorio,anno,indicatore,valore"
    # The Ambito's old-age index as the knowledge base computes it on its own.
    atteso = calcola("ambito", indicatori=["indice_vecchiaia"])
    ((codice, anno, _), valore), *_ = sorted(atteso.items())
    assert valore is not None
    assert f"ambito,{codice},Lago,{anno},indice_vecchiaia,{numero_csv(valore)}" in righe
    assert len(righe) - 1 == int(lavoro.messaggio.split(": ")[1].split()[0])
