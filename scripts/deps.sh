#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Caduceus needs to build, run and test — only the missing ones.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools qt6-websockets-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qtkeychain-qt6-dev libqt6sql6-sqlite
  libgl-dev libyaml-cpp-dev libmd4c-dev
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts qml6-module-qtquick-window
  qml6-module-qtquick-templates qml6-module-qtquick-dialogs qml6-module-qtqml-workerscript
  qml6-module-qttest qml6-module-qt-labs-settings qml6-module-qt-labs-platform qml6-module-qtqml
  qt6-qpa-plugins xvfb xauth x11-apps xdotool imagemagick sqlite3 bc chromium-headless-shell
  desktop-file-utils appstream dpkg-dev fakeroot file fonts-noto-color-emoji
  openssl gnome-keyring dbus dbus-x11 libsecret-tools
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

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
