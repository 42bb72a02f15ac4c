#!/usr/bin/env bash
# suppression_api_scenario.sh: the SuppressionService walk-through that
# suppression_api_sqlite_test.sh and suppression_api_mysql_test.sh run
# against a freshly started server (sourced after lib.sh; expects
# start_server done).
#
# run_suppression_api_scenario: create a do-not-contact register, stream a
# register file into it (client streaming through buf curl), check numbers,
# see a consented SMS turn SUPPRESSED, append, remove, replace, delete.

# supp_rpc METHOD [JSON]: rpc on a SuppressionService method.
supp_rpc() {
  rpc "customerprofile.v1.SuppressionService/$1" "${2:-"{}"}"
}

run_suppression_api_scenario() {
  supp_rpc CreateSuppressionList '{"suppressionListId": "reservasjon", "suppressionList": {
    "displayName": "Reservasjonsregisteret", "channels": ["CHANNEL_PHONE_CALL", "CHANNEL_SMS"],
    "identifierKind": "IDENTIFIER_KIND_PHONE_NUMBER", "source": "Brønnøysundregistrene"}}'
  expect_eq "CreateSuppressionList names the list" "$(out .name)" "suppressionLists/reservasjon"

  # Two stream messages, as a client sends a register file in chunks.
  supp_rpc ImportSuppressionEntries '{"suppressionList": "suppressionLists/reservasjon",
    "mode": "IMPORT_MODE_REPLACE", "lines": ["912 34 567", "+4741234567", "not-a-number"]}
    {"lines": ["", "91234567", "+47 48 00 00 00"]}'
  expect_eq "the import counts added, duplicate, rejected and skipped lines" \
    "$(out '[.addedCount, .duplicateCount, .rejectedCount, .skippedCount, .linesRead] | join(" ")')" \
    "3 1 1 1 6"
  expect_eq "the import reports the rejected line by number" "$(out '.rejectedLines[0].lineNumber')" "3"
  expect_eq "the list holds the good lines" "$(out .suppressionList.entryCount)" "3"

  supp_rpc CheckSuppression '{"identifier": "+47 912 34 567"}'
  expect_eq "CheckSuppression finds a national number in E.164" \
    "$(out '"\(.suppressed) \(.suppressionLists[0]) \(.identifier)"')" \
    "true suppressionLists/reservasjon +4791234567"
  supp_rpc CheckSuppression '{"identifier": "99999999"}'
  expect_eq "a number not on any list is not suppressed" "$(out '.suppressed // false')" "false"

  # Consent is given, yet the register wins.
  rpc CreateProfile '{"profileId": "ola", "profile": {"givenName": "Ola",
    "phones": [{"number": "912 34 567"}]}}'
  rpc customerprofile.v1.ConsentService/CreatePurpose '{"purposeId": "sms-offers", "purpose": {
    "displayName": "SMS offers", "legalBasis": "LEGAL_BASIS_CONSENT",
    "channels": ["CHANNEL_SMS"], "noticeText": "Offers by SMS."}}'
  rpc customerprofile.v1.ConsentService/RecordConsent '{"parent": "profiles/ola",
    "consentEvent": {"purpose": "purposes/sms-offers", "channel": "CHANNEL_SMS",
    "decision": "CONSENT_DECISION_GRANTED", "occurTime": "'"$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ)"'",
    "evidence": {"method": "EVIDENCE_METHOD_WEB_FORM",
    "sourceSystem": "e2e"}}}'
  rpc customerprofile.v1.ConsentService/CheckConsent '{"profile": "profiles/ola",
    "purpose": "purposes/sms-offers", "channel": "CHANNEL_SMS"}'
  expect_eq "a consented SMS to a reserved number is SUPPRESSED" \
    "$(out '"\(.check.allowed // false) \(.check.reason) \(.check.suppressionList) \(.check.suppressionEntry)"')" \
    "false CHECK_REASON_SUPPRESSED suppressionLists/reservasjon +4791234567"

  supp_rpc RemoveSuppressionEntry '{"suppressionList": "suppressionLists/reservasjon",
    "identifier": "91234567"}'
  expect_eq "RemoveSuppressionEntry removes the entry" "$(out .removed)" "true"
  rpc customerprofile.v1.ConsentService/CheckConsent '{"profile": "profiles/ola",
    "purpose": "purposes/sms-offers", "channel": "CHANNEL_SMS"}'
  expect_eq "once off the register, the consent decides" "$(out .check.reason)" \
    "CHECK_REASON_GRANTED"

  supp_rpc AddSuppressionEntry '{"suppressionList": "suppressionLists/reservasjon",
    "identifier": "+47 912 34 567"}'
  expect_eq "AddSuppressionEntry stores E.164" "$(out .identifier)" "+4791234567"

  supp_rpc ImportSuppressionEntries '{"suppressionList": "suppressionLists/reservasjon",
    "mode": "IMPORT_MODE_REPLACE", "lines": ["99999999"]}'
  expect_eq "REPLACE leaves exactly the new file" "$(out .suppressionList.entryCount)" "1"
  supp_rpc CheckSuppression '{"identifier": "91234567"}'
  expect_eq "a number only on the old file is no longer suppressed" \
    "$(out '.suppressed // false')" "false"

  rpc_error invalid_argument customerprofile.v1.SuppressionService/ImportSuppressionEntries \
    '{"suppressionList": "suppressionLists/reservasjon", "lines": ["99999999"]}'
  pass "an import without a mode is INVALID_ARGUMENT"
  rpc_error not_found customerprofile.v1.SuppressionService/GetSuppressionList \
    '{"name": "suppressionLists/none"}'
  pass "an unknown list is NOT_FOUND"

  supp_rpc ListSuppressionLists
  expect_eq "ListSuppressionLists lists the register" "$(out '.suppressionLists[0].name')" \
    "suppressionLists/reservasjon"
  supp_rpc DeleteSuppressionList '{"name": "suppressionLists/reservasjon"}'
  supp_rpc CheckSuppression '{"identifier": "99999999"}'
  expect_eq "a deleted list suppresses nothing" "$(out '.suppressed // false')" "false"
}
