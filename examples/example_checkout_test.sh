#!/usr/bin/env bash
# Runs example-checkout (examples/checkout.cc) against a fresh server, as
# examples/README.md shows it: a new customer who ticks the newsletter box
# gets a profile and a GRANTED e-mail consent with the form as evidence (the
# purpose is created on the way); the same address in another case at the
# next checkout finds that customer again instead of creating a second one;
# an unticked box records nothing; a bad address exits 1 naming the field.
source "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/lib.sh"

require_tools
CHECKOUT=$E2E_BIN_DIR/example-checkout
[[ -x $CHECKOUT ]] || fail "no example-checkout at $CHECKOUT (build first)"
E2E_STORE=memory:
start_server

# run ARGS...: runs the example; its stdout in $output, its exit code in $rc.
run() {
  rc=0
  output=$("$CHECKOUT" --endpoint="$E2E_SERVER_ADDR" "$@" 2>&1) || rc=$?
  echo "$output" | sed 's/^/  | /'
}

run --email=Ada@Example.COM --given_name=Ada --family_name=Lovelace --phone="912 34 567" \
  --newsletter --ip=203.0.113.7 --user_agent="Mozilla/5.0 (X11; Linux x86_64)"
expect_eq "a first checkout exits 0" "$rc" 0
expect_match "it creates the customer" "$output" '^customer: profiles/[a-z0-9-]+ \(new\)'
profile=$(sed -n 's/^customer: \(profiles\/[a-z0-9-]*\) .*/\1/p' <<<"$output")
expect_match "it shows the notice version the form showed" "$output" 'notice version 1: "Yes, send me'
expect_match "it records a grant" "$output" "recorded $profile/consentEvents/.*CONSENT_STATE_GRANTED"

rpc GetProfile "{\"name\": \"$profile\"}"
expect_eq "the profile has the checkout's details" \
  "$(out '[.displayName, .emails[0].address, .phones[0].number] | join(" ")')" \
  "Ada Lovelace Ada@example.com +4791234567"
rpc customerprofile.v1.ConsentService/GetPurpose '{"name": "purposes/newsletter"}'
expect_eq "the newsletter purpose exists, for e-mail" "$(out '.channels | join(",")')" \
  "CHANNEL_EMAIL"
rpc customerprofile.v1.ConsentService/ListConsentEvents "{\"parent\": \"$profile\"}"
expect_eq "one consent event" "$(out '.consentEvents | length')" 1
expect_eq "with the form as evidence" \
  "$(out '.consentEvents[0] | [.decision, .contactPoint, .noticeVersion, .evidence.method,
    .evidence.sourceSystem, .evidence.reference, .evidence.ipAddress, .evidence.userAgent]
    | join("|")')" \
  "CONSENT_DECISION_GRANTED|Ada@example.com|1|EVIDENCE_METHOD_WEB_FORM|webshop|https://shop.example.com/checkout|203.0.113.7|Mozilla/5.0 (X11; Linux x86_64)"
rpc customerprofile.v1.ConsentService/CheckConsent "{\"profile\": \"$profile\",
  \"purpose\": \"purposes/newsletter\", \"channel\": \"CHANNEL_EMAIL\"}"
expect_eq "CheckConsent allows the newsletter" "$(out '.check.allowed') $(out .check.reason)" \
  "true CHECK_REASON_GRANTED"

run --email=ada@example.com --newsletter
expect_eq "a returning customer's checkout exits 0" "$rc" 0
expect_eq "it finds the same profile by e-mail" \
  "$(sed -n 's/^customer: \(profiles\/[a-z0-9-]*\) (returning.*/\1/p' <<<"$output")" "$profile"
rpc ListProfiles '{}'
expect_eq "no second profile was created" "$(out '.profiles | length')" 1

run --email=grace@example.com --given_name=Grace --family_name=Hopper
expect_eq "a checkout without the box ticked exits 0" "$rc" 0
expect_match "it says nothing was recorded" "$output" 'box not ticked, nothing recorded'
grace=$(sed -n 's/^customer: \(profiles\/[a-z0-9-]*\) .*/\1/p' <<<"$output")
rpc customerprofile.v1.ConsentService/ListConsentEvents "{\"parent\": \"$grace\"}"
expect_eq "and no consent event exists" "$(out '.consentEvents | length')" 0

run --email=not-an-email --newsletter
expect_eq "a bad e-mail address exits 1" "$rc" 1
expect_match "the error names the field" "$output" 'INVALID_ARGUMENT.*'$'\n''.*email: '
run --given_name=Nobody
expect_eq "no --email exits 1" "$rc" 1
e2e_done
