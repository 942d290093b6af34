import pytest
from django.core.management import CommandError, call_command

from testsupport.documenti import leggi_docx


@pytest.mark.django_db
def test_genera_documento_scrive_il_file(demo_db, tmp_path):
    out = tmp_path / "piano.docx"
    call_command(
        "genera_documento", "--ambito", "Dalmine", "--triennio", "2018-2020", "--formato", "docx", "--output", str(out)
    )
    testo = leggi_docx(out.read_bytes())
    assert "Piano di Zona 2018-2020" in testo and "Ambito territoriale Dalmine" in testo


@pytest.mark.django_db
def test_ambito_sconosciuto(demo_db, tmp_path):
    with pytest.raises(CommandError, match="Ambito «Atlantide» sconosciuto"):
        call_command(
            "genera_documento", "--ambito", "Atlantide", "--triennio", "2021-2023", "--output", str(tmp_path / "x.pdf")
        )
    with pytest.raises(CommandError, match="non ha un piano per il triennio 2015-2017"):
        call_command(
            "genera_documento",
            "--ambito",
            "alto-sebino",
            "--triennio",
            "2015-2017",
            "--output",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError, match="Triennio «2021» non valido"):
        call_command(
            "genera_documento", "--ambito", "alto-sebino", "--triennio", "2021", "--output", str(tmp_path / "x.pdf")
        )
    with pytest.raises(CommandError, match="non esiste"):
        call_command(
            "genera_documento",
            "--ambito",
            "dalmine",
            "--triennio",
            "2018-2020",
            "--output",
            str(tmp_path / "no" / "x.pdf"),
        )
    assert not list(tmp_path.iterdir())


def test_errore_in_italiano_e_uscita_non_zero(tmp_path):
    """From the shell: message on stderr, exit status 1."""
    import subprocess
    import sys

    r = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "genera_documento",
            "--ambito",
            "x",
            "--triennio",
            "20-21",
            "--output",
            str(tmp_path / "x.pdf"),
        ],
        capture_output=True,
        text=True,
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'vuoto.sqlite3'}", "PATH": "/usr/bin:/bin"},
    )
    assert r.returncode == 1
    assert "CommandError: Triennio «20-21» non valido" in r.stderr


@pytest.mark.django_db
def test_tutti_gli_ambiti_del_triennio(demo_db, tmp_path):
    call_command(
        "genera_documento", "--tutti", "--triennio", "2018-2020", "--formato", "docx", "--output", str(tmp_path)
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "piano-di-zona-alto-sebino-2018-2020.docx",
        "piano-di-zona-dalmine-2018-2020.docx",
    ]
    call_command(
        "genera_documento",
        "--ambito",
        "alto-sebino",
        "--ambito",
        "dalmine",
        "--triennio",
        "2018-2020",
        "--documento",
        "monitoraggio",
        "--data",
        "2021-03-01",
        "--formato",
        "docx",
        "--output",
        str(tmp_path / "mon"),
    )
    assert sorted(p.name for p in (tmp_path / "mon").iterdir()) == [
        "relazione-monitoraggio-alto-sebino-2018-2020-2020-2.docx",
        "relazione-monitoraggio-dalmine-2018-2020-2020-2.docx",
    ]


@pytest.mark.django_db
def test_relazione_provinciale_dal_comando(demo_db, tmp_path):
    out = tmp_path / "provincia.docx"
    call_command(
        "genera_documento",
        "--documento",
        "provinciale",
        "--triennio",
        "2018-2020",
        "--formato",
        "docx",
        "--output",
        str(out),
    )
    testo = leggi_docx(out.read_bytes())
    assert "Relazione provinciale sui Piani di Zona 2018-2020" in testo
    # Dalmine's rollup from the slides: 65 projects (46 carried out, 13 partly, 6 not).
    assert "Dalmine" in testo and "65" in testo
    with pytest.raises(CommandError, match="non indicare --ambito"):
        call_command(
            "genera_documento",
            "--documento",
            "provinciale",
            "--ambito",
            "dalmine",
            "--triennio",
            "2018-2020",
            "--output",
            str(out),
        )
