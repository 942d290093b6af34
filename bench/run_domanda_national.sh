#!/usr/bin/env bash
# Social demand at national scale (bench/domanda_national.py):
#
#   bash bench/run_domanda_national.sh [--righe 5000000 --persone 2000000] [--oscuramento]
#
# On a throwaway PostgreSQL with the production settings and the reference data
# (bench/postgresql.sh), deleted at the end. Output on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/postgresql.sh
postgresql_di_prova --riferimenti
.venv/bin/python -u bench/domanda_national.py "$@"
