"""Import of a CSI extract: the codice fiscale checked and pseudonymised, never echoed; all or
nothing; replacement of the same erogatore and period."""

import hashlib
import hmac
import io
import logging
import uuid

import pytest
from django.core.management import CommandError, call_command

from domanda import codice_fiscale as cf
from domanda.importa import COLONNE, importa_estratto, modello_csv
from domanda.models import CaricamentoEstratto, Episodio
from zona.lib.codice_fiscale import controllo_alfanumerico
from zona.lib.tabular import FileRifiutato

pytestmark = pytest.mark.django_db

ROSSI = cf.componi("RSSMRA", 48, 3, 12, "M", "A794")  # born 1948, male
BIANCHI = cf.componi("BNCLCU", 15, 9, 2, "F", "A794")  # born 2015, female
INTESTAZIONE = ",".join(COLONNE)


def estratto(*righe):
    return (INTESTAZIONE + "\n" + "\n".join(righe) + "\n").encode()


def riga(codice, residenza="016901", sesso="", anno="", area="anziani", intervento="D1", fine="", erogatore="016901"):
    return f"{erogatore},{codice},{residenza},{sesso},{anno},{area},{intervento},2024-02-01,{fine},10,100.00,5.00"


def test_check_character_and_omocodia():
    assert cf.controlla(ROSSI.lower()) == ROSSI
    sbagliato = ROSSI[:15] + ("A" if ROSSI[15] != "A" else "B")
    with pytest.raises(cf.CodiceNonValido) as e:
        cf.controlla(sbagliato)
    assert sbagliato not in str(e.value)
    # Omocodia: the last digit (position 15, the 4 of A794) written as its letter Q, check
    # character recomputed: a valid code of another person, same date of birth.
    omocodico = ROSSI[:14] + "Q"
    omocodico += controllo_alfanumerico(omocodico)
    assert cf.controlla(omocodico) == omocodico
    assert cf.sesso_e_anno(omocodico, 2024) == ("M", 1948)
    assert cf.pseudonimo(omocodico) != cf.pseudonimo(ROSSI)
    # The year's digits as letters too (48 -> QU): still 1948.
    lettere = ROSSI[:6] + "QU" + ROSSI[8:15]
    lettere += controllo_alfanumerico(lettere)
    assert cf.sesso_e_anno(cf.controlla(lettere), 2024) == ("M", 1948)
    assert cf.sesso_e_anno(BIANCHI, 2024) == ("F", 2015)


def test_pseudonym_is_keyed_hmac(settings):
    p1 = cf.pseudonimo(ROSSI)
    settings.DOMANDA_CHIAVE_PSEUDONIMO = "altra-chiave"
    assert cf.pseudonimo(ROSSI) != p1
    # RFC 2104's HMAC-SHA256 of the code, its first 128 bits (RFC 4868's truncation).
    atteso = hmac.new(b"altra-chiave", ROSSI.encode(), hashlib.sha256).digest()[:16]
    assert cf.pseudonimo(ROSSI) == uuid.UUID(bytes=atteso) and ROSSI not in str(p1)


def test_import_stores_pseudonyms_and_reads_sex_and_year(registro_minimo):
    c = importa_estratto(
        estratto(
            riga(ROSSI), riga(ROSSI, intervento="E2"), riga(BIANCHI, "016902", "F", "2015", "famiglia_minori", "C2")
        ),
        "csi.csv",
        periodo=2024,
    )
    assert (c.erogatore_id, c.periodo, c.righe, c.persone) == ("016901", 2024, 3, 2)
    rossi = Episodio.objects.filter(comune_residenza="016901").first()
    assert (rossi.sesso, rossi.anno_nascita) == ("M", 1948)
    # The row has the person's pseudonym, the same in both of its rows.
    assert rossi.persona == cf.pseudonimo(ROSSI)
    assert Episodio.objects.filter(persona=rossi.persona).count() == 2
    for valori in Episodio.objects.values_list():
        assert not any(ROSSI in str(v) or BIANCHI in str(v) for v in valori)


