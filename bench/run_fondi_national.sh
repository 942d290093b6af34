#!/usr/bin/env bash
# Funds at national scale (bench/fondi_national.py) on a throwaway PostgreSQL.
#
#   bash bench/run_fondi_national.sh [--cluster DIR] [--misura-dopo HH:MM] [--solo pagine|carico|what-if]
#
# On a throwaway PostgreSQL with the production settings and the reference data
# (bench/postgresql.sh), deleted at the end. Output on stdout. --misura-dopo HH:MM (UTC): the
# setup (about 10 minutes) runs at once, the measures (about 3) wait until then.
# --cluster DIR keeps the cluster (and its frame) in DIR for the next run, which skips the
# setup; `bash scripts/pg-throwaway.sh stop DIR` deletes it.
# The database connections are kept between requests (CONN_MAX_AGE=60), as the documented
# deployment and bench/run_load.sh do; CONN_MAX_AGE=0 before the command: one per request.
set -euo pipefail
cd "$(dirname "$0")/.."
connessioni=${CONN_MAX_AGE:-60}

if [ "${1:-}" = "--cluster" ]; then
  dir=$2
  shift 2
  unset DATABASE_URL DEBUG SECRET_KEY ZONA_CHIAVE_PSEUDONIMO ALLOWED_HOSTS CONN_MAX_AGE DJANGO_SETTINGS_MODULE
  if [ -e "$dir/data/postmaster.pid" ]; then
    DATABASE_URL=$(cat "$dir/url")
  else
    DATABASE_URL=$(bash scripts/pg-throwaway.sh start "$dir")
    echo "$DATABASE_URL" >"$dir/url"
    nuovo=1
  fi
  export DATABASE_URL
  export DJANGO_SETTINGS_MODULE=zona.settings DEBUG=false SECRET_KEY=bench-only-not-a-secret \
    ZONA_CHIAVE_PSEUDONIMO=bench-only-pseudonym-key LOG_LEVEL=WARNING ALLOWED_HOSTS=testserver
  .venv/bin/python manage.py migrate --noinput -v 0  # a kept frame gets the new migrations
  if [ -n "${nuovo:-}" ]; then
    .venv/bin/python manage.py carica_riferimenti >/dev/null
  fi
else
  source bench/postgresql.sh
  postgresql_di_prova --riferimenti
fi
export CONN_MAX_AGE=$connessioni
.venv/bin/python -u bench/fondi_national.py "$@"
