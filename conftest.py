"""Shared pytest fixtures of Zona.

Reference data, tiny registry, demo
    The test database is migrated and holds the reference data of every installation
    (``manage.py carica_riferimenti``: the catalogue of indicators, the policy areas A-J, the
    LEPS), nothing else. On top of it a test asks for one of:

    ``riferimenti`` (testsupport/fixtures.py): that database alone, for a test that builds all
    it needs with the factories of ``testsupport/fabbriche.py``.

    ``registro_minimo`` (testsupport/fixtures.py): six Comuni in two Ambiti of one Distretto,
    ASST and ATS, with their residents of 2022-2023, built in the test's transaction by the
    factories of ``testsupport/fabbriche.py`` (which build anything else a test needs). For unit
    tests: the figures follow from the data in the test. These tests (and the ``riferimenti``
    ones) run first, before the demo is loaded; should one come after the demo was committed, the database is emptied to
    the reference data before it (and the demo is loaded again for the next demo test).

    ``demo_db``: the Bergamo demo (243 Comuni, 14 Ambiti, plans, demo users with password
    ``zona-demo-2025``), for browser tests, the route matrix, documents and the tests of the
    figures of the seeds::

        @pytest.mark.django_db
        def test_something(demo_db, client): ...

    The demo is loaded (and committed) once, before the first database test that is not a
    ``riferimenti``/``registro_minimo`` one, and each test runs inside a transaction that is
    rolled back, so a test may change anything without affecting the others. Every database test other than a
    ``riferimenti``/``registro_minimo`` one sees the demo, as before; ask for ``demo_db`` when
    the test reads it.

    Transactional tests (``transactional_db``, ``live_server``, ``django_db(transaction=True)``)
    empty every table when they finish. pytest-django runs them after the ordinary database
    tests, and if a ``demo_db`` test still comes after one (another ordering plugin, a
    selection of tests), the demo is loaded again, committed, before that test starts.

Shared fixtures and helpers
    Fixtures used by the tests of several apps (``bozza``, ``approvato``, ...) live in
    ``testsupport/fixtures.py``, declared below as a plugin; helpers that tests import (sample
    URL arguments, hostile text, document readers, factories) live in ``testsupport/``. A test
    never imports a conftest.

Logging in
    ``client.force_login(user)`` works as usual. ``client.login(username=..., password=...)``
    does not: django-axes' authentication backend needs the request, and the test client
    passes none (``AxesBackendRequestParameterRequired``). Use ``force_login``, or the
    ``login`` fixture below, which logs in with a password through the real login form.

Browser tests
    Marked ``@pytest.mark.browser``; they use ``live_demo`` (the live server URL with the demo
    loaded in a transactional database) and ``browser_page`` (a Playwright page in Debian's
    Chromium, ``/usr/bin/chromium``: Playwright never downloads a browser here).
    ``browser_errors`` lists the console errors, uncaught exceptions and
    Content-Security-Policy violations seen by the page. ``screenshot("name")`` saves
    ``test-artifacts/name.png``; a failing browser test leaves ``test-artifacts/FAILED-<test>.png``.
"""

import os

# Playwright's sync API runs an asyncio loop in the test thread; Django would then refuse ORM
# calls from the test (and from live_server fixtures) as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import io  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import pytest  # noqa: E402
from django.core.management import call_command  # noqa: E402

pytest_plugins = ["testsupport.fixtures"]

ROOT = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("ZONA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "zona-demo-2025"

# The pytest-django database blocker, once the session's test database exists.
_session = {"blocker": None, "item": None}
_reports_key = pytest.StashKey[dict]()
_errors_key = pytest.StashKey[list]()


# --- demo data ---------------------------------------------------------------------------


# A copy of the test database with the demo just loaded. Transactional tests (the browser ones)
# empty the database when they end, and loading the demo takes most of a minute; the copy puts
# it back in a second: SQLite's backup API, or on PostgreSQL every table's rows in COPY's binary
# format, kept in memory.
_copia_demo = {}


def _load_demo():
    from django.db import connection

    if "copia" in _copia_demo:
        _ripristina_copia(connection, _copia_demo["copia"])
        return
    call_command("load_demo", stdout=io.StringIO())
    _copia_demo["copia"] = _copia(connection)


def _copia(connection):
    if connection.vendor == "sqlite":
        import sqlite3

        copia = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copia)
        return copia
    righe = {}
    with connection.cursor() as cursor:
        for tabella in connection.introspection.django_table_names(only_existing=True, include_views=False):
            with cursor.copy(f"COPY {connection.ops.quote_name(tabella)} TO STDOUT (FORMAT BINARY)") as copy:
                righe[tabella] = b"".join(bytes(blocco) for blocco in copy)
    return righe


