#!/usr/bin/env bash
# Social demand at national scale (bench/domanda_national.py) on a throwaway PostgreSQL.
#
#   bash bench/run_domanda_national.sh [--righe 5000000 --persone 2000000] [--oscuramento]
#
# Starts a cluster with scripts/pg-throwaway.sh, migrates it, loads the reference data, runs the
# benchmark with the production settings (DEBUG off), then stops and deletes the cluster, also on
# error or Ctrl-C. Output on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

unset DATABASE_URL DEBUG SECRET_KEY ZONA_CHIAVE_PSEUDONIMO ALLOWED_HOSTS CONN_MAX_AGE DJANGO_SETTINGS_MODULE
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/zona-bench-pg.XXXXXX")
cleanup() {
  bash scripts/pg-throwaway.sh stop "$pgdir" || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

DATABASE_URL=$(bash scripts/pg-throwaway.sh start "$pgdir")
export DATABASE_URL
export DJANGO_SETTINGS_MODULE=zona.settings DEBUG=false SECRET_KEY=bench-only-not-a-secret \
  ZONA_CHIAVE_PSEUDONIMO=bench-only-pseudonym-key LOG_LEVEL=WARNING ALLOWED_HOSTS=testserver

echo "== migrate + reference data" >&2
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py carica_riferimenti >/dev/null
.venv/bin/python -u bench/domanda_national.py "$@"
