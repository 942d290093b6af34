"""The import of unità d'offerta: all or nothing, every refusal with its row and reason."""

import io

import pytest
from django.core.management import CommandError, call_command

from offerta import importa
from offerta.models import UnitaOfferta
from testsupport.fabbriche import comune, utente_con_ruolo
from zona.lib.tabular import FileRifiutato

pytestmark = pytest.mark.django_db

INTESTAZIONE = ",".join(importa.COLONNE)
CF = "80034840167"  # a real check digit (Comune di Bergamo)


def riga(**campi):
    base = {
        "tipo": "asilo-nido",
        "nome": "Nido Il Girasole",
        "ente_gestore": "Cooperativa Esempio",
        "natura_ente": "terzo_settore",
        "codice_fiscale_ente": CF,
        "indirizzo": "Via Roma 1",
        "comune": "016901",
        "autorizzata_il": "01/09/2015",
        "accreditata_il": "01/09/2016",
        "posti_autorizzati": "30",
        "posti_accreditati": "24",
        "contratto_ambito": "sì",
        "importo_contratto": "45000",
        "apertura": "settembre-luglio",
    }
    base.update(campi)
    return ",".join(f'"{base.get(c, "")}"' for c in importa.COLONNE)


def file_csv(*righe):
    return ("\n".join([INTESTAZIONE, *righe]) + "\n").encode()


def test_a_valid_file_is_stored_and_a_second_load_updates(registro_minimo):
    n = importa.importa(file_csv(riga(), riga(tipo="CDD", nome="CDD del Lago", comune="Monte Alto")), "u.csv")
    assert n == 2
    nido = UnitaOfferta.objects.get(nome="Nido Il Girasole")
    assert (nido.tipo_id, nido.comune_id, nido.posti_accreditati, nido.contratto_ambito) == (
        "asilo-nido",
        "016901",
        24,
        True,
    )
    assert UnitaOfferta.objects.get(nome="CDD del Lago").comune_id == "016902"
    importa.importa(file_csv(riga(posti_accreditati="28")), "u.csv")
    nido.refresh_from_db()
    assert (nido.posti_accreditati, nido.versione, UnitaOfferta.objects.count()) == (28, 2, 2)


def test_every_refusal_names_row_and_reason_and_nothing_is_saved(registro_minimo):
    fuori = comune("019001", "Fuori Provincia", codice_catastale="Y901")
    fuori.sigla_provincia = "MI"
    fuori.save()
    contenuto = file_csv(
        riga(),  # row 2: fine, but the file is refused as a whole
        riga(tipo="Astronave"),  # 3
        riga(comune="019001"),  # 4
        riga(posti_autorizzati="-3"),  # 5
        riga(autorizzata_il="01/09/2020", accreditata_il="31/08/2020"),  # 6
        riga(codice_fiscale_ente="80034840168"),  # 7
        riga(natura_ente="marziano"),  # 8
        riga(comune="Atlantide"),  # 9
    )
    with pytest.raises(FileRifiutato) as e:
        importa.importa(contenuto, "u.csv")
    errori = [(x.riga, x.colonna) for x in e.value.errori]
    assert errori == [
        (3, "tipo"),
        (4, "comune"),
        (5, "posti_autorizzati"),
        (6, "accreditata_il"),
        (7, "codice_fiscale_ente"),
        (8, "natura_ente"),
        (9, "comune"),
    ]
    testi = [str(x) for x in e.value.errori]
    assert "sconosciuto" in testi[0] and "fuori dalla provincia" in testi[1]
    assert "precedente all'autorizzazione" in testi[3]
    assert not UnitaOfferta.objects.exists()


def test_a_duplicate_row_is_refused(registro_minimo):
    with pytest.raises(FileRifiutato, match="più volte"):
        importa.importa(file_csv(riga(), riga()), "u.csv")


def test_an_ufficio_di_piano_imports_only_its_comuni(registro_minimo):
    udp = utente_con_ruolo("udp.lago", "ufficio_di_piano", ambito=registro_minimo.lago)
    with pytest.raises(FileRifiutato, match="non è un Comune del vostro Ambito"):
        importa.importa(file_csv(riga(comune="016904")), "u.csv", udp)
    assert importa.importa(file_csv(riga()), "u.csv", udp) == 1


def test_the_command_exits_with_errors(registro_minimo, tmp_path):
    buono, cattivo = tmp_path / "buono.csv", tmp_path / "cattivo.csv"
    buono.write_bytes(file_csv(riga()))
    cattivo.write_bytes(file_csv(riga(tipo="Astronave")))
    err = io.StringIO()
    with pytest.raises(CommandError, match="non è stato salvato nulla"):
        call_command("import_unita_offerta", str(cattivo), stderr=err, stdout=io.StringIO())
    assert "Riga 2" in err.getvalue() or "riga 2" in err.getvalue()
    out = io.StringIO()
    call_command("import_unita_offerta", str(buono), stdout=out)
    assert "1 unità" in out.getvalue()


def test_the_template_is_a_valid_file(registro_minimo):
    comune("016024", "Lovere", registro_minimo.lago, codice_catastale="E704")
    assert importa.importa(importa.modello_csv().encode(), "modello.csv") == 1
