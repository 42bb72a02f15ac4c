#!/usr/bin/env bash
# The ProfileService e2e scenario (tests/e2e/profile_api_scenario.sh, buf curl
# through server reflection) against a server that is already running, e.g.
# the container image started by scripts/image.sh test.
#
# Environment: CP_IMAGE_ADDR (HOST:PORT of the running server, started with
# --default-phone-region=NO and a fresh store), CP_SOURCE_DIR, BUF.
set -euo pipefail
[[ -n ${CP_IMAGE_ADDR:-} ]] || {
  echo "FAIL: CP_IMAGE_ADDR is not set" >&2
  exit 1
}
# shellcheck disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
# shellcheck disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/profile_api_scenario.sh"

for tool in jq base64; do
  command -v "$tool" >/dev/null || fail "$tool not found: run scripts/setup.sh"
done
[[ -n $E2E_BUF && -x $E2E_BUF ]] || fail "buf not found: run scripts/setup.sh"
# shellcheck disable=SC2034 # read by lib.sh
E2E_STORE="the container's"
# shellcheck disable=SC2034
E2E_SERVER_ADDR=$CP_IMAGE_ADDR
rpc grpc.health.v1.Health/Check '{}'
expect_eq "the container's server is SERVING" "$(out .status)" SERVING
run_profile_api_scenario
e2e_done
