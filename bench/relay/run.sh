#!/usr/bin/env bash
# Benchmarks Caduceus's /chat-run relay against a minimal Node relay on the socket.io server (see
# bench.mjs for the load and the figures) and prints one table. Builds nothing: it uses the binaries of
# an existing build, preferably an optimised one (./scripts/build.sh makes RelWithDebInfo in ./build).
#
#   bench/relay/run.sh [BUILD_DIR]          default BUILD_DIR: ./build
#   CADUCEUS=… HERMES_SIM=… bench/relay/run.sh
# Load knobs (environment): BENCH_SESSIONS (50), BENCH_CLIENTS (2), BENCH_DELTAS (2000), BENCH_CHARS (12),
# BENCH_PACED_DELTAS (300), BENCH_PACED_DELAY_MS (20), BENCH_ONLY (caduceus|node).
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
if command -v cmake >/dev/null && grep -q '^CMAKE_BUILD_TYPE:STRING=Debug$' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "run.sh: note: $build is a Debug build; its figures understate Caduceus" >&2
fi
command -v node >/dev/null || { echo "run.sh: node is needed" >&2; exit 2; }

# The pinned packages (package-lock.json), installed again only when the lockfile changed.
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
exec node "$here/bench.mjs"
