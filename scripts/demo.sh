#!/usr/bin/env bash
# Install, create the SQLite database, load the Bergamo demo and serve it on 127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh
export DEBUG="${DEBUG:-true}"
.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py load_demo
echo
echo "Zona è su http://127.0.0.1:8000/ (Ctrl+C per fermarla)"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
