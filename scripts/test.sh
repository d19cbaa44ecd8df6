#!/usr/bin/env bash
# Builds Caduceus and runs every test (unit, integration, QML, relay end-to-end) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure --timeout 600 -j "$(nproc)"
