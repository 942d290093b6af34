#!/usr/bin/env bash
# Social demand at national scale (bench/domanda_national.py):
#
#   bash bench/run_domanda_national.sh [--righe 5000000 --persone 2000000] [--oscuramento]
#
# On a throwaway PostgreSQL with the production settings and the reference data
# (bench/postgresql.sh), deleted at the end. Output on stdout.
#
# To prepare the frame once and measure later (the set-up is not a measure):
#
#   bash bench/run_domanda_national.sh --tieni DIR --prepara   # cluster, registry, files in DIR
#   bash bench/run_domanda_national.sh --tieni DIR [--passi copy,import,aggregati]
#   bash scripts/pg-throwaway.sh stop DIR/pg; rm -r DIR       # when done
#
# With --tieni the cluster in DIR/pg is kept running and reused, the files in DIR/file too.
set -euo pipefail
cd "$(dirname "$0")/.."

tieni=""
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --tieni)
      tieni=$2
      shift 2
      ;;
    *)
      args+=("$1")
      shift
      ;;
  esac
done

if [ -z "$tieni" ]; then
  source bench/postgresql.sh
  postgresql_di_prova --riferimenti
  exec .venv/bin/python -u bench/domanda_national.py "${args[@]}"
fi

mkdir -p "$tieni"
tieni=$(cd "$tieni" && pwd -P)
unset DATABASE_URL DEBUG SECRET_KEY ZONA_CHIAVE_PSEUDONIMO ALLOWED_HOSTS CONN_MAX_AGE DJANGO_SETTINGS_MODULE
if [ -e "$tieni/pg/data/postmaster.pid" ]; then
  DATABASE_URL=$(cat "$tieni/database_url")
else
  DATABASE_URL=$(bash scripts/pg-throwaway.sh start "$tieni/pg")
  echo "$DATABASE_URL" >"$tieni/database_url"
fi
export DATABASE_URL
export DJANGO_SETTINGS_MODULE=zona.settings DEBUG=false SECRET_KEY=bench-only-not-a-secret \
  ZONA_CHIAVE_PSEUDONIMO=bench-only-pseudonym-key LOG_LEVEL=WARNING ALLOWED_HOSTS=testserver
if [ ! -e "$tieni/migrato" ]; then
  echo "== migrate" >&2
  .venv/bin/python manage.py migrate --noinput -v 0
  .venv/bin/python manage.py carica_riferimenti >/dev/null
  touch "$tieni/migrato"
fi
exec .venv/bin/python -u bench/domanda_national.py --cartella "$tieni/file" "${args[@]}"
