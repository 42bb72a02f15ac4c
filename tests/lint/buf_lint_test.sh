#!/usr/bin/env bash
# Verifies that protos/ passes `buf lint` (STANDARD rules minus the two that
# contradict AIP standard methods, see protos/buf.yaml): any finding fails.
set -euo pipefail
ROOT=${CP_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
if ! out=$(bash "$ROOT/scripts/buf.sh" lint 2>&1); then
  echo "$out"
  echo "FAIL: buf lint reported findings (or could not run)"
  exit 1
fi
if [[ -n $out ]]; then
  echo "$out"
  echo "FAIL: buf lint printed output"
  exit 1
fi
echo "PASS: buf lint found nothing"
