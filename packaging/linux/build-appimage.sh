#!/usr/bin/env bash
# Builds Caduceus-<version>-x86_64.AppImage from a configured and built tree, with linuxdeploy and
# linuxdeploy-plugin-qt (https://github.com/linuxdeploy; both must be on PATH, as
# linuxdeploy-x86_64.AppImage / linuxdeploy-plugin-qt-x86_64.AppImage or plain names).
#
#   packaging/linux/build-appimage.sh <build dir> [output dir]
#
# The AppDir is the normal install tree (cmake --install with prefix /usr), so the AppImage holds the same
# files as the .deb plus Qt: its libraries, the platform/image/SQL plugins, and the QML modules that the
# window imports (found by scanning qml/). hermes-sim, the Demo agent, stays in usr/libexec/caduceus where
# caduceus looks for it. Runs where FUSE is missing too (APPIMAGE_EXTRACT_AND_RUN).
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,12p' "$0"; exit 2; }
build=$(cd "$1" && pwd)
out=$(mkdir -p "${2:-.}" && cd "${2:-.}" && pwd)
repo=$(cd "$(dirname "$0")/../.." && pwd)

find_tool() {
  for name in "$@"; do
    command -v "$name" >/dev/null && { command -v "$name"; return; }
  done
  echo "build-appimage: none of $* is on PATH" >&2
  exit 2
}
linuxdeploy=$(find_tool linuxdeploy linuxdeploy-x86_64.AppImage)
find_tool linuxdeploy-plugin-qt linuxdeploy-plugin-qt-x86_64.AppImage >/dev/null

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
app_id=org.caduceus.Caduceus
appdir=$build/AppDir
rm -rf "$appdir"
DESTDIR=$appdir cmake --install "$build" --prefix /usr --strip
# A systemd unit pointing at /usr/bin means nothing inside an AppImage.
rm -rf "$appdir/usr/lib/systemd"

export APPIMAGE_EXTRACT_AND_RUN=1
# qml/ plus a file importing every QML module of packaging/runtime-requirements.txt: Qt's own file dialog
# loads QtQuick.Dialogs.quickimpl and Qt.labs.folderlistmodel, which scanning qml/ alone does not find.
imports=$build/appimage-runtime-imports
mkdir -p "$imports"
{ awk '$1 == "qml" { print "import " $2 }' "$repo/packaging/runtime-requirements.txt"; echo 'QtObject {}'; } \
  > "$imports/RuntimeImports.qml"
export QML_SOURCES_PATHS="$repo/qml:$imports"
# The window loads SVG icons through Qt's image plugin and may run on Wayland.
export EXTRA_QT_PLUGINS="svg;waylandcompositor;" EXTRA_QT_MODULES="svg;"
export EXTRA_PLATFORM_PLUGINS="libqwayland-generic.so;libqwayland-egl.so;"
export LINUXDEPLOY_OUTPUT_VERSION=$version VERSION=$version
cd "$out"
"$linuxdeploy" --appdir "$appdir" \
  --executable "$appdir/usr/bin/caduceus" \
  --deploy-deps-only "$appdir/usr/libexec/caduceus/hermes-sim" \
  --desktop-file "$appdir/usr/share/applications/$app_id.desktop" \
  --icon-file "$appdir/usr/share/icons/hicolor/256x256/apps/$app_id.png" \
  --plugin qt
# hermes-sim sits two folders below usr/: it must load the bundled Qt, not the host's.
sim=$appdir/usr/libexec/caduceus/hermes-sim
if command -v patchelf >/dev/null; then
  patchelf --set-rpath '$ORIGIN/../../lib' "$sim"
fi
if ldd "$sim" | grep -E 'libQt6(Core|Network)' | grep -vq "$appdir"; then
  echo "build-appimage: hermes-sim does not load Qt from the AppDir (install patchelf)" >&2
  exit 1
fi
"$linuxdeploy" --appdir "$appdir" --output appimage
ls -1 "$out"/Caduceus-"$version"-*.AppImage
