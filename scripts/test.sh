#!/usr/bin/env bash
# Sets up everything the tests need, builds, and runs every test (unit and integration) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# A throwaway PostgreSQL for the store suite's postgres half (unless one is given).
if [[ -z "${PG_TEST_DSN:-}" ]]; then
  PG_TEST_DSN=$(scripts/pg-test-server.sh start)
  export PG_TEST_DSN
  trap 'scripts/pg-test-server.sh stop' EXIT
fi
scripts/build.sh
ctest --preset release --output-on-failure -j"${SPARKPLANE_TEST_JOBS:-2}" "$@"
