#!/usr/bin/env bash
# Sets up everything the tests need, builds, and runs every test (unit and integration) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/build.sh
ctest --preset release --output-on-failure -j"${SPARKPLANE_TEST_JOBS:-2}" "$@"
