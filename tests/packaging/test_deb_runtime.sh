#!/usr/bin/env bash
# Starts the packaged window with nothing but what the .deb declares, the way a fresh machine gets it from
# `apt install ./caduceus_*.deb`: the package's own files plus exactly the packages apt would install for its
# Depends on an empty system (and, last, for its Recommends' CJK font), unpacked into an empty root and run
# there with chroot, so that nothing installed on this machine can stand in for a missing piece.
#
# In that root, `caduceus --self-test` opens the window, the attach dialog (Qt Quick's own file dialog: the
# offscreen platform has no native one) and Settings, and fails on any missing QML module, image plugin or
# font and on any QML warning. Three runs:
#   1. without the packages of Qt.labs.folderlistmodel and the SVG plugin, in Chinese, without a CJK font: the
#      window must not crash, must fail the self-test, and must name the three missing packages;
#   2. with every Depends, in English: must pass;
#   3. plus the CJK font the .deb recommends, in Chinese: must pass.
# Then: everything the .deb depends on and recommends for the window is in scripts/deps.sh's list.
#
# The packages are downloaded once from the distribution's archive with apt-get download and kept in
# <cache dir>; when the archive cannot be reached the test says so and is skipped (exit 77).
#
#   test_deb_runtime.sh <dir holding the built .deb> <work dir> <cache dir> <source dir>
set -uo pipefail
deb_dir=$1 work=$2 cache=$3 source_dir=$4
skip() { echo "SKIP: $*"; exit 77; }
for tool in dpkg-deb apt-get chroot; do
  command -v "$tool" >/dev/null || skip "$tool not found (Debian/Ubuntu only)"
done
# chroot needs root, or an unprivileged user namespace to be root in.
if [ "$(id -u)" -eq 0 ]; then
  enter_root=("$(command -v chroot)")
elif unshare -r true 2>/dev/null; then
  enter_root=("$(command -v unshare)" -r "$(command -v chroot)")
else
  skip "chroot needs root or unprivileged user namespaces (unshare -r), neither is available"
fi

