#!/usr/bin/env bash
# Load benchmark (issues 7 and 17): the Bergamo demo on PostgreSQL under gunicorn with the
# production settings, simulated visitors on every kind of public page (bench/locustfile.py),
# 127.0.0.1 only. Not part of the test suite or of CI.
#
#   bash bench/run_load.sh [--modo carico|soak|dos] [--utenti 50] [--durata 60s] [--nazionale]
#
# Modes (targets of issue 17, «Load and soak»):
#   carico  50 visitors for 60 s: p95 < 300 ms (500 ms with --nazionale) and no failed request.
#   soak    50 visitors for 10 minutes: no failed request, and the resident memory (RSS, from
#           /proc) of the gunicorn workers may not grow by more than 10 % between the end of the
#           ramp-up (after the first minute) and the end; sampled every 30 s, printed.
#   dos     50 visitors for 60 s and, meanwhile, 5 attackers each repeating one of the
#           denial-of-service requests of issue 17 (huge exponents in /api/riparto and /riparto/,
#           uploads of 8,000 categories, of 120,000 rows, of ages written 1E+400000): the
#           visitors' p95 must stay under 1 s and none of their requests may fail.
# --nazionale first adds the synthetic national frame of bench/kb_national.py.
# Exit status 1 if a target is missed. The machine's load average is printed with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

modo=carico utenti=50 durata="" nazionale=0
while [ $# -gt 0 ]; do
  case $1 in
    --modo) modo=$2; shift 2 ;;
    --utenti) utenti=$2; shift 2 ;;
    --durata) durata=$2; shift 2 ;;
    --nazionale) nazionale=1; shift ;;
    *) echo "opzione sconosciuta: $1" >&2; exit 2 ;;
  esac
done
case $modo in
  carico) durata=${durata:-60s} ;;
  soak) durata=${durata:-10m} ;;
  dos) durata=${durata:-60s} ;;
  *) echo "modo sconosciuto: $modo (carico, soak o dos)" >&2; exit 2 ;;
esac

unset DATABASE_URL DEBUG SECRET_KEY ZONA_CHIAVE_PSEUDONIMO ALLOWED_HOSTS CONN_MAX_AGE DJANGO_SETTINGS_MODULE
bash scripts/setup-venv.sh >/dev/null
.venv/bin/pip install -q -r bench/requirements-load.txt

work=$(mktemp -d "${TMPDIR:-/tmp}/zona-load.XXXXXX")
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/zona-load-pg.XXXXXX")
server="" campionatore=""
cleanup() {
  [ -n "$campionatore" ] && kill "$campionatore" 2>/dev/null && wait "$campionatore" 2>/dev/null || true
  # The server runs in its own process group: collectstatic or migrate, if still running, go too.
  [ -n "$server" ] && kill -- -"$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  bash scripts/pg-throwaway.sh stop "$pgdir" || true
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

DATABASE_URL=$(bash scripts/pg-throwaway.sh start "$pgdir")
export DATABASE_URL
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING STATIC_ROOT="$work/static" CONN_MAX_AGE=60
SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')
ZONA_CHIAVE_PSEUDONIMO=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')
export SECRET_KEY ZONA_CHIAVE_PSEUDONIMO

echo "== migrate + demo" >&2
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_demo --senza-utenti >/dev/null
# The uploads of mode dos and the visitors' what-if (/fondi/scenari/, users with a role only)
# need a logged-in user: a Comune, the least privileged role that may upload.
ZONA_LOAD_PASSWORD=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))')
export ZONA_LOAD_UTENTE=bench.comune ZONA_LOAD_PASSWORD
.venv/bin/python manage.py shell -c "from accounts.services import crea_utente; \
crea_utente('$ZONA_LOAD_UTENTE', '$ZONA_LOAD_PASSWORD', 'comune', comune_id='016128')"
if [ "$nazionale" = 1 ]; then
  echo "== national frame (bench/frame_nazionale.py)" >&2
  .venv/bin/python -u bench/frame_nazionale.py >&2
fi

