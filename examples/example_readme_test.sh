#!/usr/bin/env bash
# Verifies that examples/README.md's walk-through runs as written: the sh
# block that starts with ADDR= is taken from the README itself and run
# against a fresh server with only ADDR and build/bin pointed at this test's
# (so a README edit that breaks it fails here). Each step succeeds, prints
# what the README says it prints, and the server ends up holding it: Ada's
# newsletter grant, one profile for her, Kari's new billing address.
source "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/lib.sh"

require_tools
E2E_STORE=memory:
start_server

block=$(awk '/^```sh$/ {inside = 1; text = ""; next}
  inside && /^```$/ {inside = 0; if (text ~ /^ADDR=/) {printf "%s", text; exit}; next}
  inside {text = text $0 "\n"}' "$E2E_SOURCE_DIR/examples/README.md")
[[ -n $block ]] || fail "examples/README.md has no sh block starting with ADDR="
pass "the README has the walk-through"

script=${block/#ADDR=127.0.0.1:50051/ADDR=$E2E_SERVER_ADDR}
[[ $script != "$block" ]] || fail "the walk-through does not start with ADDR=127.0.0.1:50051"
script=${script//build\/bin\//$E2E_BIN_DIR/}
rc=0
output=$(cd "$E2E_TMP" && bash -euo pipefail -c "$script" 2>&1) || rc=$?
echo "$output" | sed 's/^/  | /'
expect_eq "the walk-through runs without a failure" "$rc" 0

# expect_shown WHAT SHOWN REGEX: the README shows the output line SHOWN (with
# "..." for what differs per run) in a comment, and the run printed a line
# matching REGEX.
expect_shown() {
  grep -qF -- "# $2" <<<"$block" || fail "$1: the README does not show '$2'"
  expect_match "$1" "$output" "^$3\$"
}
id='[a-z0-9-]+'
expect_shown "the checkout creates Ada" 'customer: profiles/... (new)' "customer: profiles/$id \(new\)"
expect_shown "and records her grant" \
  'newsletter: recorded profiles/.../consentEvents/..., now CONSENT_STATE_GRANTED for ada@example.com' \
  "newsletter: recorded profiles/$id/consentEvents/$id, now CONSENT_STATE_GRANTED for ada@example.com"
expect_shown "the second checkout finds her" 'customer: profiles/... (returning, found by e-mail)' \
  "customer: profiles/$id \(returning, found by e-mail\)"
expect_shown "and records nothing without the tick" 'newsletter: box not ticked, nothing recorded' \
  'newsletter: box not ticked, nothing recorded'
expect_shown "the call center finds her by the national number" 'caller 912 34 567: 1 customer' \
  'caller 912 34 567: 1 customer'
expect_shown "and shows her number" '  phone    +4791234567 (mobile)' '  phone    \+4791234567 \(mobile\)'
expect_shown "and no purpose for calls" '    call  no: no purpose covers this channel' \
  '    call  no: no purpose covers this channel'
expect_shown "the billing sync updates Kari" \
  'updated the billing address of profiles/kari on attempt 1 (etag ...)' \
  'updated the billing address of profiles/kari on attempt 1 \(etag [^)]+\)'

rpc ListProfiles '{}'
expect_eq "two customers: Ada once, and Kari" "$(out '[.profiles[].givenName] | sort | join(",")')" \
  "Ada,Kari"
ada=$(out '.profiles[] | select(.givenName == "Ada") | .name')
rpc customerprofile.v1.ConsentService/CheckConsent "{\"profile\": \"$ada\",
  \"purpose\": \"purposes/newsletter\", \"channel\": \"CHANNEL_EMAIL\"}"
expect_eq "Ada may get the newsletter" "$(out .check.reason)" "CHECK_REASON_GRANTED"
rpc GetProfile '{"name": "profiles/kari"}'
expect_eq "Kari has her home and her new billing address" \
  "$(out '[.addresses[] | "\(.label) \(.addressLines | join(", "))"] | join("; ")')" \
  "ADDRESS_LABEL_HOME Kirkeveien 5; ADDRESS_LABEL_BILLING Storgata 1, 3. etasje"
e2e_done
