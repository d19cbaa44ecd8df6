#!/usr/bin/env bash
# Measures Caduceus's reliability and writes docs/RELIABILITY.md: fuzzing (libFuzzer, clang, ASan+UBSan),
# fault injection, kill -9 crash safety, relay hardening, secrets, and the relay soak. Every figure in
# that file comes from this script; run it again to refresh them.
#
# (also: what a client without the token can do to the relay, with RSS figures per attack)
#
#   scripts/reliability-report.sh [options]
#     --build-dir DIR      g++ build used for the tests and the programs (default build-reliability,
#                          RelWithDebInfo; configured here when missing)
#     --fuzz-dir DIR       clang build for the fuzzers (default build-fuzz)
#     --fuzz-seconds N     per fuzz target (default 60; 0 skips fuzzing)
#     --kills N            kill -9 runs (default 50; 0 skips)
#     --soak-seconds N     relay soak length (default 600; 0 skips), SOAK_CLIENTS/SOAK_SESSIONS as in bench/soak
#     --out FILE           default docs/RELIABILITY.md
# Needs: cmake, ninja, g++, clang (fuzzing), node (soak), python3 (the tables).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

build_dir=build-reliability
fuzz_dir=build-fuzz
fuzz_seconds=60
kills=50
soak_seconds=600
out=docs/RELIABILITY.md
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir=$2; shift 2 ;;
    --fuzz-dir) fuzz_dir=$2; shift 2 ;;
    --fuzz-seconds) fuzz_seconds=$2; shift 2 ;;
    --kills) kills=$2; shift 2 ;;
    --soak-seconds) soak_seconds=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "reliability-report.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v python3 >/dev/null || { echo "reliability-report.sh: python3 is needed for the tables" >&2; exit 2; }

results="$build_dir/reliability"
mkdir -p "$results"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCADUCEUS_BUILD_APP=OFF \
    -DCADUCEUS_TEST_AREAS="faults;fuzz" "${launcher[@]}" >/dev/null
fi
echo "== building the tests and the programs in $build_dir"
cmake --build "$build_dir" --parallel "$(nproc)" --target caduceus hermes-sim tst_fault_injection \
  tst_crash_safety tst_relay_hardening tst_relay_without_token tst_secrets >/dev/null

run_qt_test() { # name -> $results/name.xml (JUnit), never stops the report
  local name=$1; shift
  echo "== $name"
  (cd "$build_dir" && env QT_QPA_PLATFORM=offscreen CADUCEUS_NO_KEYCHAIN=1 "$@" "./bin/$name" \
    -o "$repo/$results/$name.xml,junitxml" -o -,txt > "$repo/$results/$name.log" 2>&1) || true
  grep -E '^(FAIL|Totals)' "$results/$name.log" | sed 's/^/   /' || true
}

# --- fuzzing
if [ "$fuzz_seconds" -gt 0 ]; then
  echo "== fuzzing, ${fuzz_seconds}s per target (clang build in $fuzz_dir)"
  scripts/fuzz.sh --seconds "$fuzz_seconds" --build-dir "$fuzz_dir" || true
  cp "$fuzz_dir/fuzz-results.tsv" "$results/fuzz.tsv"
fi
# --- fault injection, relay hardening, secrets
run_qt_test tst_fault_injection
run_qt_test tst_relay_hardening
rm -f "$results/attacks.tsv"
run_qt_test tst_relay_without_token CADUCEUS_ATTACK_REPORT="$repo/$results/attacks.tsv"
run_qt_test tst_secrets
# --- kill -9
if [ "$kills" -gt 0 ]; then
  run_qt_test tst_crash_safety CADUCEUS_CRASH_KILLS="$kills" CADUCEUS_CRASH_SEED="$RANDOM" \
    CADUCEUS_CRASH_REPORT="$repo/$results/crash.tsv"
