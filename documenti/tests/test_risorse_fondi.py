"""The plan's resources chapter and the provincial report read the funds' ledger (fondi
selectors): a table per year of competence, the years side by side with the period's total;
what the public reads (programmed, reported) unless the reader sees every Ambito's ledger."""

import datetime

import pytest

from documenti.modello import Tabella
from documenti.piano import documento_piano
from documenti.provinciale import relazione_provinciale
from fondi import services
from testsupport.fabbriche import utente_con_ruolo

pytestmark = pytest.mark.django_db
GIORNO = datetime.date(2024, 3, 1)


def mov(anno, tipo, importo, numero, fondo="fnps", ambito="lago"):
    return services.registra_movimento(None, ambito, fondo, anno, tipo, importo, numero, GIORNO)


def registro(registro_minimo):
    # Lago's draft plan 2024-2026: FNPS 2024 assigned 50.000, programmed 42.000 (40.000 + a
    # correction of a 2.000 act into 4.000), reported 10.000; 15.000 of 2024 carried to 2025;
    # FSR 2026 programmed 7.500,50. Pianura (another Ambito) 2024: 1.000 programmed.
    mov(2024, "assegnazione", "50000.00", "DGR 1")
    mov(2024, "programmazione", "40000.00", "Delibera 1")
    vecchio = mov(2024, "programmazione", "2000.00", "Delibera 2")
    services.registra_movimento(
        None, "lago", "fnps", 2024, "programmazione", "4000.00", "Delibera 2 bis", GIORNO, corregge=vecchio
    )
    mov(2024, "impegno", "30000.00", "Det. 1")
    mov(2024, "liquidazione", "12000.00", "Liq. 1")
    mov(2024, "rendicontazione", "10000.00", "Rend. 1")
    services.riporta_residuo(None, "lago", "fnps", 2024, "4000.00", "Det. 9", GIORNO)
    mov(2026, "assegnazione", "8000.00", "DGR 3", fondo="fsr")
    mov(2026, "programmazione", "7500.50", "Delibera 3", fondo="fsr")
    mov(2024, "assegnazione", "1000.00", "DGR P", ambito="pianura")
    mov(2024, "programmazione", "1000.00", "Del. P", ambito="pianura")


def righe(tabella):
    return [[c.testo for c in r] for r in tabella.righe], tabella.totale


def test_the_plans_resources_chapter_prints_the_ledger_by_year(registro_minimo):
    registro(registro_minimo)
    doc = documento_piano(registro_minimo.bozza, GIORNO)
    capitolo = next(c for c in doc.capitoli if c.titolo == "Le risorse")
    tabelle = [b for b in capitolo.blocchi if isinstance(b, Tabella)]
    assert [t.colonne for t in tabelle][0] == ["Fondo", "Programmato (€)", "Rendicontato (€)"]
    # 2024: the corrected act counts with its correction only (40.000 + 4.000, not + 2.000).
    assert righe(tabelle[0]) == (
        [["FNPS – Fondo nazionale per le politiche sociali", "44.000,00", "10.000,00"]],
        ["Totale 2024", "44.000,00", "10.000,00"],
    )
    # 2025: only the residuo carried in, which the public columns do not show.
    assert righe(tabelle[1])[1] == ["Totale 2025", "0,00", "0,00"]
    assert righe(tabelle[2])[1] == ["Totale 2026", "7.500,50", "0,00"]
    # The years side by side (2025 has only the residuo carried in: nothing programmed) and
    # the period's total, the sum of three years of competence; Pianura is not Lago.
    assert righe(tabelle[3]) == (
        [["2024", "44.000,00", "10.000,00"], ["2025", "0,00", "0,00"], ["2026", "7.500,50", "0,00"]],
        ["Totale 2024-2026", "51.500,50", "10.000,00"],
    )
    assert all("anno di competenza" in t.fonte for t in tabelle)


def test_the_provincial_report_shows_the_whole_ledger_to_the_coordination_only(registro_minimo):
    registro(registro_minimo)

    def tabelle(user):
        doc = relazione_provinciale(2024, user, GIORNO)
        capitolo = next(c for c in doc.capitoli if c.titolo == "Risorse per fondo")
        return [b for b in capitolo.blocchi if isinstance(b, Tabella)]

    coordinamento = tabelle(utente_con_ruolo("coord", "coordinamento"))
    assert coordinamento[0].colonne[1:] == [
        "Assegnato e riportato (€)",
        "Programmato (€)",
        "Impegnato (€)",
        "Liquidato (€)",
        "Rendicontato (€)",
    ]
    # Lago 2024: 50.000 assigned less the 4.000 carried to 2025, which counts in 2025 instead.
    assert righe(coordinamento[0]) == (
        [
            ["Lago", "46.000,00", "44.000,00", "30.000,00", "12.000,00", "10.000,00"],
            ["Pianura", "1.000,00", "1.000,00", "0,00", "0,00", "0,00"],
        ],
        ["Totale 2024", "47.000,00", "45.000,00", "30.000,00", "12.000,00", "10.000,00"],
    )
    assert righe(coordinamento[-1])[1] == [
        "Totale 2024-2026",
        "59.000,00",
        "52.500,50",
        "30.000,00",
        "12.000,00",
        "10.000,00",
    ]
    pubblico = tabelle(utente_con_ruolo("borgo", "comune", comune=registro_minimo.comuni["016901"]))
    assert pubblico[0].colonne[1:] == ["Programmato (€)", "Rendicontato (€)"]
