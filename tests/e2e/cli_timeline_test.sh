#!/usr/bin/env bash
# Verifies profile-cli's timeline commands against the built server:
# `record-interaction` records an order and a call, `timeline` prints them
# newest first with amount and survey answer, `insights` prints the value;
# an order without an amount exits with INVALID_ARGUMENT's code (3).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools
use_sqlite_store
start_server
CLI=$E2E_BIN_DIR/profile-cli
[[ -x $CLI ]] || fail "no profile-cli at $CLI (build first)"
cli() { "$CLI" --endpoint="$E2E_SERVER_ADDR" --timeout=20s "$@"; }

rpc CreateProfile '{"profileId": "kari", "profile": {"givenName": "Kari"}}'

out=$(cli record-interaction kari --json='{"channel": "INTERACTION_CHANNEL_WEB",
  "direction": "INTERACTION_DIRECTION_INBOUND", "kind": "INTERACTION_KIND_ORDER",
  "occurTime": "2026-11-30T12:00:00Z", "sourceSystem": "webshop", "externalRef": "order-9",
  "amount": {"currencyCode": "NOK", "units": "1250", "nanos": 500000000}}') ||
  fail "record-interaction failed: $out"
expect_match "record-interaction prints the interaction" "$out" '"name": "profiles/kari/interactions/'
out=$(cli record-interaction kari --json='{"channel": "INTERACTION_CHANNEL_PHONE_CALL",
  "direction": "INTERACTION_DIRECTION_INBOUND", "kind": "INTERACTION_KIND_CALL",
  "occurTime": "2026-12-01T09:30:00Z", "sourceSystem": "callcenter", "agent": "agent-17",
  "satisfaction": {"csat": 4, "questionId": "after-call"}}') || fail "record call failed: $out"

out=$(cli timeline kari) || fail "timeline failed: $out"
first=$(sed -n 1p <<<"$out")
second=$(sed -n 2p <<<"$out")
expect_match "the call is first, with its answer and agent" "$first" \
  '^2026-12-01 09:30  PHONE_CALL +in   CALL .* CSAT 4/5  callcenter  by agent-17$'
expect_match "the order second, with its amount" "$second" \
  '^2026-11-30 12:00  WEB +in   ORDER .* NOK 1250.50  webshop:order-9$'

out=$(cli insights kari) || fail "insights failed: $out"
expect_eq "insights show the lifetime value" \
  "$(jq -r '.values[0].lifetimeValue.units' <<<"$out")" "1250"
expect_eq "and the preferred inbound channel" "$(jq -r '.preferredInboundChannel' <<<"$out")" \
  "INTERACTION_CHANNEL_PHONE_CALL"

rc=0
cli record-interaction kari --json='{"channel": "INTERACTION_CHANNEL_WEB",
  "direction": "INTERACTION_DIRECTION_INBOUND", "kind": "INTERACTION_KIND_ORDER",
  "occurTime": "2026-11-30T12:00:00Z", "sourceSystem": "webshop"}' >/dev/null 2>&1 || rc=$?
expect_eq "an order without an amount exits with INVALID_ARGUMENT's code" "$rc" 3
e2e_done
