#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine as root, with no manual steps:
#   1. Debian packages, only those missing: postgresql, chromium (Playwright drives
#      /usr/bin/chromium, which also prints the PDF documents; it never downloads a browser),
#      LibreOffice without GUI (a test converts a DOCX);
#   2. .venv with the pinned dependencies (scripts/setup-venv.sh), and axe-core for the
#      browser tests (npm ci in testsupport/npm, from its committed package-lock.json);
#   3. ruff check and ruff format --check on the whole tree (fail fast: no test runs if
#      they find anything);
#   4. pytest on SQLite (default settings, in-memory test database) and, at the same time,
#      pytest on a throwaway PostgreSQL cluster (scripts/pg-throwaway.sh, removed on exit),
#      browser tests included in both. The two runs share nothing (each its own database
#      and live-server port) and each is one process: side by side they use
#      both cores of a small CI machine. The walks of every route run once: those of marker
#      `scansione` (draft leaks, escaping, versioned forms, phone layout, API fuzzing) on
#      SQLite, those of `scansione_postgresql` on PostgreSQL: the extreme values (PostgreSQL
#      refuses a text longer than its column, SQLite stores it) and the role matrix (its
#      answers do not depend on the database: it balances the two runs). Those of marker
#      `senza_database` (serve.sh on its own SQLite file, LibreOffice) run on SQLite only.
#      Plain `pytest` runs everything.
# Extra arguments go to both pytest runs (e.g. scripts/test.sh -x -k ambito).
# Logs and JUnit reports land in test-artifacts/. Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
t_all=$SECONDS

# The default settings, whatever the calling shell exports.
unset DATABASE_URL DEBUG SECRET_KEY ALLOWED_HOSTS CSRF_TRUSTED_ORIGINS CONN_MAX_AGE SECURE_SSL_REDIRECT \
  SECURE_HSTS_SECONDS STATIC_ROOT AXES_FAILURE_LIMIT LOG_LEVEL LOG_LEVEL_RICHIESTE LOG_FORMAT DJANGO_SETTINGS_MODULE

# --- 1. Debian packages ------------------------------------------------------------------
installed() { [[ $(dpkg -s "$1" 2>/dev/null) == *"Status: install ok installed"* ]]; }
missing=()
for pkg in postgresql chromium libreoffice-writer-nogui; do
  installed "$pkg" || missing+=("$pkg")
done
# npm installs axe-core for the browser tests. A machine may already have Node.js from another
# package source, whose nodejs package conflicts with Debian's npm: ask Debian only when the
# command is missing.
if ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
# Debian's python3 needs python3-venv to create a virtualenv.
if [ ! -x .venv/bin/python ] && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  installed python3-venv || missing+=(python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  [ "$(id -u)" -eq 0 ] || {
    echo "missing Debian packages (${missing[*]}): run as root or install them" >&2
    exit 1
  }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- 2. virtualenv -----------------------------------------------------------------------
echo "== virtualenv (scripts/setup-venv.sh)"
bash scripts/setup-venv.sh

# --- 2b. axe-core, injected by the browser tests (testsupport/npm: package.json and its lock) --
if [ ! -f testsupport/npm/node_modules/axe-core/axe.min.js ]; then
  echo "== axe-core (npm ci in testsupport/npm)"
  npm ci --prefix testsupport/npm --no-audit --no-fund
fi

mkdir -p test-artifacts
summary=()
failed=0

# run_pytest NAME ARGS...: runs pytest, its output in test-artifacts/pytest-NAME.log; writes
# the exit code and the time to test-artifacts/NAME.rc.
run_pytest() {
  local name=$1 t0=$SECONDS rc
  shift
  set +e
  .venv/bin/python -m pytest -ra --junitxml="test-artifacts/junit-$name.xml" "$@" >"test-artifacts/pytest-$name.log" 2>&1
  rc=$?
  set -e
  echo "$rc $((SECONDS - t0))" >"test-artifacts/$name.rc"
}

# report NAME: prints the run's log and adds its line to the summary.
report() {
  local name=$1 rc secs last
  echo
  echo "== pytest on $name"
  cat "test-artifacts/pytest-$name.log"
  read -r rc secs <"test-artifacts/$name.rc"
  last=$(grep -v '^\s*$' "test-artifacts/pytest-$name.log" | tail -n 1 | sed 's/^=* *//; s/ *=*$//')
  if [ "$rc" -eq 0 ]; then
    summary+=("$name: OK in ${secs}s ($last)")
  else
    summary+=("$name: FAILED (pytest exit $rc) in ${secs}s ($last)")
    failed=1
  fi
}

# --- 3. lint: fail fast, before any test runs -------------------------------------------
# ruff is configured in pyproject.toml; both checks cover the whole tree.
echo
echo "== ruff check . && ruff format --check ."
t0=$SECONDS
if ! .venv/bin/ruff check . || ! .venv/bin/ruff format --check .; then
  echo "== summary (total $((SECONDS - t_all))s)"
  echo "== ruff: FAILED in $((SECONDS - t0))s (tests not run: fix the findings above, or run ruff format)"
  exit 1
fi
summary+=("ruff: OK in $((SECONDS - t0))s (check and format --check)")

# --- 4. SQLite and PostgreSQL, side by side ------------------------------------------------
rm -f test-artifacts/*.rc
pgdir=$(mktemp -d /tmp/zona-pg.XXXXXX)
trap 'bash scripts/pg-throwaway.sh stop "$pgdir" || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
echo
echo "== throwaway PostgreSQL cluster"
pg_url=""
if pg_url=$(bash scripts/pg-throwaway.sh start "$pgdir"); then
  echo "DATABASE_URL=$pg_url"
  (DATABASE_URL=$pg_url run_pytest postgresql -m "not scansione and not senza_database" "$@") &
  pg_pid=$!
else
  summary+=("postgresql: FAILED (the throwaway cluster did not start)")
  failed=1
fi
echo "== pytest on sqlite and postgresql, side by side (logs in test-artifacts/pytest-*.log)"
run_pytest sqlite -m "not scansione_postgresql" "$@"
report sqlite
if [ -n "$pg_url" ]; then
  wait "$pg_pid" || true
  report postgresql
fi
bash scripts/pg-throwaway.sh stop "$pgdir" || true # the trap covers interruptions

echo
echo "== summary (total $((SECONDS - t_all))s)"
for line in "${summary[@]}"; do
  echo "== $line"
done
exit "$failed"
