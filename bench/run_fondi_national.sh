#!/usr/bin/env bash
# Funds at national scale (bench/fondi_national.py) on a throwaway PostgreSQL.
#
#   bash bench/run_fondi_national.sh [--misura-dopo HH:MM]
#
# On a throwaway PostgreSQL with the production settings and the reference data
# (bench/postgresql.sh), deleted at the end. Output on stdout. --misura-dopo HH:MM (UTC): the
# setup (about 10 minutes) runs at once, the measures (about 3) wait until then.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/postgresql.sh
postgresql_di_prova --riferimenti
.venv/bin/python -u bench/fondi_national.py "$@"
