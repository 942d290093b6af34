#!/usr/bin/env bash
# Uploads that used to tie up a worker (bench/caricamenti.py) on a throwaway PostgreSQL.
#
#   bash bench/run_caricamenti.sh [options of bench/caricamenti.py]
#
# On a throwaway PostgreSQL with the production settings (bench/postgresql.sh), deleted at the
# end. Output on stdout; redirect it to keep it.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/postgresql.sh
postgresql_di_prova
.venv/bin/python -u bench/caricamenti.py --workdir "$workdir" "$@"
