#!/usr/bin/env bash
# Configures and builds the release preset (ccache makes rebuilds fast).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build/release/build.ninja ]]; then
  cmake --preset release
fi
cmake --build --preset release -- -j"${SPARKPLANE_BUILD_JOBS:-2}" "$@"
