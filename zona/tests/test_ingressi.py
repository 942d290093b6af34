"""The doors of zona.lib.ingressi: each finding of issue 17, point 1 and 6, as a request."""

import time

import pytest
from django import forms
from django.contrib.auth import get_user_model

from zona.lib.ingressi import CampoImporto, Limitato, limita_campi


@pytest.fixture
def client_caldo(client):
    """A client whose first request (imports, URL configuration, templates) is done."""
    client.get("/api/ambiti")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,stato",
    [
        ("/api/riparto?importo=1E%2B500000&anno=2023", 422),
        ("/api/riparto?importo=1E%2B30&anno=2023", 422),
        ("/api/riparto?importo=1000&anno=99999999999999999999", 422),
        ("/api/piani/5.0", 404),
        ("/api/piani/99999999999999999999", 404),
        ("/api/piani/0", 404),
        ("/api/obiettivi/5.0/misurazioni", 404),
        ("/api/ambiti/%00", 404),
        ("/api/comuni/%00", 404),
        ("/api/piani?ambito=%00", 422),
        ("/api/piani?triennio=99999999999999999999", 422),
        ("/api/comuni?q=%00", 422),
        ("/api/ambiti?data=9999-12-31", 200),
        ("/comuni/%00/", 404),
        ("/ambiti/%00/", 404),
        ("/?data=%00", 400),
        ("/piani/99999999999999999999/", 404),
        ("/piani/5.0/", 404),
        ("/riparto/?importo=1E%2B500000&anno=2023", 200),
    ],
)
def test_odd_input_is_refused_at_once(demo_db, client_caldo, url, stato):
    client = client_caldo
    inizio = time.perf_counter()
    risposta = client.get(url)
    assert time.perf_counter() - inizio < 2
    assert risposta.status_code == stato, risposta.content[:300]
    if url.startswith("/api/") and stato != 200:
        assert risposta["Content-Type"].startswith("application/json")
        assert "detail" in risposta.json()


@pytest.mark.django_db
def test_the_api_says_what_is_wrong_in_italian(demo_db, client):
    errore = client.get("/api/riparto?importo=1E%2B500000&anno=2023").json()["detail"]
    assert (
        errore[0]["msg"] == "Importo: «1E+500000» è un numero troppo grande: al massimo 12 cifre prima della virgola."
    )
    assert "carattere nullo" in client.get("/api/piani?ambito=%00").json()["detail"]


@pytest.mark.django_db
def test_a_bad_id_never_reaches_the_policy(demo_db, client):
    """The permission check of /api/piani/<pk> read the raw URL text: "5.0" made it a 500."""
    client.force_login(get_user_model().objects.get(username="udp.dalmine"))
    assert client.get("/api/piani/5.0").status_code == 404
    assert client.get("/api/piani/5.0/obiettivi").status_code == 404


@pytest.mark.django_db
def test_the_riparto_form_uses_the_same_limits(demo_db, client):
    pagina = client.get("/riparto/", {"importo": "1E+500000", "anno": "2023"}).content.decode()
    assert "«1E+500000» è un numero troppo grande: al massimo 12 cifre prima della virgola." in pagina
    pagina = client.get("/riparto/", {"importo": "120.000,00", "anno": "2023"}).content.decode()
    assert "Prologo" in pagina and "errorlist" not in pagina


class _Modulo(Limitato, forms.Form):
    nome = forms.CharField()
    note = forms.CharField(widget=forms.Textarea)
    numero = forms.IntegerField()
    valore = forms.DecimalField()
    giorno = forms.DateField()


@pytest.mark.parametrize(
    "campo,valore,errore",
    [
        ("nome", "a\x1bb", "carattere di controllo"),
        ("note", "riga\nriga\t", None),
        ("note", "x" * 20_001, "20000"),
        ("numero", "99999999999999999999", "999999999999999999"),
        ("valore", "1E+500000", "20 cifre"),
        ("giorno", "9999-12-31", "fino al 31/12/2200"),
    ],
)
def test_every_form_field_gets_the_limits(campo, valore, errore):
    dati = {"nome": "a", "note": "b", "numero": "1", "valore": "1", "giorno": "2024-01-01", campo: valore}
    form = _Modulo(dati)
    form.is_valid()
    if errore is None:
        assert campo not in form.errors
    else:
        assert errore in " ".join(form.errors[campo]), form.errors


def test_limits_are_added_once_and_respect_the_field_own():
    class M(forms.Form):
        n = forms.IntegerField(max_value=10)
        importo = CampoImporto()

    form = M()
    limita_campi(form)
    assert [type(v).__name__ for v in form.fields["n"].validators].count("MaxValueValidator") == 1
    assert form.fields["importo"].validators == []
