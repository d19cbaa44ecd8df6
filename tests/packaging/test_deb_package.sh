#!/usr/bin/env bash
# Builds the .deb from this build tree with CPack, unpacks it into a clean staging folder (dpkg -x, no
# root, no container) and checks what a user gets: package metadata and dependencies, the files and where
# they land, icons of the right sizes, the relay's systemd unit, then runs the installed programs:
# `caduceus --version`, `caduceus --relay --help`, and one `caduceus chat` turn with the Demo agent, which
# must find hermes-sim in the installed layout.
#
#   test_deb_package.sh <build dir> <work dir> <version> <app id> <with window: ON|OFF> <cpack>
set -uo pipefail
build=$1 work=$2 version=$3 app_id=$4 gui=$5 cpack=$6

for tool in dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not found (apt install dpkg-dev)"; exit 77; }
done
status=0
fail() { echo "FAIL: $*"; status=1; }

rm -rf "$work" && mkdir -p "$work"
start=$(date +%s)
if ! "$cpack" --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" > "$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"; echo "FAIL: cpack could not build the .deb"; exit 1
fi
shopt -s nullglob
debs=("$work"/out/*.deb)
[ ${#debs[@]} -eq 1 ] || { cat "$work/cpack.log"; echo "FAIL: expected one .deb, found ${#debs[@]}"; exit 1; }
deb=${debs[0]}
arch=$(dpkg --print-architecture)
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in $(( $(date +%s) - start )) s"
[ "$(basename "$deb")" = "caduceus_${version}_${arch}.deb" ] || fail "file name $(basename "$deb"), expected caduceus_${version}_${arch}.deb"

# ---- Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = caduceus ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', the project version is $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)'"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
depends=$(field Depends)
echo "Depends: $depends"
required=(libqt6core6 libqt6network6 libqt6sql6 libqt6websockets6 libqt6keychain1 libqt6sql6-sqlite libyaml-cpp)
if [ "$gui" = ON ]; then
  # libqt6svg6 holds the SVG plugin up to Debian 12; qt6-svg-plugins after.
  required+=(libqt6gui6 libqt6qml6 libqt6quick6 libqt6quickcontrols2-6 libmd4c0 '(libqt6svg6|qt6-svg-plugins)'
             qt6-qpa-plugins qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
             qml6-module-qtquick-dialogs qml6-module-qt-labs-folderlistmodel qml6-module-qt-labs-settings)
  recommends=$(field Recommends)
  echo "Recommends: $recommends"
  printf '%s\n' "$recommends" | tr ',|' '\n\n' | sed 's/^ *//' | grep -qE '^fonts-noto-cjk( |$)' ||
    fail "Recommends lacks fonts-noto-cjk (Chinese shows as boxes without it)"
fi
for package in "${required[@]}"; do
  # A whole name in the comma-separated list (or one of its alternatives), optionally with a version constraint.
  printf '%s\n' "$depends" | tr ',|' '\n\n' | sed 's/^ *//' | grep -qE "^${package}[^ ,]*( \(|$)" ||
    fail "Depends lacks $package"
done

# ---- Files.
stage=$work/root
dpkg -x "$deb" "$stage" || { echo "FAIL: dpkg -x failed"; exit 1; }
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$work/contents.txt"
# Everything under these folders (and the folders leading to them); nothing else.
allowed_roots=(/usr/bin /usr/libexec/caduceus /usr/share/applications /usr/share/metainfo /usr/share/icons/hicolor
               /usr/share/doc/caduceus /usr/lib/systemd/user)
outside=""
while read -r path; do
  path=${path%/}
  ok=0
  for root in "${allowed_roots[@]}"; do
    case "$root/" in "$path"/*) ok=1 ;; esac   # an ancestor folder of an allowed root
    case "$path/" in "$root"/*) ok=1 ;; esac   # inside an allowed root
  done
  [ $ok -eq 1 ] || outside+="$path"$'\n'
done < "$work/contents.txt"
[ -z "$outside" ] && echo "files: $(grep -vc '/$' "$work/contents.txt") in /usr" || fail "unexpected paths in the package:"$'\n'"$outside"
grep -qiE 'tst_|/tests?/|\.a$|\.h$' "$work/contents.txt" && fail "test programs or build files were packaged"

check_executable() { [ -x "$stage/$1" ] || fail "$1 is missing or not executable"; }
check_file() { [ -s "$stage/$1" ] || fail "$1 is missing"; }
check_executable usr/bin/caduceus
check_executable usr/libexec/caduceus/hermes-sim
check_executable usr/libexec/caduceus/caduceus-headless
check_file usr/share/doc/caduceus/README.md
unit=usr/lib/systemd/user/caduceus-relay.service
check_file "$unit"
if [ -f "$stage/$unit" ]; then
  grep -qx 'ExecStart=/usr/bin/caduceus --relay $CADUCEUS_RELAY_ARGS' "$stage/$unit" ||
    fail "$unit does not start /usr/bin/caduceus --relay: $(grep ExecStart "$stage/$unit")"
  grep -qx 'WantedBy=default.target' "$stage/$unit" || fail "$unit is not started at login (WantedBy)"
  if command -v systemd-analyze >/dev/null; then
    # The same unit with ExecStart pointing into the staging folder, so that verify finds the program.
    mkdir -p "$work/unit" "$work/runtime" && chmod 700 "$work/runtime"
    sed "s|/usr/bin/caduceus|$stage/usr/bin/caduceus|" "$stage/$unit" > "$work/unit/caduceus-relay.service"
    if ! out=$(XDG_RUNTIME_DIR=$work/runtime systemd-analyze --user verify "$work/unit/caduceus-relay.service" 2>&1) ||
       [ -n "$out" ]; then
      fail "systemd-analyze verify: $out"
    else
      echo "systemd-analyze verify: caduceus-relay.service is valid"
    fi
  fi
fi
if file "$stage/usr/bin/caduceus" 2>/dev/null | grep -q 'not stripped'; then
  fail "usr/bin/caduceus is not stripped"
fi

if [ "$gui" = ON ]; then
  desktop=usr/share/applications/$app_id.desktop
  metainfo=usr/share/metainfo/$app_id.metainfo.xml
  check_file "$desktop"
  check_file "$metainfo"
  grep -qx "Icon=$app_id" "$stage/$desktop" || fail "$desktop names another icon"
  grep -qx 'Exec=caduceus' "$stage/$desktop" || fail "$desktop does not start caduceus"
  grep -q "<release version=\"$version\"" "$stage/$metainfo" || fail "$metainfo has no release $version"
  check_file "usr/share/icons/hicolor/scalable/apps/$app_id.svg"
  for size in 16 22 24 32 48 64 128 256 512; do
    png=usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png
    if [ -s "$stage/$png" ]; then
      # PNG: width and height are big-endian 32-bit numbers at offset 16.
      read -r w h < <(od -An -tu1 -j16 -N8 "$stage/$png" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
      [ "$w" = "$size" ] && [ "$h" = "$size" ] || fail "$png is ${w}x${h}"
    else
      fail "$png is missing"
    fi
  done
  if command -v desktop-file-validate >/dev/null; then
    out=$(desktop-file-validate "$stage/$desktop" 2>&1)
    [ -z "$out" ] || fail "desktop-file-validate: $out"
  fi
  if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$stage/$metainfo" > "$work/appstream.log" 2>&1 || {
      cat "$work/appstream.log"; fail "appstreamcli rejected the installed metainfo"; }
  fi
fi

# ---- The installed programs. The keychain stays out of it; the data go to the work folder.
export CADUCEUS_NO_KEYCHAIN=1 QT_QPA_PLATFORM=offscreen
unset CADUCEUS_SIM_PATH CADUCEUS_AGENT_URL CADUCEUS_AGENT_KEY
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share
mkdir -p "$HOME"
out=$(timeout 20 "$stage/usr/bin/caduceus" --version 2>&1); code=$?
echo "caduceus --version: $out"
[ $code -eq 0 ] || fail "caduceus --version exited with $code"
[ "$out" = "Caduceus $version" ] || fail "caduceus --version printed '$out', expected 'Caduceus $version'"

out=$(timeout 20 "$stage/usr/bin/caduceus" --relay --help 2>&1); code=$?
[ $code -eq 0 ] || fail "caduceus --relay --help exited with $code"
for option in --relay --port --bind; do
  printf '%s' "$out" | grep -q -- "$option" || fail "caduceus --relay --help does not mention $option"
done

# The Demo agent is found only if hermes-sim sits where the package put it (../libexec/caduceus).
out=$(timeout 60 "$stage/usr/bin/caduceus" chat "hello from the package test" --demo --data-dir "$work/data" 2>&1); code=$?
if [ $code -ne 0 ]; then
  printf '%s\n' "$out" | tail -20
  fail "caduceus chat with the Demo agent exited with $code"
elif ! printf '%s' "$out" | grep -q '^agent: '; then
  printf '%s\n' "$out" | tail -20
  fail "caduceus chat did not report its agent"
else
  echo "caduceus chat (Demo agent from /usr/libexec/caduceus): $(printf '%s' "$out" | grep -m1 '^agent: ')"
  [ -s "$work/data/caduceus.db" ] || fail "the chat turn left no database in --data-dir"
fi

# Terminal and relay modes run as the program without the window's libraries (same process).
"$stage/usr/bin/caduceus" --relay --port 0 --data-dir "$work/relay-data" >"$work/relay.log" 2>&1 &
relay=$!
sleep 1
exe=$(readlink "/proc/$relay/exe" || true)
kill "$relay" 2>/dev/null; wait "$relay" 2>/dev/null || true
case "$exe" in
  */usr/libexec/caduceus/caduceus-headless) echo "caduceus --relay runs as $exe" ;;
  *) cat "$work/relay.log"; fail "caduceus --relay did not run as libexec/caduceus/caduceus-headless but as '$exe'" ;;
esac

echo "packaging test took $(( $(date +%s) - start )) s"
exit $status
