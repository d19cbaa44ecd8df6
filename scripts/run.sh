#!/usr/bin/env bash
# Builds Caduceus and starts it. With no Hermes Agent configured or discovered, Caduceus starts
# its built-in simulated agent ("Demo agent"). Extra arguments go to caduceus (e.g. chat "hi").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec ./build/bin/caduceus "$@"
