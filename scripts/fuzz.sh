#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz) for a bounded time with ASan+UBSan and writes a table of
# executions and findings. Builds the clang fuzz tree first when needed.
#
#   scripts/fuzz.sh [--seconds N] [--build-dir DIR] [--jobs J] [target...]
#
#   --seconds N     time per target (default 20; use 600+ for a real hunt)
#   --build-dir DIR the clang build tree (default build-fuzz)
#   target          e.g. sse_reader socketio_packet (default: all)
#
# Results: DIR/fuzz-results.tsv (target, seconds, executions, exec/s, coverage, corpus, findings) and, for
# each finding, the input that triggered it in DIR/fuzz-findings/<target>/. A finding must be fixed and its
# input copied to tests/fuzz/regressions/<target>/ so the normal test suite replays it for ever.
# Exit status: 0 when no target found anything, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

seconds=20
build_dir=build-fuzz
jobs=2
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(sed -n 's/^  \([a-z_]*\):caduceus_.*/\1/p' tests/fuzz/CMakeLists.txt)
fi
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is needed (apt install clang)" >&2; exit 2; }

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCADUCEUS_FUZZ=ON -DCADUCEUS_BUILD_APP=OFF -DCADUCEUS_TEST_AREAS=fuzz "${launcher[@]}" >/dev/null
fi
cmake --build "$build_dir" --parallel "$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}")

results="$build_dir/fuzz-results.tsv"
printf 'target\tseconds\texecutions\texec_per_s\tcoverage\tcorpus\tfindings\n' > "$results"
status=0
for t in "${targets[@]}"; do
  work="$build_dir/fuzz-work/$t"
  findings="$build_dir/fuzz-findings/$t"
  mkdir -p "$work" "$findings"
  seeds=("tests/fuzz/corpus/$t")
  [ -d "tests/fuzz/regressions/$t" ] && seeds+=("tests/fuzz/regressions/$t")
  log="$build_dir/fuzz-work/$t.log"
  echo "== fuzz_$t for ${seconds}s"
  set +e
  # The first folder collects new inputs; the seed folders are only read. -timeout: one input taking
  # longer than 10 s is a hang and counts as a finding.
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build_dir/bin/fuzz_$t" "$work" "${seeds[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/" > "$log" 2>&1
  code=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  corpus=$(find "$work" -type f | wc -l)
  found=$(find "$findings" -type f | wc -l)
  if [ "$code" -ne 0 ] || [ "$found" -gt 0 ]; then
    status=1
    echo "   FOUND something (exit $code): see $log and $findings/"
    grep -m3 -E 'ERROR: |SUMMARY: |fuzz property violated|runtime error' "$log" | sed 's/^/   /' || true
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$seconds" "${execs:-0}" "${rate:-0}" "${cov:-0}" "$corpus" "$found" \
    >> "$results"
done
column -t -s $'\t' "$results"
exit $status
