#!/usr/bin/env bash
# Runs example-call-center (examples/call_center.cc) against a fresh server:
# a caller found by a national number gets the screen with the profile and,
# for each purpose covering SMS or calls, the consent answer: a grant allows
# SMS; calls are refused by a do-not-contact register that holds the number
# (SUPPRESSED, naming the list), and without consent on another purpose
# (NO_CONSENT). An unknown number exits 2, an unparseable one exits 1 naming
# the field.
source "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/lib.sh"

require_tools
SCREEN=$E2E_BIN_DIR/example-call-center
[[ -x $SCREEN ]] || fail "no example-call-center at $SCREEN (build first)"
E2E_STORE=memory:
start_server

# run ARGS...: runs the example; its output in $output, its exit code in $rc.
run() {
  rc=0
  output=$("$SCREEN" --endpoint="$E2E_SERVER_ADDR" "$@" 2>&1) || rc=$?
  echo "$output" | sed 's/^/  | /'
}
svc() { rpc "customerprofile.v1.$1" "$2"; }

rpc CreateProfile '{"profileId": "kari", "profile": {"givenName": "Kari",
  "displayName": "Kari Nordmann", "emails": [{"address": "kari@example.com"}],
  "phones": [{"number": "+4791234567", "label": "PHONE_LABEL_MOBILE"}],
  "externalIds": [{"system": "billing", "id": "ACC-1042"}], "tags": ["vip"]}}'
svc ConsentService/CreatePurpose '{"purposeId": "sms-offers", "purpose": {
  "displayName": "Offers by SMS", "legalBasis": "LEGAL_BASIS_CONSENT",
  "channels": ["CHANNEL_SMS"], "noticeText": "Offers by SMS?"}}'
svc ConsentService/CreatePurpose '{"purposeId": "service-calls", "purpose": {
  "displayName": "Service follow-up", "legalBasis": "LEGAL_BASIS_CONSENT",
  "channels": ["CHANNEL_SMS", "CHANNEL_PHONE_CALL"], "noticeText": "May we follow up?"}}'
svc ConsentService/CreatePurpose '{"purposeId": "newsletter", "purpose": {
  "displayName": "Newsletter", "legalBasis": "LEGAL_BASIS_CONSENT",
  "channels": ["CHANNEL_EMAIL"], "noticeText": "News?"}}'
svc ConsentService/RecordConsent '{"parent": "profiles/kari", "consentEvent": {
  "purpose": "purposes/sms-offers", "channel": "CHANNEL_SMS",
  "decision": "CONSENT_DECISION_GRANTED", "occurTime": "'"$(date -u +%FT%TZ)"'",
  "evidence": {"method": "EVIDENCE_METHOD_WEB_FORM", "sourceSystem": "webshop"}}}'
svc ConsentService/RecordConsent '{"parent": "profiles/kari", "consentEvent": {
  "purpose": "purposes/service-calls", "channel": "CHANNEL_PHONE_CALL",
  "decision": "CONSENT_DECISION_GRANTED", "occurTime": "'"$(date -u +%FT%TZ)"'",
  "evidence": {"method": "EVIDENCE_METHOD_PHONE_CALL", "sourceSystem": "call-center"}}}'
svc SuppressionService/CreateSuppressionList '{"suppressionListId": "reservasjon",
  "suppressionList": {"displayName": "Reservasjonsregisteret", "channels": ["CHANNEL_PHONE_CALL"],
  "identifierKind": "IDENTIFIER_KIND_PHONE_NUMBER", "source": "test"}}'
svc SuppressionService/AddSuppressionEntry '{"suppressionList": "suppressionLists/reservasjon",
  "identifier": "+4791234567"}'
pass "set up kari, three purposes, two grants and a register blocking calls to her number"

run --phone="912 34 567" --agent=agent-17
expect_eq "a known caller exits 0" "$rc" 0
expect_match "the national number finds one customer" "$output" '^caller 912 34 567: 1 customer$'
expect_match "the screen shows the profile" "$output" '^profiles/kari  Kari Nordmann$'
expect_match "with her number" "$output" 'phone    \+4791234567 \(mobile\)'
expect_match "and her billing id" "$output" 'id       billing:ACC-1042'
expect_match "SMS offers: yes, granted" "$output" \
  'SMS   yes: Offers by SMS \(purposes/sms-offers\), CHECK_REASON_GRANTED'
expect_match "SMS follow-up: no consent" "$output" \
  'SMS   no: Service follow-up \(purposes/service-calls\), CHECK_REASON_NO_CONSENT'
expect_match "a call: the register wins over the grant, naming the list" "$output" \
  'call  no: Service follow-up \(purposes/service-calls\), CHECK_REASON_SUPPRESSED on suppressionLists/reservasjon \(\+4791234567\)'
[[ $output != *newsletter* ]] || fail "the e-mail-only purpose is on the screen"
pass "a purpose for e-mail only is not on the screen"
calls=$(grep -c '^    call  ' <<<"$output")
expect_eq "one call answer (only service-calls covers calls)" "$calls" 1

# The answers are the server's: withdraw the SMS grant and look again.
svc ConsentService/RecordConsent '{"parent": "profiles/kari", "consentEvent": {
  "purpose": "purposes/sms-offers", "channel": "CHANNEL_SMS",
  "decision": "CONSENT_DECISION_WITHDRAWN", "occurTime": "'"$(date -u +%FT%TZ)"'",
  "evidence": {"method": "EVIDENCE_METHOD_PHONE_CALL", "sourceSystem": "call-center",
  "agent": "agent-17"}}}'
run --phone=+4791234567
expect_match "after a withdrawal SMS offers are refused" "$output" \
  'SMS   no: Offers by SMS \(purposes/sms-offers\), CHECK_REASON_WITHDRAWN'

run --phone="+47 41 23 45 67"
expect_eq "an unknown number exits 2" "$rc" 2
expect_match "and says so" "$output" 'no customer has this number'
run --phone="not a number"
expect_eq "an unparseable number exits 1" "$rc" 1
expect_match "the error names the field" "$output" 'INVALID_ARGUMENT.*'$'\n''.*phone: '
e2e_done
