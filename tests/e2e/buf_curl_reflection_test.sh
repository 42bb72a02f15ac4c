#!/usr/bin/env bash
# Verifies that server reflection is whole: with no proto files at hand,
# `buf curl --list-services` and `--list-methods` list the ProfileService,
# the health service and reflection itself, and grpc.health.v1.Health/Check
# answers SERVING; and both reflection protocols answer on their own
# (--reflect-protocol grpc-v1 and grpc-v1alpha), describing a method and
# calling it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools
use_sqlite_store
start_server

list() {
  "$E2E_BUF" curl --protocol grpc --http2-prior-knowledge --timeout 20s "$@" \
    "http://$E2E_SERVER_ADDR" >"$E2E_OUT" 2>"$E2E_ERR" || fail "buf curl $* failed: $(cat "$E2E_ERR")"
  cat "$E2E_OUT"
}

services=$(list --list-services)
for service in customerprofile.v1.ProfileService grpc.health.v1.Health; do
  grep -qx "$service" <<<"$services" || fail "--list-services lacks $service: $services"
  pass "--list-services lists $service"
done
expect_match "--list-services lists server reflection" "$services" \
  '^grpc\.reflection\.v1(alpha)?\.ServerReflection$'

methods=$(list --list-methods)
for method in CreateProfile GetProfile UpdateProfile DeleteProfile UndeleteProfile ListProfiles \
  BatchGetProfiles LookupProfiles; do
  grep -qx "customerprofile.v1.ProfileService/$method" <<<"$methods" ||
    fail "--list-methods lacks ProfileService/$method: $methods"
done
pass "--list-methods lists every ProfileService method"
for method in Check Watch; do
  grep -qx "grpc.health.v1.Health/$method" <<<"$methods" ||
    fail "--list-methods lacks grpc.health.v1.Health/$method: $methods"
  pass "--list-methods lists grpc.health.v1.Health/$method"
done

rpc grpc.health.v1.Health/Check '{}'
expect_eq "Health/Check answers SERVING" "$(out .status)" SERVING

for protocol in grpc-v1 grpc-v1alpha; do
  methods=$(list "--reflect-protocol=$protocol" --list-methods)
  grep -qx "customerprofile.v1.InteractionService/RecordInteraction" <<<"$methods" ||
    fail "$protocol: --list-methods lacks InteractionService/RecordInteraction: $methods"
  pass "$protocol reflection lists every service's methods"
  "$E2E_BUF" curl --protocol grpc --http2-prior-knowledge --timeout 20s \
    "--reflect-protocol=$protocol" -d '{"profileId": "r-'"$protocol"'"}' \
    "http://$E2E_SERVER_ADDR/customerprofile.v1.ProfileService/CreateProfile" >"$E2E_OUT" \
    2>"$E2E_ERR" || fail "$protocol: CreateProfile through it failed: $(cat "$E2E_ERR")"
  expect_eq "$protocol reflection describes requests well enough to call" "$(out .name)" \
    "profiles/r-$protocol"
done

e2e_done
