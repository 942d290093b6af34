#!/usr/bin/env bash
# Knowledge base at national scale (bench/kb_national.py) on a throwaway PostgreSQL.
#
#   bash bench/run_kb_national.sh [--anni 10] [other options of bench/kb_national.py]
#
# On a throwaway PostgreSQL with the production settings (bench/postgresql.sh), deleted at the
# end. Output on stdout; redirect it to keep it.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/postgresql.sh
postgresql_di_prova
.venv/bin/python -u bench/kb_national.py --workdir "$workdir" "$@"
