# Sourced by the benches that run on a throwaway PostgreSQL (bench/run_*.sh):
#
#   source bench/postgresql.sh
#   postgresql_di_prova [--riferimenti]
#
# Starts a cluster with scripts/pg-throwaway.sh, exports DATABASE_URL and the production settings
# (DEBUG off, so no query log), migrates it (the cache tables too) and, with --riferimenti,
# loads the reference data. $workdir is a scratch folder for the bench's files. The cluster and
# $workdir are deleted when the script ends, also on error or Ctrl-C.

postgresql_di_prova() {
  unset DATABASE_URL DEBUG SECRET_KEY ZONA_CHIAVE_PSEUDONIMO ALLOWED_HOSTS CONN_MAX_AGE DJANGO_SETTINGS_MODULE
  pgdir=$(mktemp -d "${TMPDIR:-/tmp}/zona-bench-pg.XXXXXX")
  workdir=$(mktemp -d "${TMPDIR:-/tmp}/zona-bench-files.XXXXXX")
  trap '_postgresql_di_prova_fine' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  DATABASE_URL=$(bash scripts/pg-throwaway.sh start "$pgdir")
  export DATABASE_URL
  export DJANGO_SETTINGS_MODULE=zona.settings DEBUG=false SECRET_KEY=bench-only-not-a-secret \
    ZONA_CHIAVE_PSEUDONIMO=bench-only-pseudonym-key LOG_LEVEL=WARNING ALLOWED_HOSTS=testserver
  echo "== migrate" >&2
  .venv/bin/python manage.py migrate --noinput -v 0
  if [ "${1:-}" = "--riferimenti" ]; then
    .venv/bin/python manage.py carica_riferimenti >/dev/null
  fi
}

_postgresql_di_prova_fine() {
  bash scripts/pg-throwaway.sh stop "$pgdir" || true
  rm -rf -- "$workdir"
}
