#!/usr/bin/env bash
# Sets up, builds and starts sparkplane on its embedded default (SQLite, local Spark).
# Extra arguments go to `sparkplane serve`, e.g. --listen 0.0.0.0:8080 --data-dir /srv/sparkplane.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh sparkplane
exec build/release/sparkplane serve "$@"
