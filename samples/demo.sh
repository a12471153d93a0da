#!/usr/bin/env bash
# make demo: the main job on samples/ with an embedded SQLite ledger in .demo/.
set -euo pipefail
XJMA="$1"; OUT="$2"
export XJMA_DB="$OUT/xjma.db"
echo "== xjma plans --on 2026-12-01"
"$XJMA" plans --on 2026-12-01
