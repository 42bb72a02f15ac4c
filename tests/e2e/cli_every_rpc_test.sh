#!/usr/bin/env bash
# Verifies that profile-cli reaches every RPC of every service: `methods`
# lists exactly the customerprofile.v1 methods the server's reflection
# lists; RPCs run by their command names with --json and a NAME argument,
# unary, client stream (import-suppression-entries) and server stream
# (watch-changes); --output=text prints protobuf text format; a failure
# exits with its gRPC code and prints the decoded error details; bad input
# is a usage error (64) that calls nothing.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools
use_sqlite_store
start_server
CLI=$E2E_BIN_DIR/profile-cli
[[ -x $CLI ]] || fail "no profile-cli at $CLI (build first)"
cli() { "$CLI" --endpoint="$E2E_SERVER_ADDR" --timeout=20s "$@"; }

"$E2E_BUF" curl --protocol grpc --http2-prior-knowledge --timeout 20s --list-methods \
  "http://$E2E_SERVER_ADDR" 2>"$E2E_ERR" | grep '^customerprofile\.v1\.' | sort >"$E2E_TMP/served" ||
  fail "buf curl --list-methods failed: $(cat "$E2E_ERR")"
cli methods | cut -f2 | sort >"$E2E_TMP/cli"
diff "$E2E_TMP/served" "$E2E_TMP/cli" >"$E2E_TMP/diff" ||
  fail "profile-cli methods differs from the served methods: $(cat "$E2E_TMP/diff")"
expect_eq "profile-cli methods lists all $(wc -l <"$E2E_TMP/served") served methods" \
  "$(wc -l <"$E2E_TMP/cli")" "$(wc -l <"$E2E_TMP/served")"
cli methods | grep -q $'^import-suppression-entries\tcustomerprofile.v1.SuppressionService/ImportSuppressionEntries\tclient stream$' ||
  fail "methods does not name the client stream"
pass "methods names each RPC's command and kind"

out=$(cli create-purpose --json='{"purposeId": "sms-offers", "purpose": {
  "displayName": "SMS offers", "legalBasis": "LEGAL_BASIS_CONSENT", "channels": ["CHANNEL_SMS"],
  "consentValidityMonths": 12, "noticeText": "Offers by SMS, v1."}}') ||
  fail "create-purpose failed: $out"
expect_eq "create-purpose prints the purpose as JSON" "$(jq -r .name <<<"$out")" \
  "purposes/sms-offers"
out=$(cli get-purpose purposes/sms-offers --output=text) || fail "get-purpose failed: $out"
expect_match "--output=text prints text format" "$out" '^name: "purposes/sms-offers"$'
expect_match "--output=text names enum values" "$out" '^legal_basis: LEGAL_BASIS_CONSENT$'

out=$(cli create --profile_id=ola --given_name=Ola --phone=+4791234567) || fail "create: $out"
out=$(cli record-consent profiles/ola --json="{\"consentEvent\": {\"purpose\": \"purposes/sms-offers\",
  \"channel\": \"CHANNEL_SMS\", \"decision\": \"CONSENT_DECISION_GRANTED\",
  \"occurTime\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\", \"contactPoint\": \"+4791234567\",
  \"evidence\": {\"method\": \"EVIDENCE_METHOD_WEB_FORM\", \"sourceSystem\": \"e2e\"}}}") ||
  fail "record-consent failed: $out"
expect_match "record-consent (NAME into parent) records the event" \
  "$(jq -r .consentEvent.name <<<"$out")" '^profiles/ola/consentEvents/'
out=$(cli check-consent --json='{"profile": "profiles/ola", "purpose": "purposes/sms-offers",
  "channel": "CHANNEL_SMS"}') || fail "check-consent failed: $out"
expect_eq "check-consent answers" "$(jq -r '.check.allowed' <<<"$out")" true
out=$(cli list-consent-events profiles/ola) || fail "list-consent-events failed: $out"
expect_eq "list-consent-events lists the event" "$(jq '.consentEvents | length' <<<"$out")" 1

out=$(cli create-suppression-list --json='{"suppressionListId": "reservert", "suppressionList": {
  "displayName": "Reservert", "channels": ["CHANNEL_SMS"],
  "identifierKind": "IDENTIFIER_KIND_PHONE_NUMBER", "source": "e2e"}}') ||
  fail "create-suppression-list failed: $out"
out=$(cli import-suppression-entries --json='{"suppressionList": "suppressionLists/reservert",
  "mode": "IMPORT_MODE_REPLACE", "lines": ["912 34 567"]}
{"lines": ["+4741234567", "not-a-number"]}') || fail "import-suppression-entries failed: $out"
expect_eq "a client stream sends every --json object as a message" \
  "$(jq -r '[.linesRead, .addedCount, .rejectedCount] | join(" ")' <<<"$out")" "3 2 1"
out=$(cli check-consent --json='{"profile": "profiles/ola", "purpose": "purposes/sms-offers",
  "channel": "CHANNEL_SMS"}') || fail "check-consent failed: $out"
expect_eq "the register now stops the SMS" "$(jq -r '.check.reason' <<<"$out")" \
  CHECK_REASON_SUPPRESSED

since=$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%SZ)
out=$(cli watch-changes --json="{\"startTime\": \"$since\"}" --max_changes=3) ||
  fail "watch-changes failed: $out"
expect_eq "a server stream prints one JSON line per message" "$(wc -l <<<"$out")" 3
expect_eq "the feed starts with the purpose" "$(head -n 1 <<<"$out" | jq -r .change.resourceName)" \
  "purposes/sms-offers"
out=$(cli call customerprofile.v1.ChangeService/ListChanges --json="{\"startTime\": \"$since\"}") ||
  fail "call ListChanges failed: $out"
expect_eq "call METHOD takes Service/Method" "$(jq -r '.changes[0].resourceName' <<<"$out")" \
  "purposes/sms-offers"

rc=0
err=$(cli get-purpose purposes/none 2>&1 >/dev/null) || rc=$?
expect_eq "NOT_FOUND exits 5" "$rc" 5
expect_match "the error details are decoded" "$err" '"reason": "PURPOSE_NOT_FOUND"'
rc=0
err=$(cli create-purpose --json='{"purposeId": "bad", "purpose": {"displayName": "Bad"}}' \
  2>&1 >/dev/null) || rc=$?
expect_eq "INVALID_ARGUMENT exits 3" "$rc" 3
expect_match "field violations are printed" "$err" '"field": "purpose.legal_basis"'
rc=0
err=$(cli get-purpose --json='{"nmae": "purposes/x"}' 2>&1 >/dev/null) || rc=$?
expect_eq "an unknown --json field is a usage error" "$rc" 64
expect_match "it names the field" "$err" 'nmae'
rc=0
cli get-purpose purposes/sms-offers --output=yaml >/dev/null 2>&1 || rc=$?
expect_eq "an unknown --output is a usage error" "$rc" 64
rc=0
cli no-such-command >/dev/null 2>&1 || rc=$?
expect_eq "an unknown command is a usage error" "$rc" 64
out=$(cli list-purposes) || fail "list-purposes failed: $out"
expect_eq "the failed create changed nothing" "$(jq '.purposes | length' <<<"$out")" 1
e2e_done
