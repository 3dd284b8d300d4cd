#!/usr/bin/env bash
# Configures and builds the release preset (ccache makes rebuilds fast). Builds of several
# checkouts on one machine take turns (a lock in /tmp), so two cores are not shared by many.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/sparkplane-build.lock
flock 9
if [[ ! -f build/release/build.ninja ]]; then
  cmake --preset release
fi
cmake --build --preset release -- -j"${SPARKPLANE_BUILD_JOBS:-2}" "$@"