def test_errors_name_the_row_never_the_code(registro_minimo, caplog):
    caplog.set_level(logging.DEBUG)
    sbagliato = ROSSI[:15] + ("A" if ROSSI[15] != "A" else "B")
    contenuto = estratto(
        riga(ROSSI),
        riga(sbagliato),
        riga(ROSSI, sesso="F"),
        riga(ROSSI, anno="1949"),
        # A shifted row: the code lands in anno_nascita, whose parser quotes the cell.
        f"016901,{BIANCHI},016901,,{BIANCHI},anziani,D1,2024-02-01,,1,1,1",
        riga(BIANCHI, area="giovani", intervento="ZZ9"),
    )
    with pytest.raises(FileRifiutato) as e:
        importa_estratto(contenuto, "csi.csv", periodo=2024)
    messaggi = [str(x) for x in e.value.errori]
    assert "riga 3, colonna «codice_fiscale»: codice fiscale non valido (carattere di controllo errato)." in messaggi
    assert "riga 4, colonna «sesso»: il sesso non corrisponde al codice fiscale." in messaggi
    assert "riga 5, colonna «anno_nascita»: l'anno di nascita non corrisponde al codice fiscale." in messaggi
    assert any(m.startswith("riga 7, colonna «area_utenza»") for m in messaggi)
    assert any(m.startswith("riga 7, colonna «codice_intervento»") for m in messaggi)
    testo = "\n".join(messaggi) + "\n".join(r.getMessage() + str(r.__dict__) for r in caplog.records)
    for codice in (ROSSI, sbagliato, BIANCHI):
        assert codice not in testo
    assert not CaricamentoEstratto.objects.exists() and not Episodio.objects.exists()


def test_a_new_extract_replaces_the_old_one_kept_in_history(registro_minimo):
    vecchio = importa_estratto(estratto(riga(ROSSI), riga(BIANCHI)), "gennaio.csv", periodo=2024)
    nuovo = importa_estratto(estratto(riga(ROSSI)), "febbraio.csv", periodo=2024)
    vecchio.refresh_from_db()
    assert vecchio.sostituito_da == nuovo and nuovo.sostituito_da is None
    assert Episodio.objects.count() == 1 and Episodio.objects.get().caricamento == nuovo
    # Another period of the same erogatore is another extract.
    importa_estratto(estratto(riga(ROSSI).replace("2024-02-01", "2023-02-01")), "2023.csv", periodo=2023)
    assert CaricamentoEstratto.objects.filter(sostituito_da__isnull=True).count() == 2


def test_one_extract_one_erogatore_and_the_period(registro_minimo):
    with pytest.raises(FileRifiutato) as e:
        importa_estratto(
            estratto(riga(ROSSI), riga(BIANCHI, erogatore="016902"), riga(ROSSI, fine="2023-01-31")),
            "csi.csv",
            periodo=2024,
        )
    messaggi = [str(x) for x in e.value.errori]
    assert any(m.startswith("riga 3, colonna «comune_erogatore»: un estratto è di un solo erogatore") for m in messaggi)
    assert any(m.startswith("riga 4, colonna «data_fine»") for m in messaggi)
    with pytest.raises(FileRifiutato, match="erogatore"):
        importa_estratto(estratto(riga(ROSSI)), "csi.csv", periodo=2024, erogatore="016902")


def test_command_exit_1_and_template(registro_minimo, tmp_path, client):
    f = tmp_path / "csi.csv"
    f.write_bytes(estratto(riga(ROSSI[:15] + "0")))
    err = io.StringIO()
    with pytest.raises(CommandError, match="non è stato salvato nulla"):
        call_command("import_domanda", str(f), "--periodo", "2024", stderr=err)
    assert "riga 2" in err.getvalue() and ROSSI[:15] not in err.getvalue()
    f.write_bytes(modello_csv().replace("016024", "016901").replace("016025", "016902").encode())
    out = io.StringIO()
    call_command("import_domanda", str(f), "--periodo", "2024", "--erogatore", "016901", stdout=out)
    assert out.getvalue().strip() == "Estratto di 016901 per il 2024: 2 righe, 2 persone."
