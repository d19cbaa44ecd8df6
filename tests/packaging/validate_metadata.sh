#!/usr/bin/env bash
# The desktop entry and the AppStream metainfo validate (desktop-file-validate, appstreamcli validate).
# A missing validator is skipped (exit 77 when none is installed: apt install desktop-file-utils appstream).
#
#   validate_metadata.sh <desktop file> <metainfo file>
set -uo pipefail
desktop=$1 metainfo=$2
ran=0 status=0
for f in "$desktop" "$metainfo"; do
  [ -f "$f" ] || { echo "FAIL: $f does not exist"; exit 1; }
done
if command -v desktop-file-validate >/dev/null; then
  ran=1
  if out=$(desktop-file-validate "$desktop" 2>&1) && [ -z "$out" ]; then
    echo "desktop-file-validate: $(basename "$desktop") is valid"
  else
    echo "$out"; echo "FAIL: desktop-file-validate rejected $(basename "$desktop")"; status=1
  fi
else
  echo "note: desktop-file-validate not installed (apt install desktop-file-utils)"
fi
if command -v appstreamcli >/dev/null; then
  ran=1
  # --no-net: no URL checks (CI and developer machines may be offline).
  if out=$(appstreamcli validate --no-net "$metainfo" 2>&1); then
    echo "appstreamcli: $(basename "$metainfo") is valid"
  else
    echo "$out"; echo "FAIL: appstreamcli rejected $(basename "$metainfo")"; status=1
  fi
else
  echo "note: appstreamcli not installed (apt install appstream)"
fi
# The metainfo must describe this desktop entry and carry the version being built.
id=$(basename "$desktop" .desktop)
grep -q "<launchable type=\"desktop-id\">$id.desktop</launchable>" "$metainfo" || {
  echo "FAIL: the metainfo does not launch $id.desktop"; status=1; }
grep -q "<id>$id</id>" "$metainfo" || { echo "FAIL: the metainfo id is not $id"; status=1; }
if [ -n "${CADUCEUS_EXPECTED_VERSION:-}" ]; then
  grep -q "<release version=\"$CADUCEUS_EXPECTED_VERSION\"" "$metainfo" || {
    echo "FAIL: the metainfo has no release $CADUCEUS_EXPECTED_VERSION"; status=1; }
fi
[ $status -ne 0 ] && exit $status
[ $ran -eq 0 ] && { echo "SKIP: no validator installed"; exit 77; }
exit 0
