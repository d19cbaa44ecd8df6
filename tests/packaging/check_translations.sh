#!/usr/bin/env bash
# Translations are complete and compile:
#  1. lupdate over src/ and qml/ (packaging/update-translations.sh, on copies) changes nothing: every
#     string of the interface is in translations/*.ts, and nothing stale is left there;
#  2. no entry is unfinished (a string added without its translation fails here);
#  3. lrelease turns each .ts into a .qm with every translation finished.
#
#   check_translations.sh <source dir> <work dir> <lupdate> <lrelease>
set -euo pipefail
source_dir=$1 work=$2 lupdate=$3 lrelease=$4
for tool in "$lupdate" "$lrelease"; do
  [ -x "$tool" ] || { echo "SKIP: $tool not found (apt install qt6-l10n-tools)"; exit 77; }
done
rm -rf "$work" && mkdir -p "$work/ts" "$work/qm"
shopt -s nullglob
ts_files=("$source_dir"/translations/caduceus_*.ts)
[ ${#ts_files[@]} -ge 2 ] || { echo "FAIL: expected caduceus_en.ts and caduceus_zh_CN.ts in translations/"; exit 1; }
for required in en zh_CN; do
  [ -f "$source_dir/translations/caduceus_$required.ts" ] || { echo "FAIL: translations/caduceus_$required.ts is missing"; exit 1; }
done
cp "${ts_files[@]}" "$work/ts/"

status=0
(cd "$source_dir" && TS_DIR="$work/ts" LUPDATE="$lupdate" bash packaging/update-translations.sh) > "$work/lupdate.log" 2>&1 || {
  cat "$work/lupdate.log"; echo "FAIL: lupdate failed"; exit 1; }
if grep -qiE "warning|error" "$work/lupdate.log"; then
  grep -iE "warning|error" "$work/lupdate.log"
  echo "FAIL: lupdate reported problems in the sources (above)"
  status=1
fi
if ! diff -u "$source_dir/translations" "$work/ts" > "$work/lupdate.diff"; then
  grep -E '^[-+] *<source>' "$work/lupdate.diff" | sed 's/^+/  new:     /; s/^-/  removed: /' | sort -u | head -50
  echo "FAIL: translations/*.ts are behind the sources; run packaging/update-translations.sh, then translate"
  echo "      the new entries (full diff: $work/lupdate.diff)"
  status=1
fi

for ts in "$work"/ts/*.ts; do
  name=$(basename "$ts" .ts)
  unfinished=$(grep -c 'type="unfinished"' "$ts" || true)
  if [ "$unfinished" -gt 0 ]; then
    echo "FAIL: $name has $unfinished unfinished entries:"
    # The source lines just before each unfinished translation.
    grep -B3 'type="unfinished"' "$ts" | grep -o '<source>.*' | head -30 | sed 's/^/  /'
    status=1
  fi
done

for ts in "${ts_files[@]}"; do
  name=$(basename "$ts" .ts)
  out=$("$lrelease" "$ts" -qm "$work/qm/$name.qm" 2>&1) || { echo "$out"; echo "FAIL: lrelease failed on $name"; status=1; continue; }
  summary=$(printf '%s\n' "$out" | grep -E 'Generated [0-9]+ translation' || true)
  echo "$name: ${summary# *}"
  if ! printf '%s' "$summary" | grep -qE '\(([0-9]+) finished and 0 unfinished\)'; then
    echo "FAIL: lrelease left unfinished translations in $name"
    status=1
  fi
  generated=$(printf '%s' "$summary" | sed -nE 's/.*Generated ([0-9]+) translation.*/\1/p')
  if [ -z "$generated" ] || [ "$generated" -eq 0 ] || [ ! -s "$work/qm/$name.qm" ]; then
    echo "FAIL: $name.qm is empty"
    status=1
  fi
done
# Chinese must cover every string of the interface, not only the plural forms English keeps.
zh_messages=$(grep -c '<message' "$source_dir/translations/caduceus_zh_CN.ts")
sources=$(grep -c '<message' "$work/ts/caduceus_zh_CN.ts")
if [ "$zh_messages" -ne "$sources" ]; then
  echo "FAIL: caduceus_zh_CN.ts has $zh_messages entries, the sources $sources"
  status=1
fi
[ $status -eq 0 ] && echo "translations: complete ($sources strings)"
exit $status
