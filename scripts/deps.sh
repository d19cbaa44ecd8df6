#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Caduceus needs to build, run and test — only the missing ones.
#   scripts/deps.sh          install what is missing
#   scripts/deps.sh --list   print the package names, one a line, and install nothing
# What the window loads at run time (QML modules, image plugins, fonts) comes from
# packaging/runtime-requirements.txt, the list the .deb's Depends/Recommends are made from too.
set -euo pipefail
table="$(dirname "$0")/../packaging/runtime-requirements.txt"

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools qt6-websockets-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qtkeychain-qt6-dev libqt6sql6-sqlite
  libgl-dev libyaml-cpp-dev libmd4c-dev
  qml6-module-qttest qml6-module-qt-labs-platform
  xvfb xauth x11-apps xdotool imagemagick sqlite3 bc chromium-headless-shell
  desktop-file-utils appstream dpkg-dev fakeroot file
  openssl gnome-keyring dbus dbus-x11 libsecret-tools
)
# The runtime table: column 3, "a|b" where a package was renamed (the first one apt knows wins).
while read -r kind _ package _; do
  case "$kind" in ''|'#'*) continue ;; esac
  chosen=${package##*|}
  if [ "$chosen" != "$package" ]; then
    for candidate in ${package//|/ }; do
      if apt-cache show "$candidate" >/dev/null 2>&1; then chosen=$candidate; break; fi
    done
  fi
  packages+=("$chosen")
done < "$table"
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
if [ "${1:-}" = --list ]; then
  printf '%s\n' "${packages[@]}" | awk '!seen[$0]++'
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