shopt -s nullglob
debs=("$deb_dir"/*.deb)
[ ${#debs[@]} -eq 1 ] || { echo "FAIL: expected the .deb built by packaging_deb in $deb_dir, found ${#debs[@]}"; exit 1; }
deb=$(cd "$(dirname "${debs[0]}")" && pwd)/$(basename "${debs[0]}")
start=$(date +%s)
status=0
fail() { echo "FAIL: $*"; status=1; }
rm -rf "$work" && mkdir -p "$work" "$cache"
root=$work/root

# ---- What apt would install on an empty system: the closure of Depends, alternatives and virtual packages
# resolved by apt itself. An empty dpkg status file stands for the empty system.
: > "$work/empty-status"
apt_sim() {
  apt-get -s -o Dir::State::status="$work/empty-status" -o Debug::NoLocking=1 install --no-install-recommends "$@"
}
if ! apt_sim "$deb" > "$work/closure.log" 2>&1; then
  cat "$work/closure.log"
  echo "FAIL: apt cannot satisfy the .deb's Depends on an empty system: $(dpkg-deb -f "$deb" Depends)"
  exit 1
fi
# "Inst name (version archive [arch])" → name=version
sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1=\2/p' "$work/closure.log" | grep -v '^caduceus=' > "$work/depends.txt"
if ! apt_sim fonts-noto-cjk > "$work/font-closure.log" 2>&1; then
  cat "$work/font-closure.log"; echo "FAIL: apt does not know fonts-noto-cjk, which the .deb recommends"; exit 1
fi
sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1=\2/p' "$work/font-closure.log" > "$work/fonts.txt"
echo "closure of Depends: $(wc -l < "$work/depends.txt") packages; the CJK font adds $(wc -l < "$work/fonts.txt")"

# ---- Download what the cache lacks (file names are name_version_arch.deb, with ':' as %3a).
fetch=()
while IFS='=' read -r name version; do
  files=("$cache/${name}_${version//:/%3a}_"*.deb)
  [ ${#files[@]} -gt 0 ] || fetch+=("$name=$version")
done < <(cat "$work/depends.txt" "$work/fonts.txt")
if [ ${#fetch[@]} -gt 0 ]; then
  echo "downloading ${#fetch[@]} packages into $cache"
  if ! (cd "$cache" && apt-get download -o APT::Sandbox::User=root -q "${fetch[@]}") > "$work/download.log" 2>&1; then
    tail -5 "$work/download.log"
    skip "the Debian archive could not be reached (apt-get download failed, above); nothing was tested"
  fi
fi
deb_of() { local name=${1%%=*} version=${1#*=}; local files=("$cache/${name}_${version//:/%3a}_"*.deb); echo "${files[0]}"; }

# ---- The root: the package, then its dependencies except those the first run must do without.
held_back_re='^(qml6-module-qt-labs-folderlistmodel|libqt6svg6|qt6-svg-plugins)='
mkdir -p "$root"
dpkg-deb -x "$deb" "$root" || { echo "FAIL: dpkg-deb -x $deb"; exit 1; }
held=()
while read -r entry; do
  if [[ $entry =~ $held_back_re ]]; then held+=("$entry"); continue; fi
  dpkg-deb -x "$(deb_of "$entry")" "$root" || fail "dpkg-deb -x $(deb_of "$entry")"
done < "$work/depends.txt"
[ ${#held[@]} -ge 2 ] || fail "the closure of Depends lacks the folder list model or the SVG plugin: ${held[*]:-none}"
mkdir -p "$root/tmp/runtime" "$root/home/user" "$root/dev"
chmod 1777 "$root/tmp" && chmod 700 "$root/tmp/runtime"
[ -e "$root/dev/null" ] || mknod -m 666 "$root/dev/null" c 1 3 2>/dev/null || : > "$root/dev/null"
echo "root: $(du -sm "$root" | cut -f1) MiB, unpacked in $(( $(date +%s) - start )) s"

# One self-test run inside the root; prints its output, returns its exit code.
run_self_test() {
  local lang=$1 log=$work/self-test-$2.log
  rm -rf "$root/home/user" && mkdir -p "$root/home/user"
  timeout 120 env -i HOME=/home/user LANG="$lang" LC_ALL="$lang" QT_QPA_PLATFORM=offscreen CADUCEUS_NO_KEYCHAIN=1 \
      XDG_RUNTIME_DIR=/tmp/runtime PATH=/usr/bin:/bin \
      "${enter_root[@]}" "$root" /usr/bin/caduceus --self-test --demo --data-dir /home/user/data > "$log" 2>&1
  local code=$?
  grep '^self-test:' "$log" | head -20
  return $code
}

# ---- 1. Today's gaps: no folder list model, no SVG plugin, Chinese without a CJK font.
run_self_test zh_CN.UTF-8 missing; code=$?
if [ $code -ge 124 ]; then
  tail -30 "$work/self-test-missing.log"
  fail "without Qt.labs.folderlistmodel the window crashed or hung (exit $code) instead of reporting it"
elif [ $code -eq 0 ]; then
  fail "the self-test passed although the folder list model, the SVG plugin and the CJK font are missing"
else
  for package in qml6-module-qt-labs-folderlistmodel svg fonts-noto-cjk; do
    grep -q "^self-test: missing .*package [^)]*$package" "$work/self-test-missing.log" ||
      fail "the self-test did not name the package of the missing $package"
  done
  grep -q 'caduceus.runtimecheck: the file dialog cannot open' "$work/self-test-missing.log" ||
    fail "clicking Attach did not explain why the file dialog cannot open"
fi

# ---- 2. Everything the .deb depends on, in English.
for entry in "${held[@]}"; do dpkg-deb -x "$(deb_of "$entry")" "$root" || fail "dpkg-deb -x $entry"; done
run_self_test C.UTF-8 depends || { tail -30 "$work/self-test-depends.log"; fail "with its Depends installed, the window's self-test failed"; }

# ---- 3. And the CJK font it recommends, in Chinese.
while read -r entry; do dpkg-deb -x "$(deb_of "$entry")" "$root" || fail "dpkg-deb -x $entry"; done < "$work/fonts.txt"
run_self_test zh_CN.UTF-8 recommends || { tail -30 "$work/self-test-recommends.log"; fail "with fonts-noto-cjk, the Chinese window's self-test failed"; }

# ---- scripts/deps.sh brings the same: each of the .deb's Depends (and the window's Recommends) is in the
# closure of deps.sh's list on an empty system.
if ! bash "$source_dir/scripts/deps.sh" --list > "$work/deps-list.txt" 2> "$work/deps-list.err"; then
  cat "$work/deps-list.err"; fail "scripts/deps.sh --list failed"
elif ! apt_sim $(cat "$work/deps-list.txt") > "$work/deps-closure.log" 2>&1; then
  tail -5 "$work/deps-closure.log"; fail "apt cannot install scripts/deps.sh's list on an empty system"
else
  sed -n 's/^Inst \([^ ]*\) .*/\1/p' "$work/deps-closure.log" | sort -u > "$work/deps-closure.txt"
  wanted=$(dpkg-deb -f "$deb" Depends; echo ,; dpkg-deb -f "$deb" Recommends | tr ',' '\n' | grep -E 'fonts-')
  missing=""
  while read -r group; do
    group=$(printf '%s' "$group" | sed 's/([^)]*)//g; s/ //g')
    [ -n "$group" ] || continue
    found=0
    for alternative in ${group//|/ }; do
      grep -qx "$alternative" "$work/deps-closure.txt" && found=1
      # A virtual package (qt6-base-abi, …) is there when one of its providers is.
      for provider in $(apt-cache showpkg "$alternative" 2>/dev/null | sed -n '/^Reverse Provides:/,$p' | awk 'NR>1{print $1}'); do
        grep -qx "$provider" "$work/deps-closure.txt" && found=1
      done
    done
    [ $found -eq 1 ] || missing+=" $group"
  done < <(printf '%s\n' "$wanted" | tr ',' '\n')
  if [ -n "$missing" ]; then
    fail "scripts/deps.sh does not install what the .deb needs:$missing"
  else
    echo "scripts/deps.sh installs every package the .deb depends on and the fonts it recommends"
  fi
fi

echo "runtime packaging test took $(( $(date +%s) - start )) s"
exit $status
