#!/usr/bin/env bash
# GUI smoke test: start the window under Xvfb on the Demo agent, type a message, wait until the
# answer is stored, and save a screenshot of what the user sees.
# usage: smoke.sh <caduceus binary> <artifact dir>
set -euo pipefail
caduceus=$1
artifacts=$2
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Own config folder too: the settings (window geometry, last session, renderer) of whoever runs the tests
# must neither change the test nor be changed by it.
export CADUCEUS_NO_KEYCHAIN=1 CADUCEUS_DATA_DIR="$work/data" HERMES_HOME="$work/no-hermes" QT_QPA_PLATFORM=xcb
export XDG_CONFIG_HOME="$work/config"

inner() {
    "$caduceus" >"$work/app.log" 2>&1 &
    local app=$!
    local wid=""
    for _ in $(seq 1 100); do
        kill -0 $app 2>/dev/null || { echo "caduceus exited"; cat "$work/app.log"; return 1; }
        wid=$(xdotool search --name 'Caduceus' 2>/dev/null | head -n1 || true)
        [ -n "$wid" ] && break
        sleep 0.2
    done
    if [ -z "$wid" ]; then
        echo "the window did not appear"; cat "$work/app.log"; kill $app 2>/dev/null; return 1
    fi
    sleep 1.5 # the Demo agent starts and the first frame is drawn
    xdotool type --delay 15 "Show me a Python example"
    xdotool key Return
    local answered=""
    for _ in $(seq 1 150); do
        kill -0 $app 2>/dev/null || { echo "caduceus exited"; cat "$work/app.log"; return 1; }
        answered=$(sqlite3 "$work/data/caduceus.db" \
            "select count(*) from messages where role='assistant' and status='complete' and length(content) > 20" 2>/dev/null || true)
        [ "${answered:-0}" -ge 1 ] && break
        sleep 0.2
    done
    sleep 0.5
    import -window root "$artifacts/gui-smoke.png"
    kill $app 2>/dev/null || true
    wait $app 2>/dev/null || true
    if [ "${answered:-0}" -lt 1 ]; then
        echo "no answer was stored"; cat "$work/app.log"; return 1
    fi
    local users
    users=$(sqlite3 "$work/data/caduceus.db" "select content from messages where role='user'")
    [ "$users" = "Show me a Python example" ] || { echo "unexpected user message: $users"; return 1; }
    local size
    size=$(stat -c %s "$artifacts/gui-smoke.png")
    [ "$size" -gt 20000 ] || { echo "the screenshot looks empty ($size bytes)"; return 1; }
    echo "answer stored; screenshot: $artifacts/gui-smoke.png"
}
if [ "${SMOKE_INSIDE_XVFB:-}" = 1 ]; then
    inner
else
    # xvfb-run goes through sh, which drops exported bash functions: run this script again inside it.
    SMOKE_INSIDE_XVFB=1 xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" "$caduceus" "$artifacts"
fi
