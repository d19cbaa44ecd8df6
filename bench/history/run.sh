#!/usr/bin/env bash
# Builds and runs bench_history in an optimised build folder and prints its table.
#
#   bench/history/run.sh [BUILD_DIR] [-- bench options]     default BUILD_DIR: ./build-bench (RelWithDebInfo)
#   bench/history/run.sh build-bench -- --messages 15000 --total 100000 --repeat 20
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${1:-$repo/build-bench}"
shift $(( $# > 0 ? 1 : 0 ))
[ "${1:-}" = "--" ] && shift
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCADUCEUS_BUILD_APP=OFF \
    -DCADUCEUS_TEST_AREAS=context >/dev/null
fi
cmake --build "$build" --target bench_history -j"$(nproc)" >/dev/null
"$build/bin/bench_history" "$@"