port=${ZONA_LOAD_PORT:-8097}
echo "== gunicorn on 127.0.0.1:$port" >&2
BIND=127.0.0.1:$port ZONA_MIGRATE=0 setsid bash scripts/serve.sh 2>"$work/server.log" &
server=$!
# collectstatic and the start of 5 workers take long on a busy machine: up to 10 minutes.
for _ in $(seq 1 600); do
  curl -sf -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$port/salute/" && break
  sleep 1
done
curl -sf -o /dev/null -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$port/salute/" || {
  echo "gunicorn did not start:" >&2; tail -20 "$work/server.log" >&2; exit 1
}

# Resident memory of every gunicorn worker (children of the master), in kB, one line per
# sample: seconds since the start, then pid=kB for each worker.
rss_lavoratori() {
  local riga="" pid kb
  # Gunicorn's workers only: the worker of background jobs is a child of the master too.
  for pid in $(pgrep -P "$server" -f gunicorn || true); do
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$kb" ] && riga="$riga $pid=$kb"
  done
  echo "$riga"
}

# CPU seconds of a process tree (live processes, with their reaped children): the share of the
# two cores that Zona and PostgreSQL used while locust ran, beside locust's own.
cpu_di() {
  local pid
  for pid in "$@"; do cat "/proc/$pid/stat" 2>/dev/null || true; done |
    awk -v hz="$(getconf CLK_TCK)" '{t += $14 + $15 + $16 + $17} END {printf "%.1f", t / hz}'
}
# The server runs in its own process group (setsid): gunicorn's master, its workers and the
# worker of background jobs.
cpu_server() { cpu_di $(pgrep -g "$server" || true); }
# CPU seconds of this shell's reaped children (the second line of bash's `times`, written by the
# shell itself: in a $(...) subshell it would count the subshell's children).
secondi_di_times() { awk 'NR == 2 {for (i = 1; i <= 2; i++) {split($i, p, /[ms]/); t += p[1] * 60 + p[2]}} END {printf "%.1f", t}' "$1"; }
postmaster=$(head -1 "$pgdir/data/postmaster.pid")
cpu_postgresql() { cpu_di "$postmaster" $(pgrep -P "$postmaster" || true); }

echo "== warm-up" >&2
.venv/bin/python bench/visite.py "http://127.0.0.1:$port"
# locust first: it patches the standard library (gevent) before requests imports ssl.
(cd bench && ../.venv/bin/python -c 'import sys, locust, locustfile; locustfile.una_visita_per_tipo(sys.argv[1])' \
  "http://127.0.0.1:$port")

if [ "$modo" = soak ]; then
  inizio=$SECONDS
  ( while true; do echo "$((SECONDS - inizio))$(rss_lavoratori)"; sleep 30; done ) >"$work/rss.txt" &
  campionatore=$!
fi
classi=Visitatore
[ "$modo" = dos ] && classi="Visitatore Attaccante" && utenti=$((utenti + 5))
carico_prima=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== locust ($modo): $utenti users, $durata (load average before: $carico_prima)" >&2
cpu_zona_prima=$(cpu_server) cpu_pg_prima=$(cpu_postgresql) t_prima=$SECONDS
times >"$work/times_prima"
ZONA_LOAD_RIEPILOGO="$work/riepilogo.json" \
  .venv/bin/locust -f bench/locustfile.py --headless -u "$utenti" -r "$utenti" -t "$durata" \
  --host "http://127.0.0.1:$port" --csv "$work/load" --only-summary $classi >"$work/locust.log" 2>&1 || true
cpu_zona=$(awk -v a="$(cpu_server)" -v b="$cpu_zona_prima" 'BEGIN {printf "%.1f", a - b}')
cpu_pg=$(awk -v a="$(cpu_postgresql)" -v b="$cpu_pg_prima" 'BEGIN {printf "%.1f", a - b}')
times >"$work/times_dopo"
cpu_locust=$(awk -v a="$(secondi_di_times "$work/times_dopo")" -v b="$(secondi_di_times "$work/times_prima")" \
  'BEGIN {printf "%.1f", a - b}')
