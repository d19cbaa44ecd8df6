#!/usr/bin/env bash
# A bounded soak of caduceus --relay on loopback (see soak.mjs for the load and the figures); it stops by
# itself after SOAK_SECONDS (default 600) and prints one table. Builds nothing: it uses the binaries of an
# existing build, preferably an optimised one (./scripts/build.sh makes RelWithDebInfo in ./build).
#
#   bench/soak/run.sh [BUILD_DIR]                 default BUILD_DIR: ./build
#   SOAK_SECONDS=60 SOAK_CLIENTS=40 SOAK_SESSIONS=10 bench/soak/run.sh
# Knobs (environment): SOAK_SECONDS, SOAK_CLIENTS (200), SOAK_SESSIONS (50), SOAK_SAMPLE_S (10),
# SOAK_ABORT (0.15), SOAK_QUEUE (0.3), SOAK_RECONNECTS (2 per client per minute), SOAK_SEED, SOAK_REPORT (JSON).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${1:-$repo/build}"
export CADUCEUS="${CADUCEUS:-$build/bin/caduceus}"
export HERMES_SIM="${HERMES_SIM:-$build/bin/hermes-sim}"
for binary in "$CADUCEUS" "$HERMES_SIM"; do
  if [ ! -x "$binary" ]; then
    echo "run.sh: $binary is missing; build first (./scripts/build.sh) or pass the build folder" >&2
    exit 2
  fi
done
command -v node >/dev/null || { echo "run.sh: node is needed" >&2; exit 2; }
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
exec node "$here/soak.mjs"
