"""Cached page parts are recomputed as soon as audited data change."""

from territorio.models import Comune
from zona.lib.cache import memorizza
from zona.lib.versione import versione_codice


def test_a_cached_value_is_recomputed_after_an_audited_change(registro_minimo):
    calcoli = []

    def calcola():
        calcoli.append(1)
        return len(calcoli)

    assert memorizza("prova", calcola) == 1
    assert memorizza("prova", calcola) == 1  # served from the cache
    comune = Comune.objects.get(pk="016901")
    comune.telefono = "035 000 0000"
    comune.save()  # audited: a new log entry, a new data version
    assert memorizza("prova", calcola) == 2


def test_the_code_version_changes_with_a_template_and_ignores_the_virtualenv(tmp_path):
    """The prefix of the cache keys (settings.CACHES): a new release never serves the HTML the
    old templates rendered, and two servers with the same code share the cache."""
    (tmp_path / "app" / "templates").mkdir(parents=True)
    (tmp_path / "app" / "views.py").write_text("x = 1\n")
    pagina = tmp_path / "app" / "templates" / "pagina.html"
    pagina.write_text("<p>{{ valore }}</p>\n")
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    prima = versione_codice(tmp_path)
    assert versione_codice(tmp_path) == prima
    (tmp_path / ".venv" / "lib" / "modulo.py").write_text("y = 2\n")
    assert versione_codice(tmp_path) == prima
    pagina.write_text("<p>{{ valore|floatformat }}</p>\n")
    assert versione_codice(tmp_path) != prima