fi
# --- soak
if [ "$soak_seconds" -gt 0 ]; then
  echo "== relay soak for ${soak_seconds}s"
  SOAK_SECONDS="$soak_seconds" SOAK_REPORT="$repo/$results/soak.json" bench/soak/run.sh "$build_dir" \
    | tee "$results/soak.log" || true
fi

python3 - "$results" "$out" "$fuzz_seconds" <<'PYEOF'
import datetime, json, os, platform, re, subprocess, sys
import xml.etree.ElementTree as ET

results, out, fuzz_seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])

def words(name):
    return re.sub(r'(?<!^)(?=[A-Z])', ' ', name).lower()

def junit(name):
    path = os.path.join(results, name + '.xml')
    if not os.path.exists(path):
        return None
    rows = []
    for case in ET.parse(path).getroot().iter('testcase'):
        function = case.get('name')
        if function in ('initTestCase', 'cleanupTestCase'):
            continue
        failure = case.find('failure')
        tag = ''
        if failure is not None and failure.get('tag'):
            tag = failure.get('tag')
        rows.append((function, failure is None, float(case.get('time') or 0), failure.get('message') if failure is not None else ''))
    return rows

marker = '<!-- end of generated tables -->'

def previous_section(text, title):
    # Only the generated part: a figure not measured in this run keeps its last measured value.
    head = text.split(marker, 1)[0]
    m = re.search(r'(## ' + re.escape(title) + r'\n.*?)(?=\n## |\Z)', head, re.S)
    return m.group(1).rstrip() + '\n' if m else None

old = open(out).read() if os.path.exists(out) else ''
now = datetime.datetime.now().strftime('%Y-%m-%d %H:%M')
cpu = subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()
lines = []
w = lines.append
w('# Reliability and security')
w('')
w('Measured by `scripts/reliability-report.sh` (it writes this file; run it again to refresh every figure).')
w(f'Last run: {now}, {platform.system()} {platform.machine()}, {cpu} cores (shared with other work).')
w('How each measurement works, what it found and what was fixed is described after the tables.')
w('')

# Fuzzing
title = 'Figures: fuzzing'
fuzz = os.path.join(results, 'fuzz.tsv')
if os.path.exists(fuzz):
    w(f'## {title}')
    w('')
    seconds = sorted({l.split('\t')[1] for l in open(fuzz).read().splitlines()[1:] if l.strip()})
    w(f'libFuzzer with ASan+UBSan (clang 14), {"/".join(seconds)} s per target, seeds from `tests/fuzz/corpus/`; '
      'findings = crashes, leaks, UB reports and violated properties.')
    w('')
    w('| target | parses | executions | exec/s | coverage (edges) | corpus | findings |')
    w('|---|---|---:|---:|---:|---:|---:|')
    what = {'sse_reader': 'agent event stream (SSE framing, any split)', 'run_event': 'run-event JSON, approval normaliser, status',
            'content_parser': 'stringified / Python-repr content arrays', 'engineio_packet': 'Engine.IO packets and polling payloads',
            'socketio_packet': 'Socket.IO packets, binary placeholders', 'http_request': 'HTTP/1.1 requests (relay, hermes-sim)',
            'state_db': "agent state.db rows, chains, damaged files", 'profile_env': 'profile .env (and no value in warnings)',
            'profile_yaml': 'profile config.yaml (yaml-cpp)', 'multipart': 'web UI uploads (multipart/form-data)',
            'chatrun_session': 'a whole /chat-run client session on the real namespace',
            'event_stream': 'event-stream HTTP answers (status, headers, chunked, redirects)'}
    total = 0
    for line in open(fuzz).read().splitlines()[1:]:
        t, secs, execs, rate, cov, corpus, found = line.split('\t')
        total += int(execs or 0)
        w(f'| `{t}` | {what.get(t, "")} | {int(execs or 0):,} | {rate} | {cov} | {corpus} | {found} |')
    w(f'| **total** | | **{total:,}** | | | | |')
    w('')
