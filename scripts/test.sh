#!/usr/bin/env bash
# The whole test suite, on a fresh Debian 12 machine as root, with no manual steps:
#   1. Debian packages, only those missing: postgresql, chromium (Playwright drives
#      /usr/bin/chromium; it never downloads a browser), pango and harfbuzz's subsetter
#      (WeasyPrint's PDF documents);
#   2. .venv with the pinned dependencies (scripts/setup-venv.sh), and axe-core for the
#      browser tests (npm ci in testsupport/npm, from its committed package-lock.json);
#   3. ruff check and ruff format --check on the whole tree (fail fast: no test runs if
#      they find anything);
#   4. pytest on SQLite (default settings, in-memory test database), browser tests included;
#   5. pytest again, browser tests included, on a throwaway PostgreSQL cluster
#      (scripts/pg-throwaway.sh), removed on exit.
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
for pkg in postgresql chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do
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

# run_pytest NAME ARGS...: runs pytest, output also in test-artifacts/pytest-NAME.log.
run_pytest() {
  local name=$1 t0=$SECONDS rc last
  shift
  echo
  echo "== pytest on $name"
  set +e
  .venv/bin/python -m pytest -ra --junitxml="test-artifacts/junit-$name.xml" "$@" 2>&1 |
    tee "test-artifacts/pytest-$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  last=$(grep -v '^\s*$' "test-artifacts/pytest-$name.log" | tail -n 1 | sed 's/^=* *//; s/ *=*$//')
  if [ "$rc" -eq 0 ]; then
    summary+=("$name: OK in $((SECONDS - t0))s ($last)")
  else
    summary+=("$name: FAILED (pytest exit $rc) in $((SECONDS - t0))s ($last)")
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

# --- 4. SQLite ---------------------------------------------------------------------------
run_pytest sqlite "$@"

# --- 5. PostgreSQL -----------------------------------------------------------------------
pgdir=$(mktemp -d /tmp/zona-pg.XXXXXX)
trap 'bash scripts/pg-throwaway.sh stop "$pgdir" || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
echo
echo "== throwaway PostgreSQL cluster"
t0=$SECONDS
if DATABASE_URL=$(bash scripts/pg-throwaway.sh start "$pgdir"); then
  export DATABASE_URL
  echo "DATABASE_URL=$DATABASE_URL"
  # Browser tests included: they cost about 5 seconds and check that live_server, the
  # transactional flush and the session demo work together on PostgreSQL too. To skip them
  # on this run only, add -m "not browser" below.
  run_pytest postgresql "$@"
else
  summary+=("postgresql: FAILED in $((SECONDS - t0))s (the throwaway cluster did not start)")
  failed=1
fi
bash scripts/pg-throwaway.sh stop "$pgdir" || true # the trap covers interruptions

echo
echo "== summary (total $((SECONDS - t_all))s)"
for line in "${summary[@]}"; do
  echo "== $line"
done
exit "$failed"
