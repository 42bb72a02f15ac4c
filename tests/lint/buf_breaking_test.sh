#!/usr/bin/env bash
# Verifies that the protos in the working tree make no breaking change
# (buf's FILE rules) against the protos committed on main (AIP-180: within v1
# only add). Passes when there is no main branch to compare against.
set -euo pipefail
ROOT=${CP_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
if ! bash "$ROOT/scripts/buf.sh" breaking; then
  echo "FAIL: buf breaking found incompatible changes against main"
  exit 1
fi
echo "PASS: buf breaking"