else:
    sec = previous_section(old, title)
    if sec:
        lines.extend(sec.splitlines()); w('')

def test_section(title, name, intro):
    rows = junit(name)
    if rows is None:
        sec = previous_section(old, title)
        if sec:
            lines.extend(sec.splitlines()); w('')
        return
    w(f'## {title}')
    w('')
    w(intro)
    w('')
    w('| case | outcome | time (s) |')
    w('|---|---|---:|')
    for function, ok, seconds, message in rows:
        name, _, tag = function.partition('(')
        label = words(name) + (f' ({tag}' if tag else '')
        w(f'| {label} | {"as required" if ok else "**FAILED**: " + message.replace("|", "/")[:200]} | {seconds:.1f} |')
    passed = sum(1 for r in rows if r[1])
    w(f'| **{passed} of {len(rows)} cases** | | |')
    w('')

test_section('Figures: fault injection', 'tst_fault_injection',
             '`tests/unit/faults/tst_fault_injection.cpp`: SessionManager against hermes-sim through `FaultProxy`. '
             '"As required" means: the session ends idle (no spinner), every row is final, every started run has exactly '
             'one end, the streamed text is in the stored answer, no run was started twice at the agent, and the user '
             'sees a specific error where the turn failed.')

crash = os.path.join(results, 'crash.tsv')
title = 'Figures: crash safety (kill -9)'
if os.path.exists(crash):
    rows = [l.split('\t') for l in open(crash).read().splitlines()[1:] if l.strip()]
    w(f'## {title}')
    w('')
    w('`tests/unit/faults/tst_crash_safety.cpp`: `caduceus --relay` is killed with SIGKILL at a random moment of a '
      'streamed run (a second input queued), then restarted on the same database. Loss = streamed text the client had '
      'seen that the database did not hold after the kill, in time since that text arrived and in characters.')
    w('')
    losses = sorted(int(r[6]) for r in rows)
    chars = sorted(int(r[5]) for r in rows)
    phases = {}
    for r in rows:
        phases[r[2]] = phases.get(r[2], 0) + 1
    first = {}
    for r in rows:
        first[r[7]] = first.get(r[7], 0) + 1
    queued = {}
    for r in rows:
        queued[r[8]] = queued.get(r[8], 0) + 1
    median = losses[len(losses) // 2] if losses else 0
    w('| figure | value |')
    w('|---|---|')
    w(f'| kills | {len(rows)} ({", ".join(f"{v} {k}" for k, v in phases.items())}) |')
    w(f'| worst text loss | **{max(losses) if losses else 0} ms**, {max(chars) if chars else 0} characters |')
    w(f'| median text loss | {median} ms |')
    w(f'| interrupted turn after restart | {", ".join(f"{v} {k}" for k, v in first.items())} |')
    w(f'| queued input after restart | {", ".join(f"{v} {k}" for k, v in queued.items())} |')
    w(f'| `PRAGMA integrity_check` | ok after every kill and every restart ({sum(1 for r in rows if r[9] == "ok")} of {len(rows)}) |')
    w('')
else:
    sec = previous_section(old, title)
    if sec:
        lines.extend(sec.splitlines()); w('')

test_section('Figures: relay hardening', 'tst_relay_hardening',
             '`tests/unit/faults/tst_relay_hardening.cpp`: the /chat-run relay in-process on hermes-sim, and the real '
             '`caduceus --relay` for the wiring of origins and attachment folders.')
title = 'Figures: relay without the token'
attacks = os.path.join(results, 'attacks.tsv')
if os.path.exists(attacks) and junit('tst_relay_without_token') is not None:
    test_section(title, 'tst_relay_without_token',
                 '`tests/unit/faults/tst_relay_without_token.cpp` (issue 21): the real `caduceus --relay --web-ui` on '
                 'hermes-sim; each attack of the report runs from raw sockets while a client with the token keeps '
                 'connecting and chatting (a full turn each time). RSS is the relay\'s, sampled every 10 ms and from '
                 '`VmHWM`; the bound is idle + 32 MiB.')
    lines.pop()
    w('')
    w('| attack | relay RSS idle (MiB) | peak (MiB) | growth (MiB) | chats with the token: ok / errors / reconnects | time (s) |')
    w('|---|---:|---:|---:|---|---:|')
    for line in open(attacks).read().splitlines():
        if not line.strip():
            continue
        name, idle, peak, ok, errors, secs, reconnects = (line.split('\t') + ['0'])[:7]
        w(f'| {name} | {idle} | {peak} | {float(peak) - float(idle):.1f} | {ok} / {errors} / {reconnects} | {secs} |')
    w('')
else:
    sec = previous_section(old, title)
    if sec:
        lines.extend(sec.splitlines()); w('')
test_section('Figures: secrets', 'tst_secrets',
             '`tests/unit/faults/tst_secrets.cpp`: a random agent key and relay token, full debug logging, the CLI and the '
             'relay through tools, approvals, failures, malformed packets, every export form and a SIGABRT; then every '
             'byte printed, every REST answer and every file in the data folder is searched for them.')

soak = os.path.join(results, 'soak.json')
title = 'Figures: relay soak'
if os.path.exists(soak):
    s = json.load(open(soak))
    st = s['settings']
    rss = s['rss']
    w(f'## {title}')
    w('')
    w(f'`bench/soak/soak.mjs`: {st["clients"]} socket.io clients on {st["sessions"]} sessions for {st["seconds"]} s on '
      'loopback against hermes-sim, with random aborts, queued inputs cancelled and clients reconnecting; every client '
      'that saw a completed run from start to end must hold exactly the agent\'s output.')
    w('')
    w('| figure | value |')
    w('|---|---|')
    w(f'| turns sent / runs completed / aborted / failed | {s["runsStarted"]} / {s["runsCompleted"]} / {s["runsAborted"]} / {s["runsFailed"]} |')
    w(f'| inputs queued / cancelled from the queue | {s["queued"]} / {s["queueCancels"]} |')
    w(f'| client reconnects | {s["reconnects"]} |')
    if st.get('turnsPerSession'):
        w(f'| chats replaced after {st["turnsPerSession"]} turns: left in the history / deleted | {s.get("sessionsLeft", 0)} / {s["sessionsDeleted"]} |')
    w(f'| deliveries checked delta by delta | {s["checkedDeliveries"]} ({s["deltasChecked"]:,} characters) |')
    w(f'| **lost or duplicated events** | **{s["lostOrDuplicated"]}** (missing ends {s["missingEnds"]}, duplicated ends {s["duplicateEnds"]}) |')
    w(f'| errors | relay.error {s["relayErrors"]}, failed acks {s["failedAcks"]}, connect errors {s["connectErrors"]}, unexpected drops {s["unexpectedDisconnects"]} |')
    w(f'| relay RSS (MiB) start / after warm-up / end / peak | {rss["start"]:.1f} / {rss["afterWarmUp"]:.1f} / {rss["atEnd"]:.1f} / {rss["peak"]:.1f} |')
    w(f'| RSS growth after warm-up | {rss["growthPercent"]:.1f} % |')
    w('')
    w('RSS over time (s → MiB): ' + ', '.join(f'{round(x["at"])}→{x["rss"]:.0f}' for x in s['samples']))
    if s.get('examples'):
        w('')
        w('Examples of what was counted: ' + '; '.join(s['examples'][:5]).replace('|', '/'))
    w('')
else:
    sec = previous_section(old, title)
    if sec:
        lines.extend(sec.splitlines()); w('')

# The hand-written part below the tables is kept as it is.
w(marker)
tail = old.split(marker, 1)[1] if marker in old else '\n'
open(out, 'w').write('\n'.join(lines) + tail)
print(f'wrote {out}')
PYEOF
