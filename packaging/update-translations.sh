#!/usr/bin/env bash
# Refreshes translations/*.ts from the strings in src/ and qml/ (qsTr, tr, QT_TR_NOOP …). Run it after
# adding or changing interface text, then translate the new entries (Qt Linguist, or edit the XML) until
# tests/packaging's translation test passes: it fails on any string without a finished translation.
#
#   packaging/update-translations.sh        # LUPDATE=/path/to/lupdate to pick another one;
#                                           # TS_DIR=DIR refreshes the copies in DIR instead (the test does)
#
# English is the language of the sources, so caduceus_en.ts holds only the plural forms of "%n …" strings.
# Locations are left out so that editing a source file does not change the .ts files.
set -euo pipefail
cd "$(dirname "$0")/.."
lupdate=${LUPDATE:-}
if [ -z "$lupdate" ]; then
  for candidate in /usr/lib/qt6/bin/lupdate "$(command -v lupdate6 || true)" "$(command -v lupdate || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { lupdate=$candidate; break; }
  done
fi
[ -n "$lupdate" ] || { echo "update-translations: lupdate not found (apt install qt6-l10n-tools)" >&2; exit 2; }

common=(-extensions "cpp,h,qml,js" -locations none -no-obsolete -source-language en)
ts_dir=${TS_DIR:-translations}
"$lupdate" "${common[@]}" src qml -target-language zh_CN -ts "$ts_dir/caduceus_zh_CN.ts"
"$lupdate" "${common[@]}" -pluralonly src qml -target-language en -ts "$ts_dir/caduceus_en.ts"
