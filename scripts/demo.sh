#!/usr/bin/env bash
# Install, create the SQLite database, load the Bergamo demo and serve it on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
# The PDF documents are printed by headless Chromium (documenti/chromium.py): Debian's package.
missing=()
for pkg in chromium; do
  [[ $(dpkg -s "$pkg" 2>/dev/null) == *"Status: install ok installed"* ]] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "missing Debian packages (${missing[*]}): run as root or install them" >&2; exit 1; }
  echo "== installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
bash scripts/setup-venv.sh
export DEBUG="${DEBUG:-true}"
.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py carica_riferimenti
.venv/bin/python manage.py load_demo
# The worker of background jobs (large uploads, documents): Ctrl+C stops it with the server.
.venv/bin/python manage.py db_worker --no-reload --interval 0.5 &
echo
echo "Zona è su http://127.0.0.1:8000/ (Ctrl+C per fermarla)"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
