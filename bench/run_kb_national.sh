#!/usr/bin/env bash
# Knowledge base at national scale (bench/kb_national.py) on a throwaway PostgreSQL.
#
#   bash bench/run_kb_national.sh [--anni 10] [other options of bench/kb_national.py]
#   bash bench/run_kb_national.sh --cluster DIR [options]   # keep the cluster in DIR
#
# On a throwaway PostgreSQL with the production settings (bench/postgresql.sh), deleted at the
# end. With --cluster DIR (first option) the cluster lives in DIR and is kept: the first run
# creates and loads it, a later one reuses it, e.g. `--cluster DIR --solo-calcolo` in a quiet
# slot after `--cluster DIR --anni-importer 2 --no-profilo --no-confronto` outside it.
# Delete it with `bash scripts/pg-throwaway.sh stop DIR`. Output on stdout; redirect it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--cluster" ]; then
  [ $# -ge 2 ] || { echo "usage: $0 --cluster DIR [options]" >&2; exit 2; }
  cluster=$2
  shift 2
  if [ ! -e "$cluster/data" ]; then
    DATABASE_URL=$(bash scripts/pg-throwaway.sh start "$cluster")
  else
    DATABASE_URL="postgres://zona@$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$(cd "$cluster" && pwd -P)")/zona"
  fi
  unset DEBUG SECRET_KEY ZONA_CHIAVE_PSEUDONIMO ALLOWED_HOSTS CONN_MAX_AGE DJANGO_SETTINGS_MODULE
  export DATABASE_URL DJANGO_SETTINGS_MODULE=zona.settings DEBUG=false SECRET_KEY=bench-only-not-a-secret \
    ZONA_CHIAVE_PSEUDONIMO=bench-only-pseudonym-key LOG_LEVEL=WARNING ALLOWED_HOSTS=testserver
  .venv/bin/python manage.py migrate --noinput -v 0
  workdir=$(mktemp -d "${TMPDIR:-/tmp}/zona-bench-files.XXXXXX")
  trap 'rm -rf -- "$workdir"' EXIT
  .venv/bin/python -u bench/kb_national.py --workdir "$workdir" "$@"
  exit
fi

source bench/postgresql.sh
postgresql_di_prova
.venv/bin/python -u bench/kb_national.py --workdir "$workdir" "$@"
