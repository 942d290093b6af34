"""The PostgreSQL loader (domanda.importa_pg) against the row-by-row path: the same pseudonyms,
the same rows, the same errors in the same order, whatever way the file reaches the staging
table. PostgreSQL only (on SQLite every extract takes the row-by-row path)."""

from decimal import Decimal

import pytest
from django.db import connection

from domanda import codice_fiscale as cf
from domanda import importa_pg
from domanda.importa import COLONNE, importa_estratto
from domanda.models import CaricamentoEstratto, Episodio
from zona.lib.codice_fiscale import controllo_alfanumerico
from zona.lib.tabular import FileRifiutato

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the SQL loader runs on PostgreSQL only"),
]

ROSSI = cf.componi("RSSMRA", 48, 3, 12, "M", "A794")
BIANCHI = cf.componi("BNCLCU", 15, 9, 2, "F", "A794")
OMOCODICO = ROSSI[:6] + "QU" + ROSSI[8:14] + "Q"
OMOCODICO += controllo_alfanumerico(OMOCODICO)
INTESTAZIONE = ",".join(COLONNE)


def estratto(*righe, intestazione=INTESTAZIONE):
    return (intestazione + "\n" + "\n".join(righe) + "\n").encode()


def riga(codice, residenza="016901", sesso="", anno="", area="anziani", intervento="D1", **altro):
    v = {"inizio": "2024-02-01", "fine": "", "quantita": "10", "spesa": "100.00", "comp": "5.00", "erogatore": "016901"}
    v.update(altro)
    return (
        f"{v['erogatore']},{codice},{residenza},{sesso},{anno},{area},{intervento},{v['inizio']},{v['fine']},"
        f"{v['quantita']},{v['spesa']},{v['comp']}"
    )


def _leggibili(righe):
    return [tuple(r) for r in righe]


def _entrambi(contenuto, nome="csi.csv", **opzioni):
    """(rows or errors of the SQL loader, of the row-by-row path), each as comparable lists."""
    esiti = []
    for sql in (None, False):
        try:
            importa_estratto(contenuto, nome, periodo=2024, pubblica=False, sql=sql, **opzioni)
        except FileRifiutato as e:
            esiti.append([str(x) for x in e.errori])
            assert not Episodio.objects.exists() and not CaricamentoEstratto.objects.exists()
            continue
        # The same rows, in any order (the quick path inserts them in the order of its joins).
        righe = sorted(
            _leggibili(Episodio.objects.values_list(
                "erogatore", "persona", "comune_residenza", "sesso", "anno_nascita", "area", "intervento",
                "data_inizio", "data_fine", "quantita", "spesa", "compartecipazione",
            )),
            key=lambda r: [str(x) for x in r],
        )  # fmt: skip
        esiti.append(righe)
        Episodio.objects.all().delete()
        CaricamentoEstratto.objects.all().delete()
    return esiti


@pytest.mark.parametrize("chiave", ["chiave-di-prova-è-unicode", "k" * 64, "lunga" * 30])
def test_the_sql_hmac_equals_the_python_pseudonym(settings, chiave):
    settings.DOMANDA_CHIAVE_PSEUDONIMO = chiave
    with connection.cursor() as c:
        for codice in (ROSSI, BIANCHI, OMOCODICO):
            c.execute(f"SELECT {cf.sql_pseudonimo('%(codice)s')}", {"codice": codice, **cf.chiavi_hmac()})
            assert c.fetchone()[0] == cf.pseudonimo(codice)
            c.execute(
                f"SELECT {cf.sql_carattere_controllo('convert_to(%(c)s, %(u)s)')}, {cf.sql_sesso('%(c)s')}, "
                f"{cf.sql_anno('%(c)s', 2024)}",
                {"c": codice, "u": "UTF8"},
            )
            assert c.fetchone() == (codice[15], *cf.sesso_e_anno(codice, 2024))


def test_same_rows_on_both_paths_regular_and_not(registro_minimo):
    sql, python = _entrambi(
        estratto(
            riga(ROSSI),
            riga(ROSSI.lower(), intervento="e2", area="ANZIANI", fine="2024-12-31"),
            riga(BIANCHI, "16902", "F", "2015", "famiglia_minori", "C2", inizio="1/3/2024", quantita="2,5"),
            riga(OMOCODICO, anno="1948", spesa="", comp=""),
            # Irregular rows, checked by the row function: a euro sign, a non-ASCII space.
            riga(BIANCHI, spesa="€12"),
            riga(ROSSI, residenza="016902\u00a0"),
            ",,,,,,,,,,,",  # an empty row, skipped
        )
    )
    assert sql == python and len(sql) == 6
    assert cf.pseudonimo(ROSSI) in {r[1] for r in sql}
    assert ("016901", cf.pseudonimo(BIANCHI), "016902", "F", 2015) in {r[:5] for r in sql}
    assert not importa_pg.ultimo["veloce"]  # the irregular rows: the full path


