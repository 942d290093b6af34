#!/usr/bin/env bash
# Zona in production: gunicorn with the production settings (DEBUG=false), behind a reverse
# proxy that terminates HTTPS (README, «In produzione»).
#
# Needs in the environment: SECRET_KEY (50+ random characters), ZONA_CHIAVE_PSEUDONIMO (the
# key of the case-record pseudonyms, another random string), ALLOWED_HOSTS, DATABASE_URL
# (PostgreSQL; SQLite works for a single small installation), usually CSRF_TRUSTED_ORIGINS.
# Optional: BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (gunicorn workers, default
# 2 x CPUs + 1), GUNICORN_TIMEOUT (seconds, default 120), FORWARDED_ALLOW_IPS (the proxy's
# addresses or networks, default 127.0.0.1,::1: gunicorn believes their X-Forwarded-Proto, Zona
# their X-Forwarded-For, zona/lib/rete.py), ZONA_MIGRATE=0 to skip `migrate` (with several app servers,
# run it once from one of them before starting the others), ZONA_WORKER=0 not to start the worker
# of background jobs beside gunicorn (`manage.py db_worker`: run it as its own service instead,
# README «Lavori in background»), ZONA_CHROMIUM (the Chromium that prints the PDFs, default
# /usr/bin/chromium: Debian's package, which this script requires).
#
# Refuses to start if `check --deploy` finds anything. Logs: JSON lines on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=false
export FORWARDED_ALLOW_IPS="${FORWARDED_ALLOW_IPS:-127.0.0.1,::1}"
: "${SECRET_KEY:?SECRET_KEY mancante: 50 o più caratteri casuali}"
: "${ALLOWED_HOSTS:?ALLOWED_HOSTS mancante: i nomi del sito, separati da virgole}"
[ -x .venv/bin/python ] || bash scripts/setup-venv.sh
# The PDF documents are printed by headless Chromium (documenti/chromium.py): Debian's package.
[ -x "${ZONA_CHROMIUM:-/usr/bin/chromium}" ] || {
  echo "Chromium mancante (${ZONA_CHROMIUM:-/usr/bin/chromium}): apt-get install chromium, o ZONA_CHROMIUM" >&2
  exit 1
}

.venv/bin/python manage.py check --deploy --fail-level WARNING
if [ "${ZONA_MIGRATE:-1}" != 0 ]; then
  .venv/bin/python manage.py migrate --noinput
fi
.venv/bin/python manage.py collectstatic --noinput -v0

# The worker of background jobs (imports of large files, documents): it shares this process
# group (and a systemd unit's cgroup), so it stops with the server.
if [ "${ZONA_WORKER:-1}" != 0 ]; then
  # Niced: pages come first when the machine is busy.
  nice -n 5 .venv/bin/python manage.py db_worker --no-reload --queue-name default &
fi

workers=${WEB_CONCURRENCY:-$((2 * $(nproc) + 1))}
# No gunicorn access log: Zona writes one JSON line per request, with its request id.
# --preload: the master imports Zona once (zona/wsgi.py loads every view) and the workers it
# forks start ready, instead of each making its first visitor wait seconds for the imports.
exec .venv/bin/gunicorn zona.wsgi:application \
  --bind "${BIND:-127.0.0.1:8000}" \
  --workers "$workers" \
  --preload \
  --config zona/gunicorn.conf.py \
  --timeout "${GUNICORN_TIMEOUT:-120}" \
  --forwarded-allow-ips "$FORWARDED_ALLOW_IPS" \
  --error-logfile - \
  --capture-output
