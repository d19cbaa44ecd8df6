#!/usr/bin/env bash
# Desktop window benchmark (issue 5). Uses the build's binaries; runs under Xvfb; prints a table.
#   cold start to first frame · idle RSS · open a 10 000-message session (first paint, RSS) ·
#   stream a 16 000-character answer with code blocks at 200 deltas/s (worst and p99 GUI-thread stall),
#   each with the renderer the window chooses and with OpenGL forced. Figures: bench/gui/README.md
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
# $renderer: "auto" (the window's own choice) or "opengl" (forced through QSG_RHI_BACKEND).
measure() {
    local name=$1-$renderer data=$2 prompt=$3
    if [ "$renderer" = opengl ]; then export QSG_RHI_BACKEND=opengl; else unset QSG_RHI_BACKEND; fi
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

renderer=auto
mkdir -p "$work/short"
measure warmup "$work/short" ""  # first start creates the database (not measured)
# a 10 000-message session, opened at start (it is the last session)
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
for renderer in auto opengl; do
    # 1. cold start with one short session
    measure short "$work/short" ""
    # 2. the 10 000-message session
    measure long "$work/long" ""
    # 3. streaming: 16 000 characters with code blocks at 200 deltas/s (5 ms apart) into a new session
    mkdir -p "$work/stream-$renderer"
    measure stream-warmup "$work/stream-$renderer" ""
    measure stream "$work/stream-$renderer" "sim:long sim:chars=16000 sim:delay=5"
done
mb() { echo "$1 / 1024" | bc -l; }
row() { # row <label> <format> <value auto> <value opengl> <target>
    printf "%-52s $2 $2 %10s\n" "$1" "$3" "$4" "$5"
}
values() { # values <file stem> <event> <key>: one value per renderer
    for r in auto opengl; do field "$work/$1-$r.jsonl" "$2" "$3"; done
}
printf '\n%-52s %12s %12s %10s\n' "measure" "automatic" "OpenGL" "target"
printf '%-52s %12s %12s %10s\n' "----------------------------------------------------" "------------" "------------" "----------"
read -r a g < <(values short first_frame ms | xargs)
row "cold start to first frame (one short session)" "%9.0f ms" "$a" "$g" "< 500 ms"
read -r a g < <(values short idle rss_kb | xargs)
row "RSS idle, one short session" "%9.1f MB" "$(mb $a)" "$(mb $g)" "< 80 MB"
read -r la lg < <(values long first_frame ms | xargs)
row "open a 10 000-message session: start to first paint" "%9.0f ms" "$la" "$lg" ""
read -r a g < <(values short first_frame ms | xargs)
row "  the session's own cost (minus the cold start)" "%9.0f ms" "$(echo "$la - $a" | bc -l)" "$(echo "$lg - $g" | bc -l)" "< 200 ms"
read -r a g < <(values long idle rss_kb | xargs)
row "RSS with the 10 000-message session open" "%9.1f MB" "$(mb $a)" "$(mb $g)" "< 120 MB"
read -r a g < <(values stream streaming gui_stall_worst_ms | xargs)
row "streaming 16k chars @200 deltas/s: worst GUI stall" "%9.2f ms" "$a" "$g" "< 8 ms"
read -r a g < <(values stream streaming gui_stall_p99_ms | xargs)
row "streaming: p99 GUI stall" "%9.2f ms" "$a" "$g" ""
read -r a g < <(values stream streaming frame_interval_p99_ms | xargs)
row "streaming: p99 frame interval" "%9.2f ms" "$a" "$g" ""
read -r a g < <(values stream streaming frames | xargs)
row "streaming: frames drawn" "%12.0f" "$a" "$g" ""
echo
echo "automatic: the renderer the window picks itself (Qt Quick's software renderer when OpenGL would be a"
echo "software rasteriser such as llvmpipe, as under Xvfb); OpenGL: forced with QSG_RHI_BACKEND=opengl."
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
