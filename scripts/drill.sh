#!/usr/bin/env bash
# Durability drill: `kill -9` of `gongkai serve` while 64 clients file requests; every
# acknowledged request must be there after the restart, PRAGMA integrity_check ok, the audit
# chain verified. By hand: scripts/drill.sh --rounds 20; in CI: scripts/drill.sh --rounds 2 --quick.
# Options: --bin PATH (default target/release/gongkai, else target/debug/gongkai, built when
# missing), --concurrency N (64), --seed N, --keep. See scripts/drill.py.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/drill.py "$@"
