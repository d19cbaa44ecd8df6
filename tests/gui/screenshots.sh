#!/usr/bin/env bash
# Screenshots of the window for docs/screenshots/ (not a test): under Xvfb at one size, theme and language,
# on the Demo agent, after one exchange whose first message is Markdown (the chat's title shows it plain).
# Saves <name>-chat.png (the window), <name>-settings.png (Settings, opened with Ctrl+,) and
# <name>-collapsed.png (the chat list collapsed with Ctrl+B), <name>-meter.png (the context meter's tooltip).
# usage: screenshots.sh <caduceus binary> <out dir> <width> <height> <light|dark> <en|zh_CN> <name>
set -euo pipefail
caduceus=$1 out=$2 width=$3 height=$4 theme=$5 language=$6 name=$7
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ "${SHOTS_INSIDE_XVFB:-}" != 1 ]; then
    SHOTS_INSIDE_XVFB=1 exec xvfb-run -a -s "-screen 0 ${width}x${height}x24" bash "$0" "$@"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CADUCEUS_NO_KEYCHAIN=1 CADUCEUS_DATA_DIR="$work/data" HERMES_HOME="$work/no-hermes" QT_QPA_PLATFORM=xcb
export XDG_CONFIG_HOME="$work/config"
mkdir -p "$work/config/Caduceus"
cat >"$work/config/Caduceus/Caduceus.conf" <<CONF
[ui]
theme=$theme
language=$language

[window]
x=0
y=0
width=$width
height=$height
CONF
"$caduceus" >"$work/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true; rm -rf "$work"' EXIT
wid=""
for _ in $(seq 1 100); do
    # --onlyvisible: Qt's clipboard owner is a hidden window named "… Caduceus" too.
    wid=$(xdotool search --onlyvisible --name 'Caduceus' 2>/dev/null | head -n1 || true)
    [ -n "$wid" ] && break
    sleep 0.2
done
[ -n "$wid" ] || { echo "the window did not appear"; cat "$work/app.log"; exit 1; }
sleep 2
# No window manager: give the window the keyboard, or Qt has no focus window and shortcuts do nothing.
xdotool windowfocus --sync "$wid"
sleep 0.5
xdotool type --delay 10 "## Compare | **fast** | _safe_ | \`git rebase\`"
xdotool key Return
for _ in $(seq 1 100); do
    done_=$(sqlite3 "$work/data/caduceus.db" \
        "select count(*) from messages where role='assistant' and status='complete'" 2>/dev/null || echo 0)
    [ "${done_:-0}" -ge 1 ] && break
    sleep 0.2
done
sleep 1
import -window root "$out/$name-chat.png"
# The context meter's tooltip, at the header's right edge.
xdotool mousemove "$((width - 60))" 72
sleep 1.5
import -window root "$out/$name-meter.png"
xdotool mousemove "$((width / 2))" "$((height / 2))"
xdotool key ctrl+comma
sleep 1
import -window root "$out/$name-settings.png"
xdotool key Escape
sleep 0.5
xdotool key ctrl+b
sleep 1
import -window root "$out/$name-collapsed.png"
xdotool key ctrl+b
echo "saved $out/$name-{chat,settings,collapsed}.png"
