#!/usr/bin/env bash
# Uploads that used to tie up a worker (bench/caricamenti.py) on a throwaway PostgreSQL.
#
#   bash bench/run_caricamenti.sh [options of bench/caricamenti.py]
#
# Starts a cluster with scripts/pg-throwaway.sh, migrates it, runs the benchmark with the
# production settings (DEBUG off, so no query log), then stops and deletes the cluster and
# the CSV files, also on error or Ctrl-C. Output on stdout; redirect it to keep it.
set -euo pipefail
cd "$(dirname "$0")/.."

unset DATABASE_URL DEBUG SECRET_KEY ZONA_CHIAVE_PSEUDONIMO ALLOWED_HOSTS CONN_MAX_AGE DJANGO_SETTINGS_MODULE
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/zona-caricamenti-pg.XXXXXX")
workdir=$(mktemp -d "${TMPDIR:-/tmp}/zona-caricamenti-files.XXXXXX")
cleanup() {
  bash scripts/pg-throwaway.sh stop "$pgdir" || true
  rm -rf -- "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

DATABASE_URL=$(bash scripts/pg-throwaway.sh start "$pgdir")
export DATABASE_URL
export DJANGO_SETTINGS_MODULE=zona.settings DEBUG=false SECRET_KEY=bench-only-not-a-secret \
  ZONA_CHIAVE_PSEUDONIMO=bench-only-pseudonym-key LOG_LEVEL=WARNING

echo "== migrate" >&2
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python -u bench/caricamenti.py --workdir "$workdir" "$@"
