#!/usr/bin/env bash
# Load benchmark (issue 7): the Bergamo demo on PostgreSQL under gunicorn with the production
# settings, 50 simulated visitors for 60 s (bench/locustfile.py), 127.0.0.1 only.
#
#   bash bench/run_load.sh [--utenti 50] [--durata 60s] [--nazionale]
#
# --nazionale first adds the synthetic national frame of bench/kb_national.py (all ~7,900
# Comuni of Italy in ~600 Ambiti, two years of population by age and sex through the importer)
# to the same database, so the same pages run over the national dataset.
# Prints requests/s, p50/p95/p99 and errors, overall and per page; exits 1 if any request failed.
set -euo pipefail
cd "$(dirname "$0")/.."

utenti=50 durata=60s nazionale=0
while [ $# -gt 0 ]; do
  case $1 in
    --utenti) utenti=$2; shift 2 ;;
    --durata) durata=$2; shift 2 ;;
    --nazionale) nazionale=1; shift ;;
    *) echo "opzione sconosciuta: $1" >&2; exit 2 ;;
  esac
done

unset DATABASE_URL DEBUG SECRET_KEY ALLOWED_HOSTS CONN_MAX_AGE DJANGO_SETTINGS_MODULE
bash scripts/setup-venv.sh >/dev/null
.venv/bin/pip install -q -r bench/requirements-load.txt

work=$(mktemp -d "${TMPDIR:-/tmp}/zona-load.XXXXXX")
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/zona-load-pg.XXXXXX")
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  bash scripts/pg-throwaway.sh stop "$pgdir" || true
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

DATABASE_URL=$(bash scripts/pg-throwaway.sh start "$pgdir")
export DATABASE_URL
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING STATIC_ROOT="$work/static" CONN_MAX_AGE=60
export ZONA_CACHE_DIR="$work/cache"
SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')
export SECRET_KEY

echo "== migrate + demo" >&2
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_demo --senza-utenti >/dev/null
if [ "$nazionale" = 1 ]; then
  echo "== national frame (bench/frame_nazionale.py)" >&2
  .venv/bin/python -u bench/frame_nazionale.py >&2
fi

port=8097
echo "== gunicorn on 127.0.0.1:$port" >&2
BIND=127.0.0.1:$port ZONA_MIGRATE=0 bash scripts/serve.sh 2>"$work/server.log" &
server=$!
for _ in $(seq 1 60); do
  curl -sf -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$port/salute/" && break
  sleep 1
done
curl -sf -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$port/salute/" || {
  echo "gunicorn did not start:" >&2; tail -20 "$work/server.log" >&2; exit 1
}

echo "== warm-up" >&2
.venv/bin/python bench/visite.py "http://127.0.0.1:$port"
echo "== locust: $utenti users, $durata" >&2
.venv/bin/locust -f bench/locustfile.py --headless -u "$utenti" -r "$utenti" -t "$durata" \
  --host "http://127.0.0.1:$port" --csv "$work/load" --only-summary >"$work/locust.log" 2>&1 || true

.venv/bin/python - "$work/load_stats.csv" "$nazionale" <<'PY'
import csv, sys
righe = list(csv.DictReader(open(sys.argv[1])))
tot = next(r for r in righe if r["Name"] == "Aggregated")
print(f"\n{'pagina':44s} {'req':>6s} {'err':>4s} {'p50':>6s} {'p95':>6s} {'p99':>6s} ms")
for r in sorted((r for r in righe if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"])):
    print(f"{r['Name']:44s} {r['Request Count']:>6s} {r['Failure Count']:>4s} {r['50%']:>6s} {r['95%']:>6s} {r['99%']:>6s}")
print(f"\n{'TOTALE':44s} {tot['Request Count']:>6s} {tot['Failure Count']:>4s} {tot['50%']:>6s} {tot['95%']:>6s} {tot['99%']:>6s}")
obiettivo = 500 if sys.argv[2] == "1" else 300
print(f"richieste/s: {float(tot['Requests/s']):.1f}   errori: {tot['Failure Count']}   p95: {tot['95%']} ms (obiettivo < {obiettivo} ms)")
sys.exit(1 if int(tot["Failure Count"]) else 0)
PY