secondi=$((SECONDS - t_prima))
if [ "$modo" = soak ]; then
  echo "$((SECONDS - inizio))$(rss_lavoratori)" >>"$work/rss.txt"
  kill "$campionatore" 2>/dev/null; wait "$campionatore" 2>/dev/null || true; campionatore=""
fi
[ -s "$work/riepilogo.json" ] || { echo "locust wrote no summary:" >&2; tail -30 "$work/locust.log" >&2; exit 1; }

.venv/bin/python - "$work/riepilogo.json" "$modo" "$nazionale" "$work/rss.txt" "$carico_prima" \
  "$cpu_zona" "$cpu_pg" "$cpu_locust" "$secondi" "$(nproc)" <<'PY'
import json, os, sys
riepilogo, modo, nazionale, file_rss, carico_prima = sys.argv[1:6]
cpu_zona, cpu_pg, cpu_locust, secondi, core = sys.argv[6:11]
dati = json.load(open(riepilogo))
v = dati["visitatori"]
print(f"\n{'pagina':44s} {'req':>6s} {'p95':>7s} {'max':>7s} ms")
for nome, p in sorted(v["pagine"].items(), key=lambda x: -x[1]["p95"]):
    print(f"{nome:44s} {p['n']:>6d} {p['p95']:>7.0f} {p['max']:>7.0f}")
print(f"\nvisitatori: {v['richieste']} richieste, {v['errori']} errori, "
      f"p50 {v['p50']:.0f} ms, p95 {v['p95']:.0f} ms, p99 {v['p99']:.0f} ms")
# Where the machine's CPU went: when Zona + PostgreSQL + locust fill every core, the requests
# queue and the p95 measures the queue, not the pages.
disponibili = float(secondi) * int(core)
print(f"CPU in {secondi} s su {core} core ({disponibili:.0f} s): Zona {cpu_zona} s, PostgreSQL {cpu_pg} s, "
      f"locust {cpu_locust} s; Zona + PostgreSQL per richiesta "
      f"{1000 * (float(cpu_zona) + float(cpu_pg)) / max(v['richieste'], 1):.1f} ms")
if dati["attacchi"]:
    print("\nattacchi (mediana e massimo della risposta):")
    for nome, a in dati["attacchi"].items():
        print(f"  {nome:44s} {a['n']:>4d} volte, {a['mediana']:>8.0f} ms, max {a['max']:>8.0f} ms, "
              f"risposte {', '.join(a['stati'])}")
    print("  (un attacco ancora in corso alla fine del carico non è contato)")
fallito = v["errori"] > 0
if modo == "dos":
    obiettivo = 1000
else:
    obiettivo = 500 if nazionale == "1" else 300
if modo in ("carico", "dos"):
    fallito |= v["p95"] >= obiettivo
    print(f"\np95 dei visitatori: {v['p95']:.0f} ms (obiettivo < {obiettivo} ms)")
if modo == "soak":
    campioni = []
    for riga in open(file_rss):
        t, *lavoratori = riga.split()
        campioni.append((int(t), {p.split("=")[0]: int(p.split("=")[1]) for p in lavoratori}))
    print("\nRSS dei processi gunicorn (MB, somma dei worker):")
    for t, lav in campioni:
        print(f"  {t:>5d} s  {sum(lav.values()) / 1024:8.1f}  ({len(lav)} worker: "
              + ", ".join(f"{kb / 1024:.0f}" for kb in lav.values()) + ")")
    riferimento = next((c for c in campioni if c[0] >= 60), campioni[0])
    fine = campioni[-1]
    crescita = sum(fine[1].values()) / sum(riferimento[1].values()) - 1
    stessi = set(fine[1]) == set(riferimento[1])
    print(f"crescita dalla fine della salita ({riferimento[0]} s) alla fine: {crescita:+.1%} (obiettivo ≤ +10 %)"
          + ("" if stessi else "; ATTENZIONE: worker riavviati nel frattempo"))
    fallito |= crescita > 0.10 or not stessi
print(f"carico medio della macchina prima: {carico_prima}; dopo: {' '.join(open('/proc/loadavg').read().split()[:3])}")
print("ESITO:", "NON RAGGIUNTO" if fallito else "raggiunto")
sys.exit(1 if fallito else 0)
PY