def _ripristina_copia(connection, copia):
    from django.db import transaction

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copia.backup(connection.connection)
        return
    nome = connection.ops.quote_name
    # The flush at the end of a transactional test recreates the content types and
    # permissions (post_migrate) with new ids: the copy's rows replace them, so that the
    # audit entries of the demo point at their own. Foreign keys are checked at the commit.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"TRUNCATE {', '.join(nome(t) for t in copia)} CASCADE")
        for tabella, righe in copia.items():
            with cursor.copy(f"COPY {nome(tabella)} FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(righe)


def _carica_riferimenti():
    call_command("carica_riferimenti", stdout=io.StringIO())


def _demo_present():
    from django.contrib.auth import get_user_model

    from territorio.models import Ambito

    return Ambito.objects.exists() and get_user_model().objects.filter(username="udp.altosebino").exists()


def _ensure_demo():
    if not _demo_present():
        _load_demo()


def _solo_riferimenti():
    """The database as a new installation has it: the reference data and no registry."""
    from django.contrib.auth import get_user_model

    from conoscenza.models import Indicatore
    from territorio.models import Ambito, Comune

    if Ambito.objects.exists() or Comune.objects.exists() or get_user_model().objects.exists():
        call_command("flush", interactive=False, verbosity=0)
    if not Indicatore.objects.exists():
        _carica_riferimenti()


def _usa_registro_minimo(item):
    # `riferimenti` (reference data only), which `registro_minimo` builds on.
    return "riferimenti" in getattr(item, "fixturenames", ())


def _database_non_transazionale(item):
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return False
    if marker is not None:
        return not (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    return "db" in fixtures


def _prepara(item):
    """Commit the data `item` starts from, before its transaction opens: the reference data
    alone for a tiny-registry test, the demo for any other database test (loaded once; again
    only if a transactional test emptied the database)."""
    with _session["blocker"].unblock():
        if _usa_registro_minimo(item):
            _solo_riferimenti()
        elif "demo_db" in getattr(item, "fixturenames", ()) or _database_non_transazionale(item):
            _ensure_demo()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated, with the reference data; the demo is loaded on demand."""
    with django_db_blocker.unblock():
        _carica_riferimenti()
    _session["blocker"] = django_db_blocker
    # The first database test: pytest_runtest_setup came before this database existed.
    if _session["item"] is not None:
        _prepara(_session["item"])
    yield
    _session["blocker"] = None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # After pytest-django's order (database tests, then transactional ones, then the rest):
    # the tiny-registry tests first, while the database holds only the reference data, so
    # that the demo is loaded at most once, after them.
    items.sort(key=lambda item: 0 if _usa_registro_minimo(item) and _database_non_transazionale(item) else 1)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Runs before the test's fixtures: the database exists from the second database test on
    # (for the first, django_db_setup calls _prepara).
    _session["item"] = item
    if _session["blocker"] is not None:
        _prepara(item)


@pytest.fixture(autouse=True, scope="session")
def _impostazioni_dei_test():
    """Background jobs run inside the request that queues them (lavori); the database queue
    stays available as the "coda" backend (the killed-worker test, with a real worker). The
    caches are in the test process's memory (a test without the database may use them); the
    shared database cache of production is tested by zona/tests/test_cache_condivisa.py and
    the two-server test (zona/tests/test_due_server.py).

    WhiteNoise finds a static file when it is asked for, instead of listing every file of the
    theme (360 of them) each time a test client loads the middleware: that listing was most of
    the cost of a new client, and the scans make thousands. Production's way (the list made
    once at start-up) is tested by zona/tests/test_serve.py on gunicorn."""
    from django.test.utils import override_settings

    locale = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    with override_settings(
        WHITENOISE_AUTOREFRESH=True,
        CACHES={"default": {**locale, "LOCATION": "zona"}, "documenti": {**locale, "LOCATION": "documenti"}},
        TASKS={
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
            "coda": {"BACKEND": "django_tasks_db.DatabaseBackend"},
        },
    ):
        yield


@pytest.fixture(autouse=True)
def _cache_vuota():
    """Each test starts with an empty cache of page parts. Keys carry the data version, but
    tests change data with queryset.update(), which the audit trail (the version) never sees."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def demo_db(db):
    """The Bergamo demo data and users. Use with ``@pytest.mark.django_db``."""
    _ensure_demo()  # a no-op query unless the data went missing (then it is loaded in-test)
    from accounts.services import UTENTI_DEMO

    return SimpleNamespace(
        password=DEMO_PASSWORD,
        usernames=[u[0] for u in UTENTI_DEMO] + ["admin"],
    )


@pytest.fixture
def login(client):
    """``login(username, password=DEMO_PASSWORD)``: log ``client`` in through the login form.

    Goes through django-axes like a real login (a wrong password counts as a failure).
    Returns the response of the POST.
    """
    from django.urls import reverse

    def do_login(username, password=DEMO_PASSWORD):
        response = client.post(reverse("accounts:login"), {"username": username, "password": password})
        assert response.status_code == 302, f"login of {username!r} failed (status {response.status_code})"
        return response

    return do_login


# --- browser tests -------------------------------------------------------------------------


@pytest.fixture
def live_demo(live_server, transactional_db):
    """The live server (``.url``) with the demo loaded in its (transactional) database.

    Transactional tests empty the database when they end, so the demo is loaded per test
    (about a second and a half) whenever it is missing.
    """
    _ensure_demo()
    return live_server


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


def _short(text, limit=400):
    # Console messages may quote whole data: URIs.
    return text if len(text) <= limit else text[: limit - 20] + " […] " + text[-15:]


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:150]


