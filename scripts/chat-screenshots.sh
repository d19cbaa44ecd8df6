#!/usr/bin/env bash
# Screenshots of the chat pane against the Demo agent, for docs/screenshots/: a turn with tool cards
# (sim:tools), the approval card (sim:approval), a denied and an allowed command after the answer.
#
#   scripts/chat-screenshots.sh <caduceus binary> <out dir> [prefix]
#
# Writes <prefix>chat-<scene>-<width>-<theme>[-zh].png for 800x600 and 1440x900, light and dark, English and
# 简体中文. Needs xvfb-run, xdotool and ImageMagick's import (as the GUI smoke test does).
set -euo pipefail
caduceus=$1
out=$2
prefix=${3:-}
mkdir -p "$out"

shoot() { # <width> <height> <theme> <language>
    local width=$1 height=$2 theme=$3 language=$4
    local work
    work=$(mktemp -d)
    mkdir -p "$work/config/Caduceus"
    # The language and theme as Settings saves them; the sidebar at its default width.
    {
        echo "[ui]"
        echo "theme=$theme"
        [ "$language" = en ] || echo "language=$language"
        echo "[window]"
        echo "x=0"
        echo "y=0"
        echo "width=$width"
        echo "height=$height"
    } >"$work/config/Caduceus/Caduceus.conf"
    local suffix="-$width-$theme"
    [ "$language" = en ] || suffix="$suffix-zh"
    CADUCEUS_NO_KEYCHAIN=1 CADUCEUS_DATA_DIR="$work/data" HERMES_HOME="$work/no-hermes" QT_QPA_PLATFORM=xcb \
        XDG_CONFIG_HOME="$work/config" LANG=C.UTF-8 \
        SHOT_W=$width SHOT_H=$height SHOT_OUT="$out" SHOT_NAME="$prefix" SHOT_SUFFIX="$suffix" SHOT_WORK="$work" \
        SHOTS_INSIDE_XVFB=1 xvfb-run -a -s "-screen 0 ${width}x${height}x24" bash "$0" "$caduceus" "$out" "$prefix"
    rm -rf "$work"
}

wait_for_sql() { # <query> <minimum>
    for _ in $(seq 1 150); do
        local n
        n=$(sqlite3 "$SHOT_WORK/data/caduceus.db" "$1" 2>/dev/null || true)
        [ "${n:-0}" -ge "$2" ] && return 0
        sleep 0.2
    done
    echo "timed out waiting for: $1" >&2
    return 1
}

inner() {
    "$caduceus" --demo >"$SHOT_WORK/app.log" 2>&1 &
    local app=$!
    local wid=""
    for _ in $(seq 1 100); do
        wid=$(xdotool search --onlyvisible --name 'Caduceus' 2>/dev/null | head -n1 || true)
        [ -n "$wid" ] && break
        sleep 0.2
    done
    [ -n "$wid" ] || { echo "no window"; cat "$SHOT_WORK/app.log"; kill $app; return 1; }
    sleep 2
    # No window manager under Xvfb: give the window the keyboard focus, or Qt never makes it active and
    # its shortcuts (Ctrl+N) stay off.
    xdotool windowmove "$wid" 0 0 windowsize "$wid" "$SHOT_W" "$SHOT_H"
    xdotool windowfocus --sync "$wid" || echo "could not focus the window" >&2
    sleep 0.5
    xdotool type --delay 10 "Look at the project sim:tools"
    xdotool key Return
    wait_for_sql "select count(*) from runs where status='completed'" 1
    sleep 1.5
    import -window root "$SHOT_OUT/${SHOT_NAME}chat-tools$SHOT_SUFFIX.png"

    xdotool key ctrl+n
    sleep 0.5
    xdotool type --delay 10 "Clean the build folder sim:approval"
    xdotool key Return
    sleep 3
    import -window root "$SHOT_OUT/${SHOT_NAME}chat-approval-card$SHOT_SUFFIX.png"
    xdotool key alt+d
    wait_for_sql "select count(*) from runs where status='completed'" 2
    sleep 1.5
    import -window root "$SHOT_OUT/${SHOT_NAME}chat-approval-denied$SHOT_SUFFIX.png"

    xdotool key ctrl+n
    sleep 0.5
    xdotool type --delay 10 "Clean it again sim:approval"
    xdotool key Return
    sleep 3
    xdotool key alt+o
    wait_for_sql "select count(*) from runs where status='completed'" 3
    sleep 1.5
    import -window root "$SHOT_OUT/${SHOT_NAME}chat-approval-allowed$SHOT_SUFFIX.png"
    kill $app 2>/dev/null || true
    wait $app 2>/dev/null || true
}

if [ "${SHOTS_INSIDE_XVFB:-}" = 1 ]; then
    inner
    exit
fi
# SHOTS="800x600:light:en 1440x900:dark:zh_CN" takes only those.
for size in 800x600 1440x900; do
    for theme in light dark; do
        for language in en zh_CN; do
            if [ -n "${SHOTS:-}" ] && [[ " $SHOTS " != *" $size:$theme:$language "* ]]; then
                continue
            fi
            shoot "${size%x*}" "${size#*x}" "$theme" "$language"
        done
    done
done
