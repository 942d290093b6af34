#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from the Debian package binaries.
#
#   scripts/pg-throwaway.sh start DIR   initdb + start in DIR; prints the DATABASE_URL on stdout
#   scripts/pg-throwaway.sh stop DIR    stop the server and delete DIR
#
# The server listens only on a Unix socket in DIR (no TCP), trusts local connections and
# trades durability for speed (fsync, synchronous_commit, full_page_writes off): never use it
# for data you want to keep. Role `zona` (superuser, CREATEDB) owns database `zona`, so
# Django's test runner can create and drop `test_zona`. As root the server runs as the
# `postgres` user (initdb refuses root); as any other user it runs as that user.
# Everything but the URL goes to stderr: DATABASE_URL=$(scripts/pg-throwaway.sh start DIR)
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action=$1
dir=$2
marker=.zona-pg-throwaway # only a DIR holding it is ever deleted

log() { echo "pg-throwaway: $*" >&2; }
die() {
  log "$*"
  exit 1
}

pg_bin() {
  # The highest installed major version of Debian's postgresql-NN package.
  local initdb
  initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
  [ -x "$initdb" ] || die "no /usr/lib/postgresql/*/bin/initdb: install Debian's postgresql package"
  dirname "$initdb"
}

as_owner() {
  # Runs a server binary as the cluster owner, from a directory it can read.
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$dir" && runuser -u postgres -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

urlencode() {
  local s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

start() {
  local bin
  bin=$(pg_bin)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  [ ! -e "$dir/data" ] || die "$dir/data already exists: stop that cluster first"
  # A Unix socket path has at most 107 bytes.
  [ ${#dir} -le 90 ] || die "socket directory path too long (${#dir} > 90 characters): $dir"
  touch "$dir/$marker"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' user: install Debian's postgresql package"
    chown postgres:postgres "$dir"
  fi
  chmod 700 "$dir"

  log "initdb ($bin) in $dir/data"
  as_owner "$bin/initdb" --pgdata="$dir/data" --username=postgres --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=reject --no-sync >"$dir/initdb.log" 2>&1 ||
    {
      cat "$dir/initdb.log" >&2
      die "initdb failed"
    }
  cat >>"$dir/data/postgresql.conf" <<EOF

# pg-throwaway.sh: Unix socket only, no durability.
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 start >/dev/null ||
    {
      cat "$dir/server.log" >&2 || true
      die "the server did not start"
    }
  as_owner "$bin/psql" --no-psqlrc --quiet -v ON_ERROR_STOP=1 --host="$dir" --username=postgres --dbname=postgres \
    -c "CREATE ROLE zona LOGIN SUPERUSER CREATEDB" -c "CREATE DATABASE zona OWNER zona" >&2
  log "PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') running, socket in $dir"
  # Percent-encoded socket directory as host: dj-database-url puts it in HOST.
  echo "postgres://zona@$(urlencode "$dir")/zona"
}

stop() {
  [ -e "$dir" ] || return 0
  if [ ! -e "$dir/$marker" ]; then
    rmdir -- "$dir" 2>/dev/null && return 0 # empty: a start that failed early
    die "$dir is not a pg-throwaway directory: not touching it"
  fi
  if [ -e "$dir/data/postmaster.pid" ]; then
    as_owner "$(pg_bin)/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait stop >/dev/null ||
      log "pg_ctl stop failed (see $dir/server.log)"
  fi
  rm -rf -- "$dir"
  log "stopped and removed $dir"
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