# Reports CSP violations to the console too (Chromium already logs them as errors, but
# this also catches report-only policies and violations in frames).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
});
"""


@pytest.fixture
def browser_page(request):
    """A Playwright page in headless Debian Chromium; screenshots itself if the test fails."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (scripts/test.sh does) "
            "or deselect the browser tests with -m 'not browser'."
        )
    from playwright.sync_api import sync_playwright

    errors = []
    request.node.stash[_errors_key] = errors
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
            context.set_default_timeout(15_000)
            context.add_init_script(_CSP_LISTENER)
            page = context.new_page()
            page.on(
                "console",
                lambda msg: (
                    errors.append(_short(f"console.{msg.type}: {msg.text} ({msg.location.get('url', '')})"))
                    if msg.type == "error"
                    else None
                ),
            )
            page.on("pageerror", lambda exc: errors.append(_short(f"uncaught exception: {exc}")))
            yield page
            call_report = request.node.stash.get(_reports_key, {}).get("call")
            if call_report is None or call_report.failed:
                ARTIFACTS.mkdir(exist_ok=True)
                path = ARTIFACTS / f"FAILED-{_slug(request.node.nodeid)}.png"
                try:
                    page.screenshot(path=path, full_page=True)
                    print(f"\nscreenshot of the failed test: {path}")
                except Exception as e:  # the page may be gone; the test's own error matters more
                    print(f"\nno screenshot of the failed test: {e}")
        finally:
            browser.close()
            # While Playwright's event loop runs, Django keeps the test's database connections
            # apart (asgiref's thread-critical Local turns per-context when a loop is running):
            # ORM calls in a browser test open a connection of their own. Close it here, inside
            # that context, or PostgreSQL cannot drop the test database at the end.
            from django.db import connections

            connections.close_all()


@pytest.fixture
def browser_errors(browser_page, request):
    """The console errors, uncaught exceptions and CSP violations of ``browser_page`` so far."""
    return request.node.stash[_errors_key]


@pytest.fixture
def screenshot(browser_page):
    """``screenshot("name")`` saves a full-page screenshot as ``test-artifacts/name.png``."""

    def take(name):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{_slug(name)}.png"
        browser_page.screenshot(path=path, full_page=True)
        return path

    return take