def test_same_errors_in_the_same_order_on_both_paths(registro_minimo):
    sbagliato = ROSSI[:15] + ("A" if ROSSI[15] != "A" else "B")
    giorno = ROSSI[:9] + "88" + ROSSI[11:15]
    giorno += controllo_alfanumerico(giorno)
    sql, python = _entrambi(
        estratto(
            riga(ROSSI),
            riga(sbagliato),
            riga(giorno),
            riga("NONUNCODICE"),
            riga(ROSSI, erogatore="016902"),
            riga(ROSSI, erogatore="999999"),
            riga(ROSSI, residenza="999999", sesso="X", area="giovani", intervento="ZZ9"),
            riga(ROSSI, sesso="F", anno="1949"),
            riga(ROSSI, inizio="2025-01-01"),
            riga(ROSSI, inizio="2024-05-01", fine="2024-04-01"),
            riga(ROSSI, inizio="2023-01-01", fine="2023-12-31"),
            riga(ROSSI, inizio="31/02/2024", quantita="-1", spesa="12.345"),
            riga(ROSSI, inizio=""),
            riga(ROSSI, anno="1850"),
            riga(BIANCHI, sesso="m"),
        ),
        erogatori_ammessi={"016901"},
    )
    assert sql == python
    assert len(sql) >= 16 and all(ROSSI not in m and sbagliato not in m for m in sql)


@pytest.mark.parametrize("forma", ["virgolette", "punto_e_virgola", "righe_corte"])
def test_files_copy_cannot_read_as_they_are_go_through_the_reader(registro_minimo, forma):
    righe = [riga(ROSSI), riga(BIANCHI, "016902"), riga(ROSSI, area="giovani")]
    if forma == "virgolette":
        righe[1] = '"016901","' + BIANCHI + '","016902",,,"famiglia_minori","C2","2024-02-01",,"1","2,50","0"'
        contenuto = estratto(*righe)
    elif forma == "punto_e_virgola":
        contenuto = estratto(*(r.replace(",", ";") for r in righe), intestazione=INTESTAZIONE.replace(",", ";"))
    else:
        righe[1] = riga(BIANCHI).rsplit(",", 3)[0]  # no amounts: missing cells are empty
        contenuto = estratto(*righe[:1], "", *righe[1:])  # and a blank line
    sql, python = _entrambi(contenuto)
    assert sql == python
    assert any("area di utenza sconosciuta" in m for m in sql)
    sql, python = _entrambi(contenuto.replace(b"giovani", b"anziani"))
    assert sql == python and len(sql) == 3


def _carichi(contenuto, **opzioni):
    """(rows, load's counts, quick path taken) of each path."""
    esiti = []
    for sql in (None, False):
        k = importa_estratto(contenuto, "csi.csv", periodo=2024, pubblica=False, sql=sql, **opzioni)
        righe = sorted(_leggibili(Episodio.objects.values_list(*CAMPI)), key=lambda r: [str(x) for x in r])
        esiti.append((righe, k.righe, k.persone, sql is None and importa_pg.ultimo["veloce"]))
        Episodio.objects.all().delete()
        CaricamentoEstratto.objects.all().delete()
    return esiti


CAMPI = (
    "erogatore", "persona", "comune_residenza", "sesso", "anno_nascita", "area", "intervento",
    "data_inizio", "data_fine", "quantita", "spesa", "compartecipazione",
)  # fmt: skip


def test_the_quick_path_stores_what_the_row_function_stores(registro_minimo):
    """Every form the quick path reads (upper or lower case, omocodia, a spreadsheet's ISTAT
    code without its zero, empty optional cells, sex and year given or read
    from the code) gives the rows, counts and pseudonyms of the row-by-row path."""
    contenuto = estratto(
        riga(ROSSI),
        riga(ROSSI.lower(), intervento="e2", area="ANZIANI", fine="2024-12-31"),
        riga(BIANCHI, "16902", "f", "2015", "famiglia_minori", "C2", quantita="2.5", spesa="0.5", comp="0"),
        riga(OMOCODICO, anno="1948", spesa="", comp="", quantita="", intervento=""),
        riga(BIANCHI, erogatore="16901", sesso="F", inizio="2023-06-01", fine="2024-01-01"),
        ",,,,,,,,,,,",  # an empty row, skipped
    )
    (sql, righe, persone, veloce), python = _carichi(contenuto)
    assert veloce, "all rows regular: the quick path"
    assert (sql, righe, persone) == python[:3]
    assert (righe, persone) == (5, 3)
    assert {r[1] for r in sql} == {cf.pseudonimo(c) for c in (ROSSI, BIANCHI, OMOCODICO)}


