#!/usr/bin/env bash
# Desktop window benchmark (issue 5). Uses the build's binaries; runs under Xvfb; prints a table.
#   cold start to first frame · idle RSS · open a 10 000-message session (first paint, RSS) ·
#   stream a 16 000-character answer with code blocks at 200 deltas/s (worst and p99 GUI-thread stall)
# usage: bench/gui/run.sh [build dir]   (default ./build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
caduceus="$build/bin/caduceus"
[ -x "$caduceus" ] || { echo "no $caduceus: build first (./scripts/build.sh)"; exit 1; }
for tool in xvfb-run xdotool sqlite3; do command -v $tool >/dev/null || { echo "needs $tool"; exit 1; }; done
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export CADUCEUS_NO_KEYCHAIN=1 HERMES_HOME="$work/no-hermes" QT_QPA_PLATFORM=xcb

# One measured start of the window: $1 = name, $2 = data dir, $3 = what to type ("" = nothing).
measure() {
    local name=$1 data=$2 prompt=$3
    export CADUCEUS_DATA_DIR="$data" CADUCEUS_PERF_LOG="$work/$name.jsonl" XDG_CONFIG_HOME="$data/config"
    rm -f "$CADUCEUS_PERF_LOG"
    SMOKE_PROMPT="$prompt" xvfb-run -a -s "-screen 0 1400x900x24" bash -c '
        "'"$caduceus"'" >"'"$work"'/'"$name"'.log" 2>&1 &
        app=$!
        for _ in $(seq 1 200); do grep -q idle "$CADUCEUS_PERF_LOG" 2>/dev/null && break; sleep 0.1; done
        if [ -n "$SMOKE_PROMPT" ]; then
            xdotool type --delay 5 "$SMOKE_PROMPT"; xdotool key Return
            for _ in $(seq 1 600); do grep -q streaming "$CADUCEUS_PERF_LOG" 2>/dev/null && break; sleep 0.1; done
        fi
        kill $app; wait $app 2>/dev/null || true'
}
field() { # field <file> <event> <key>
    python3 -c "import json,sys
for l in open('$1'):
    r=json.loads(l)
    if r.get('event')=='$2': print(r.get('$3')); break"
}

# 1. cold start with one short session
mkdir -p "$work/short"
measure warmup "$work/short" ""  # first start creates the database (not measured)
measure short "$work/short" ""
# 2. a 10 000-message session, opened at start (it is the last session)
mkdir -p "$work/long/config/Caduceus"
for f in "$work"/short/caduceus.db*; do cp "$f" "$work/long/"; done
python3 - "$work/long/caduceus.db" <<'PY'
import sqlite3, sys, random
db = sqlite3.connect(sys.argv[1])
db.execute("insert into sessions(id,title,created_at,last_active,message_count) values('long10k','Ten thousand messages',1,2e9,10000)")
para = ("Here is a paragraph of a long technical conversation about **builds**, `tests` and deployments; "
        "it has some inline code and a [link](https://example.org). ")
code = "```python\nfor i in range(10):\n    print(i * i)\n```\n"
rows = []
for i in range(10000):
    role = 'user' if i % 2 == 0 else 'assistant'
    content = (f"Question {i}: how do I do step {i}?" if role == 'user'
               else para * 3 + "\n\n" + code + "\n- one\n- two\n- three\n")
    rows.append(('long10k', role, content, 1.7e9 + i))
db.executemany("insert into messages(session_id,role,content,timestamp) values(?,?,?,?)", rows)
db.commit()
PY
printf '[window]\nlastSession=long10k\n' > "$work/long/config/Caduceus/Caduceus.conf"
measure long "$work/long" ""
# 3. streaming: 16 000 characters with code blocks at 200 deltas/s (5 ms apart) into a new session
mkdir -p "$work/stream"
measure stream-warmup "$work/stream" ""
measure stream "$work/stream" "sim:long sim:chars=16000 sim:delay=5"

printf '\n%-52s %12s %10s\n' "measure" "value" "target"
printf '%-52s %12s %10s\n' "----------------------------------------------------" "------------" "----------"
printf '%-52s %9.0f ms %10s\n' "cold start to first frame (one short session)" "$(field $work/short.jsonl first_frame ms)" "< 500 ms"
printf '%-52s %9.1f MB %10s\n' "RSS idle, one short session" "$(echo "$(field $work/short.jsonl idle rss_kb) / 1024" | bc -l)" "< 80 MB"
printf '%-52s %9.0f ms %10s\n' "open a 10 000-message session: start to first paint" "$(field $work/long.jsonl first_frame ms)" "< 200 ms*"
printf '%-52s %9.1f MB %10s\n' "RSS with the 10 000-message session open" "$(echo "$(field $work/long.jsonl idle rss_kb) / 1024" | bc -l)" "< 120 MB"
printf '%-52s %9.2f ms %10s\n' "streaming 16k chars @200 deltas/s: worst GUI stall" "$(field $work/stream.jsonl streaming gui_stall_worst_ms)" "< 8 ms"
printf '%-52s %9.2f ms %10s\n' "streaming: p99 GUI stall" "$(field $work/stream.jsonl streaming gui_stall_p99_ms)" ""
printf '%-52s %9.2f ms %10s\n' "streaming: p99 frame interval" "$(field $work/stream.jsonl streaming frame_interval_p99_ms)" ""
echo
echo "* the 10 000-message figure is the whole program start with that session open; subtract the cold start"
echo "  above for the cost of the session itself. Software rendering (Xvfb, llvmpipe) on this machine."
