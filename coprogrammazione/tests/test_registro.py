"""The registry of organisations: codice fiscale check, import from CSV/XLSX, public page."""

import io

import pytest
from openpyxl import Workbook

from coprogrammazione import importa
from coprogrammazione.models import Organizzazione
from testsupport.fabbriche import utente_con_ruolo
from zona.lib.codice_fiscale import codice_fiscale
from zona.lib.tabular import FileRifiutato
from zona.lib.valori import ValoreNonValido


def test_codice_fiscale_numerico_e_alfanumerico():
    assert codice_fiscale(" 007 43110157 ") == "00743110157"
    assert codice_fiscale("IT00743110157") == "00743110157"
    assert codice_fiscale("rssmra85t10a562s") == "RSSMRA85T10A562S"
    assert codice_fiscale("") == ""
    for sbagliato, parola in [
        ("00743110158", "cifra di controllo"),  # last digit off by one
        ("07043110157", "cifra di controllo"),  # two digits swapped
        ("RSSMRA85T10A562T", "carattere di controllo"),
        ("1234", "non è un codice fiscale"),
        ("x" * 41, "troppo lungo"),
    ]:
        with pytest.raises(ValoreNonValido) as e:
            codice_fiscale(sbagliato)
        assert parola in str(e.value)
        if len(sbagliato) == 16:
            # A person's code is personal data: never repeated in a message.
            assert sbagliato not in str(e.value)
    with pytest.raises(ValoreNonValido):
        codice_fiscale("", obbligatorio=True)


CSV = (
    "nome,tipo,codice_fiscale,forma_giuridica,runts_numero,runts_sezione,sede,comuni,aree\n"
    "Cooperativa del Lago,cooperativa,00743110157,Cooperativa sociale di tipo A,999,d,Borgo sul Lago,"
    "016901|Monte Alto,D|J\n"
    "Volontari del Monte,Ente del terzo settore,,ODV,,,016902,,\n"
)


@pytest.mark.django_db
def test_importa_aggiunge_poi_aggiorna(registro_minimo):
    assert importa.importa_organizzazioni(importa.leggi_file(CSV.encode(), "enti.csv")) == (2, 0)
    coop = Organizzazione.objects.get(codice_fiscale="00743110157")
    assert coop.tipo == "cooperativa" and coop.runts_sezione == "d"
    assert coop.sede_comune_id == "016901"
    assert sorted(c.pk for c in coop.comuni.all()) == ["016901", "016902"]
    assert sorted(a.pk for a in coop.aree.all()) == ["D", "J"]
    assert Organizzazione.objects.get(nome="Volontari del Monte").tipo == "ets"
    # The same codice fiscale with a new name updates the row; the same file again changes nothing else.
    nuovo = CSV.replace("Cooperativa del Lago", "Cooperativa del Lago scs")
    assert importa.importa_organizzazioni(importa.leggi_file(nuovo.encode(), "enti.csv")) == (0, 2)
    assert Organizzazione.objects.count() == 2
    assert Organizzazione.objects.get(codice_fiscale="00743110157").nome == "Cooperativa del Lago scs"


@pytest.mark.django_db
def test_importa_xlsx(registro_minimo):
    wb = Workbook()
    ws = wb.active
    ws.append(["Denominazione", "Tipo", "Codice fiscale"])
    ws.append(["Parrocchia di Monte Alto", "parrocchia", "00743110157"])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert importa.importa_organizzazioni(importa.leggi_file(buffer.getvalue(), "enti.xlsx")) == (1, 0)


@pytest.mark.django_db
def test_file_con_errori_non_salva_nulla_e_li_nomina_tutti(registro_minimo):
    righe = (
        "nome,tipo,codice_fiscale,runts_numero,runts_sezione,sede,aree\n"
        "Buona,ets,,,,,\n"
        "Cattiva,marziani,00743110158,12,,Atlantide,Z\n"
        "Buona,ets,,,,,\n"
    )
    with pytest.raises(FileRifiutato) as e:
        importa.importa_organizzazioni(importa.leggi_file(righe.encode(), "enti.csv"))
    testo = " ".join(str(x) for x in e.value.errori)
    assert "marziani" in testo
    assert "cifra di controllo" in testo
    assert "sezione" in testo
    assert "Atlantide" in testo
    assert "«Z»" in testo
    assert "riga 2" in testo  # the repeated organisation names the first row
    assert Organizzazione.objects.count() == 0


@pytest.mark.django_db
def test_colonna_sconosciuta_rifiutata(registro_minimo):
    with pytest.raises(FileRifiutato) as e:
        importa.leggi_file(b"nome,tipo,telefono\nX,ets,123\n", "enti.csv")
    assert "telefono" in str(e.value.errori[0])


@pytest.mark.django_db
def test_pagina_importa_e_pagina_pubblica(client, registro_minimo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = "/organizzazioni/importa/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(utente_con_ruolo("comune.borgo", "comune", comune=registro_minimo.comuni["016901"]))
    assert client.get(url).status_code == 403
    client.force_login(utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago))
    r = client.post(url, {"file": SimpleUploadedFile("enti.csv", CSV.encode())})
    assert r.status_code == 302
    client.logout()
    coop = Organizzazione.objects.get(codice_fiscale="00743110157")
    pagina = client.get(f"/organizzazioni/{coop.pk}/").content.decode()
    assert "Cooperativa del Lago" in pagina and "00743110157" in pagina and "Borgo sul Lago" in pagina
    elenco = client.get("/organizzazioni/?q=monte").content.decode()
    assert "Volontari del Monte" in elenco and "Cooperativa del Lago" not in elenco
    csv = client.get("/organizzazioni/?formato=csv").content.decode()
    assert csv.splitlines()[0] == "nome,tipo,codice_fiscale,forma_giuridica,runts_numero,runts_sezione,sede"
    assert client.get("/organizzazioni/?tipo=marziani").status_code == 400
