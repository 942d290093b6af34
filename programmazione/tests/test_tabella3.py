"""Objectives in and out as XLSX in the Tabella 3 layout: round trip, and refused files."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from programmazione import selectors, tabella3
from programmazione.models import Obiettivo
from testsupport.fabbriche import utente
from zona.lib.tabular import FileRifiutato

pytestmark = pytest.mark.django_db

INTESTAZIONE = [etichetta for _, etichetta in tabella3.COLONNE]


def _xlsx(righe, intestazione=INTESTAZIONE):
    wb = Workbook()
    ws = wb.active
    ws.append(intestazione)
    for r in righe:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _riga(**valori):
    chiavi = [k for k, _ in tabella3.COLONNE]
    return [valori.get(k, "") for k in chiavi]


def test_export_of_the_alto_sebino_plan_has_one_row_per_objective_with_the_tabella_3_fields(approvato):
    contenuto = tabella3.esporta_xlsx(approvato, list(selectors.obiettivi_del_piano(approvato)))
    wb = load_workbook(io.BytesIO(contenuto))
    ws = wb["Tabella 3"]
    righe = list(ws.iter_rows(values_only=True))
    assert list(righe[0]) == INTESTAZIONE
    assert len(righe) == 24  # 23 objectives
    prima = dict(zip(INTESTAZIONE, righe[1], strict=True))
    assert prima["Codice"] == "AS21-01"
    assert prima["Titolo obiettivo"] == "La persona al centro quale parte di una comunità prossima"
    assert prima["Integrazione sociosanitaria (SI/NO)"] == "SI"
    assert prima["Area di policy (A-J)"] == "J"
    # Indicators of AS21-01 on their own sheet: 9 output and 4 outcome in the plan.
    indicatori = [r for r in wb["Indicatori"].iter_rows(values_only=True) if r[0] == "AS21-01"]
    assert [r[1] for r in indicatori].count("Output") == 9
    assert [r[1] for r in indicatori].count("Outcome") == 4


def test_export_then_import_into_a_new_draft_gives_the_same_objectives(approvato, bozza):
    contenuto = tabella3.esporta_xlsx(approvato, list(selectors.obiettivi_del_piano(approvato)))
    # The macro-areas belong to the 2021 plan: clear the column for the new plan.
    wb = load_workbook(io.BytesIO(contenuto))
    for riga in wb["Tabella 3"].iter_rows(min_row=2):
        riga[2].value = None
    buf = io.BytesIO()
    wb.save(buf)
    righe = tabella3.leggi_file(buf.getvalue(), "obiettivi.xlsx")
    creati, aggiornati = tabella3.importa_obiettivi(utente("udp.altosebino"), bozza, righe)
    assert (creati, aggiornati) == (23, 0)
    for vecchio in approvato.obiettivi.all():
        nuovo = bozza.obiettivi.get(codice=vecchio.codice)
        for campo in (
            "titolo",
            "descrizione",
            "target",
            "bisogni",
            "output",
            "outcome",
            "budget_stimato",
            "periodo_budget",
            "coprogettato",
            "partner",
        ):
            assert getattr(nuovo, campo) == getattr(vecchio, campo), (vecchio.codice, campo)
        assert set(nuovo.aree_trasversali.values_list("codice", flat=True)) == set(
            vecchio.aree_trasversali.values_list("codice", flat=True)
        )


def test_a_row_with_an_existing_code_updates_that_objective(bozza):
    ob = bozza.obiettivi.get()
    righe = tabella3.leggi_file(
        _xlsx(
            [
                _riga(
                    codice=ob.codice,
                    titolo="Sportello disabilità rinnovato",
                    area_policy="J",
                    budget_stimato="12.345,60",
                    periodo_budget="Annuale",
                )
            ]
        ),
        "f.xlsx",
    )
    assert tabella3.importa_obiettivi(utente("udp.altosebino"), bozza, righe) == (0, 1)
    ob.refresh_from_db()
    assert ob.titolo == "Sportello disabilità rinnovato"
    assert str(ob.budget_stimato) == "12345.60"
    assert ob.periodo_budget == "annuale"


def test_a_wrong_file_is_refused_whole_with_row_column_and_reason(bozza):
    prima = list(Obiettivo.objects.filter(piano=bozza).values_list("codice", "titolo"))
    contenuto = _xlsx(
        [
            _riga(codice="N1", titolo="Valido", area_policy="A"),
            _riga(codice="N2", titolo="Area sbagliata", area_policy="Z"),
            _riga(codice="N3", titolo="", area_policy="B"),
            _riga(codice="N4", titolo="Importo", area_policy="C", budget_stimato="mille euro"),
            _riga(codice="N5", titolo="Si/no", area_policy="D", coprogettato="forse"),
            _riga(codice="N1", titolo="Ripetuto", area_policy="E", aree_trasversali="B|Q"),
            _riga(codice="N6", titolo="Macro", area_policy="E", macroarea="inesistente", continua="XX-99"),
            _riga(codice="N7", titolo="Senza periodo", area_policy="F", budget_stimato="1000"),
            _riga(codice="N8", titolo="Ignoto", area_policy="F", budget_stimato="1000", periodo_budget="mensile"),
        ]
    )
    with pytest.raises(FileRifiutato) as e:
        tabella3.importa_obiettivi(utente("udp.altosebino"), bozza, tabella3.leggi_file(contenuto, "f.xlsx"))
    messaggi = [str(x) for x in e.value.errori]
    assert (
        "riga 3, colonna «Area di policy (A-J)»: area di policy «Z» sconosciuta (usare una lettera da A a J)."
        in messaggi
    )
    assert "riga 4, colonna «Titolo obiettivo»: campo obbligatorio vuoto." in messaggi
    assert (
        "riga 5, colonna «Importo preventivato (€)»: «mille euro» non è un numero: scrivere solo cifre, "
        "con la virgola per i decimali (es. 1234,56)." in messaggi
    )
    assert "riga 6, colonna «Co-progettato con altri attori della rete (SI/NO)»: «forse» non è SI o NO." in messaggi
    assert "riga 7, colonna «Codice»: codice ripetuto (già alla riga 2)." in messaggi
    periodo = "colonna «Periodo dell'importo (annuale, triennio, una tantum)»"
    assert f"riga 9, {periodo}: manca il periodo dell'importo: annuale, triennio o una tantum." in messaggi
    assert f"riga 10, {periodo}: periodo «mensile» sconosciuto (annuale, triennio o una tantum)." in messaggi
    assert (
        "riga 7, colonna «Trasversale con le aree di policy»: aree di policy sconosciute: Q (usare le lettere A-J)."
        in messaggi
    )
    assert "riga 8, colonna «Macroarea dell'Ambito»: macroarea «inesistente» non definita nel piano." in messaggi
    assert (
        "riga 8, colonna «Codice dell'obiettivo precedente»: nessun obiettivo «XX-99» nei piani precedenti dell'Ambito."
        in messaggi
    )
    assert list(Obiettivo.objects.filter(piano=bozza).values_list("codice", "titolo")) == prima


def test_unknown_and_missing_columns_are_named(bozza):
    with pytest.raises(FileRifiutato) as e:
        tabella3.leggi_file(_xlsx([["x", "y"]], intestazione=["Colore", "Descrizione obiettivo"]), "f.xlsx")
    messaggi = [str(x) for x in e.value.errori]
    assert messaggi == [
        "riga 1: colonne non riconosciute: «colore».",
        "riga 1, colonna «Area di policy (A-J)»: colonna obbligatoria mancante nell'intestazione.",
        "riga 1, colonna «Titolo obiettivo»: colonna obbligatoria mancante nell'intestazione.",
    ]


def test_odd_values_are_row_errors_not_server_errors(bozza):
    prima = list(Obiettivo.objects.filter(piano=bozza).values_list("codice", "titolo"))
    contenuto = _xlsx(
        [
            _riga(codice="N1", titolo="Enorme", area_policy="A", budget_stimato="1E+30"),
            _riga(codice="N2", titolo="Esponente", area_policy="A", budget_stimato="1E+400000"),
            _riga(codice="N3", titolo="x" * 401, area_policy="B"),
            _riga(codice="C" * 21, titolo="Codice lungo", area_policy="C", budget_stimato=0.105),
        ]
    )
    with pytest.raises(FileRifiutato) as e:
        tabella3.importa_obiettivi(utente("udp.altosebino"), bozza, tabella3.leggi_file(contenuto, "f.xlsx"))
    messaggi = [str(x) for x in e.value.errori]
    importo = "riga {}, colonna «Importo preventivato (€)»: «{}» è un numero troppo grande: al massimo 10 cifre"
    assert messaggi == [
        importo.format(2, "1E+30") + " prima della virgola.",
        importo.format(3, "1E+400000") + " prima della virgola.",
        "riga 4, colonna «Titolo obiettivo»: il testo è troppo lungo (401 caratteri): al massimo 400.",
        "riga 5, colonna «Codice»: il testo è troppo lungo (21 caratteri): al massimo 20.",
        "riga 5, colonna «Importo preventivato (€)»: «0.105» ha troppi decimali: al massimo 2 dopo la virgola.",
    ]
    assert list(Obiettivo.objects.filter(piano=bozza).values_list("codice", "titolo")) == prima


def test_import_into_an_approved_plan_is_refused(approvato):
    righe = tabella3.leggi_file(_xlsx([_riga(titolo="Nuovo", area_policy="A")]), "f.xlsx")
    with pytest.raises(FileRifiutato, match="per modificarlo aprire una revisione"):
        tabella3.importa_obiettivi(utente("udp.altosebino"), approvato, righe)
    assert not approvato.obiettivi.filter(titolo="Nuovo").exists()


def test_upload_page_shows_the_errors_and_saves_nothing(client, bozza):
    client.force_login(utente("udp.altosebino"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("t.xlsx", _xlsx([_riga(titolo="A", area_policy="K")]))
    risposta = client.post(f"/piani/{bozza.pk}/importa/", {"file": f})
    testo = risposta.content.decode()
    assert "File rifiutato: non è stato salvato nulla." in testo
    assert "area di policy «K» sconosciuta" in testo
    assert bozza.obiettivi.count() == 1
    f = SimpleUploadedFile(
        "t.xlsx", _xlsx([_riga(titolo="Casa della comunità", area_policy="D", integrazione_sociosanitaria="sì")])
    )
    risposta = client.post(f"/piani/{bozza.pk}/importa/", {"file": f}, follow=True)
    assert "1 obiettivi aggiunti, 0 aggiornati" in risposta.content.decode()
    assert bozza.obiettivi.get(titolo="Casa della comunità").integrazione_sociosanitaria is True


def test_exported_text_that_looks_like_a_formula_stays_text(bozza):
    ob = bozza.obiettivi.get()
    ob.descrizione = '=HYPERLINK("http://x")'
    ob.save()
    wb = load_workbook(io.BytesIO(tabella3.esporta_xlsx(bozza, list(selectors.obiettivi_del_piano(bozza)))))
    cella = wb["Tabella 3"].cell(row=2, column=5)
    assert (cella.value, cella.data_type) == ('=HYPERLINK("http://x")', "s")
