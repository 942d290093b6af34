"""Who may download a plan's documents: the same people who may read the plan."""

import pytest
from django.urls import reverse

from testsupport.fabbriche import utente

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.django_db
def test_anonimo_non_scarica_il_documento_di_una_bozza(client, bozza):
    for nome in ("documenti:piano", "documenti:monitoraggio"):
        assert client.get(reverse(nome, args=[bozza.pk])).status_code == 404  # as if it did not exist
    assert client.get(f"/api/piani/{bozza.pk}/documento").status_code == 404


@pytest.mark.django_db
def test_un_altro_ufficio_di_piano_non_scarica_la_bozza(client, bozza):
    client.force_login(utente("udp.dalmine"))
    assert client.get(reverse("documenti:piano", args=[bozza.pk])).status_code == 404
    assert client.get(reverse("documenti:monitoraggio", args=[bozza.pk]) + "?formato=docx").status_code == 404
    assert client.get(f"/api/piani/{bozza.pk}/documento?formato=docx").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["udp.altosebino", "coordinamento", "comune.lovere"])
def test_l_ambito_e_il_coordinamento_scaricano_la_bozza(client, bozza, username):
    client.force_login(utente(username))
    r = client.get(reverse("documenti:piano", args=[bozza.pk]) + "?formato=docx")
    assert r.status_code == 200
    assert r["Content-Type"] == DOCX
    assert r["Content-Disposition"] == 'attachment; filename="piano-di-zona-alto-sebino-2024-2026.docx"'
    assert r.content.startswith(b"PK")


@pytest.mark.django_db
def test_un_piano_approvato_si_scarica_senza_accesso(client, approvato):
    r = client.get(reverse("documenti:monitoraggio", args=[approvato.pk]))
    assert r.status_code == 200 and r["Content-Type"] == PDF and r.content.startswith(b"%PDF")
    r = client.get(f"/api/piani/{approvato.pk}/relazione-monitoraggio?formato=docx")
    assert r.status_code == 200 and r["Content-Type"] == DOCX


@pytest.mark.django_db
def test_formato_sconosciuto(client, approvato):
    assert client.get(reverse("documenti:piano", args=[approvato.pk]) + "?formato=odt").status_code == 404
    assert client.get(f"/api/piani/{approvato.pk}/documento?formato=odt").status_code == 422


@pytest.mark.django_db
def test_la_pagina_del_piano_offre_i_documenti(client, approvato):
    html = client.get(reverse("programmazione:piano", args=[approvato.pk])).content.decode()
    assert "Scarica il documento (PDF)" in html and "Scarica il documento (DOCX)" in html
    assert "Relazione di monitoraggio" in html
    assert reverse("documenti:piano", args=[approvato.pk]) + "?formato=docx" in html


@pytest.mark.django_db
def test_relazione_provinciale_conta_solo_i_piani_leggibili(client, bozza):
    from django.contrib.auth.models import AnonymousUser

    from documenti.provinciale import relazione_provinciale

    anonimo = relazione_provinciale(2024, AnonymousUser())
    ufficio = relazione_provinciale(2024, utente("udp.altosebino"))
    assert "Nessun Piano di Zona che inizi nel 2024" in anonimo.capitoli[0].blocchi[0].testo
    assert ufficio.capitoli[0].blocchi[0].righe[0][0].testo == "Alto Sebino"
    r = client.get(reverse("documenti:provinciale") + "?anno=2024&formato=docx")
    assert r.status_code == 200 and r["Content-Type"] == DOCX
    assert client.get(reverse("documenti:provinciale") + "?anno=12").status_code == 404
    assert client.get("/api/relazione-provinciale?anno=99999").status_code == 422