def test_the_quick_path_reads_decimal_commas_of_a_semicolon_file(registro_minimo):
    righe = [riga(ROSSI, quantita="2|5", spesa="12|50", comp="0|5"), riga(BIANCHI, "016902", quantita="3", spesa="1|5")]
    contenuto = estratto(*righe, intestazione=INTESTAZIONE).replace(b",", b";").replace(b"|", b",")
    (sql, righe, persone, veloce), python = _carichi(contenuto)
    assert veloce and (sql, righe, persone) == python[:3]
    assert [r[-3:] for r in sql if r[1] == cf.pseudonimo(ROSSI)] == [(Decimal("2.5"), Decimal("12.5"), Decimal("0.5"))]


@pytest.mark.parametrize(
    "diversa",
    [
        riga(ROSSI, inizio="2024-2-1"),  # a date form valori.data refuses
        riga(ROSSI, inizio="2024-02-30"),  # not a date: the cast fails
        riga(ROSSI, inizio="01/02/2024"),  # the Italian form: the full path reads it
        riga(ROSSI, quantita="1e3"),
        riga(ROSSI, spesa="NaN"),
        riga(ROSSI, spesa="1.005"),
        riga(ROSSI, spesa="-0"),
        riga(ROSSI, anno="+1948"),
        riga(ROSSI, residenza="0016901"),
        riga(ROSSI, area="anzİani"),  # lower() of a dotted İ is not the row function's
        riga(ROSSI[:15] + ("A" if ROSSI[15] != "A" else "B")),
        riga(ROSSI + " "),
        riga(ROSSI, sesso=" M"),
        riga(ROSSI, intervento="ZZ9"),
        riga(ROSSI) + ",altro",  # a cell beyond the header's: the reader drops it
    ],
)
def test_a_row_the_quick_path_cannot_read_exactly_sends_the_file_to_the_full_path(registro_minimo, diversa):
    contenuto = estratto(riga(BIANCHI, "016902", "F"), diversa)
    sql, python = _entrambi(contenuto)
    assert sql == python
    assert not importa_pg.ultimo["veloce"]
    with connection.cursor() as c:  # nothing of the quick path's attempt is left
        c.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'domanda_estratto%%'")
        assert c.fetchone()[0] == 0


def test_a_person_is_one_pseudonym_across_loads_and_paths(registro_minimo):
    """The quick path, the full path and the row-by-row path give a person the same value."""
    importa_estratto(estratto(riga(ROSSI), riga(BIANCHI, "016902")), "a.csv", periodo=2024, pubblica=False)
    assert importa_pg.ultimo["veloce"]
    # Another erogatore: the full path (an irregular row) and the row-by-row path.
    importa_estratto(
        estratto(riga(ROSSI.lower(), erogatore="016902"), riga(OMOCODICO, erogatore="016902", spesa="€1")),
        "b.csv",
        periodo=2024,
        pubblica=False,
    )
    assert not importa_pg.ultimo["veloce"]
    importa_estratto(estratto(riga(BIANCHI, erogatore="016903")), "c.csv", periodo=2024, pubblica=False, sql=False)
    rossi, bianchi, omocodico = (cf.pseudonimo(c) for c in (ROSSI, BIANCHI, OMOCODICO))
    assert sorted(Episodio.objects.values_list("persona", flat=True)) == sorted(
        [rossi, rossi, bianchi, bianchi, omocodico]
    )
    assert len({rossi, bianchi, omocodico}) == 3
    assert list(CaricamentoEstratto.objects.order_by("id").values_list("persone", flat=True)) == [2, 2, 1]


def test_blocks_of_empty_rows_and_many_blocks(registro_minimo, monkeypatch):
    """A file read in blocks of a few rows, some blocks only of empty rows: the rows of the
    row-by-row path, the people counted once across blocks."""
    monkeypatch.setattr(importa_pg, "_BLOCCO", 200)
    vuote = [",,,,,,,,,,,"] * 6
    contenuto = estratto(
        riga(ROSSI), *vuote, riga(BIANCHI, "016902"), riga(ROSSI, intervento="E2"), *vuote, riga(BIANCHI, sesso="F")
    )
    (sql, righe, persone, veloce), python = _carichi(contenuto)
    assert veloce and (sql, righe, persone) == python[:3]
    assert (righe, persone) == (4, 2)
