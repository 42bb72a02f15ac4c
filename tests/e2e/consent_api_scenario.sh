#!/usr/bin/env bash
# consent_api_scenario.sh: the ConsentService walk-through that
# consent_api_sqlite_test.sh and consent_api_mysql_test.sh run against a
# freshly started server (sourced after lib.sh; expects start_server done).
#
# run_consent_api_scenario: create a purpose, change its notice text
# (version 2, version 1 still readable), record a grant and a back-dated
# paper withdrawal, check and batch check, double opt-in with its token,
# and the error answers.

# consent_rpc METHOD [JSON]: rpc on a ConsentService method.
consent_rpc() {
  rpc "customerprofile.v1.ConsentService/$1" "${2:-"{}"}"
}

# consent_error CODE METHOD [JSON]: rpc_error on a ConsentService method.
consent_error() {
  rpc_error "$1" "customerprofile.v1.ConsentService/$2" "${3:-"{}"}"
}

# ago SECONDS: prints the RFC 3339 UTC time SECONDS ago.
ago() {
  date -u -d "@$(($(date +%s) - $1))" +%Y-%m-%dT%H:%M:%SZ
}

# record_json PURPOSE CHANNEL DECISION OCCUR METHOD [CONTACT_POINT]: prints a
# RecordConsent request for profiles/ada.
record_json() {
  jq -nc --arg p "purposes/$1" --arg c "$2" --arg d "$3" --arg t "$4" --arg m "$5" \
    --arg cp "${6:-}" '{parent: "profiles/ada", consentEvent: {purpose: $p, channel: $c,
      decision: $d, occurTime: $t, contactPoint: $cp,
      evidence: {method: $m, sourceSystem: "e2e"}}}'
}

run_consent_api_scenario() {
  local grant_event token

  rpc CreateProfile '{"profileId": "ada", "profile": {"givenName": "Ada",
    "emails": [{"address": "ada@example.com"}], "phones": [{"number": "+4791234567"}]}}'

  consent_rpc CreatePurpose '{"purposeId": "newsletter", "purpose": {
    "displayName": "Newsletter", "legalBasis": "LEGAL_BASIS_CONSENT",
    "channels": ["CHANNEL_EMAIL", "CHANNEL_SMS"], "consentValidityMonths": 24,
    "noticeText": "Monthly news, v1."}}'
  expect_eq "CreatePurpose names the purpose" "$(out .name)" "purposes/newsletter"
  expect_eq "a new purpose has notice version 1" "$(out .noticeVersion)" "1"

  consent_rpc UpdatePurpose "{\"purpose\": {\"name\": \"purposes/newsletter\",
    \"etag\": $(out .etag | jq -R .), \"noticeText\": \"Monthly news, v2.\"},
    \"updateMask\": \"noticeText\"}"
  expect_eq "a new notice text makes version 2" "$(out .noticeVersion)" "2"
  consent_rpc GetNoticeVersion '{"name": "purposes/newsletter/noticeVersions/1"}'
  expect_eq "notice version 1 stays readable" "$(out .noticeText)" "Monthly news, v1."

  # A web grant an hour ago, then a paper withdrawal dated two days ago:
  # the later occurrence (the grant) still decides.
  consent_rpc RecordConsent "$(record_json newsletter CHANNEL_EMAIL CONSENT_DECISION_GRANTED \
    "$(ago 3600)" EVIDENCE_METHOD_WEB_FORM)"
  grant_event=$(out .consentEvent.name)
  expect_match "RecordConsent names the event" "$grant_event" '^profiles/ada/consentEvents/'
  consent_rpc RecordConsent "$(record_json newsletter CHANNEL_EMAIL CONSENT_DECISION_WITHDRAWN \
    "$(ago 172800)" EVIDENCE_METHOD_PAPER)"
  expect_eq "a back-dated withdrawal leaves the grant current" "$(out .consent.state)" \
    "CONSENT_STATE_GRANTED"

  consent_rpc CheckConsent '{"profile": "profiles/ada", "purpose": "purposes/newsletter",
    "channel": "CHANNEL_EMAIL"}'
  expect_eq "CheckConsent allows with the grant" "$(out '.check.allowed') $(out .check.reason)" \
    "true CHECK_REASON_GRANTED"
  expect_eq "CheckConsent names the deciding event" "$(out .check.decidingEvent)" "$grant_event"

  consent_rpc BatchCheckConsent '{"purpose": "purposes/newsletter", "channel": "CHANNEL_SMS",
    "profiles": ["profiles/nobody", "profiles/ada"]}'
  expect_eq "BatchCheckConsent answers in request order" \
    "$(out '[.checks[].reason] | join(" ")')" \
    "CHECK_REASON_PROFILE_NOT_FOUND CHECK_REASON_NO_CONSENT"

  # Double opt-in: pending until the token is confirmed, and only once.
  consent_rpc CreatePurpose '{"purposeId": "offers", "purpose": {"displayName": "Offers",
    "legalBasis": "LEGAL_BASIS_CONSENT", "channels": ["CHANNEL_EMAIL"],
    "doubleOptInRequired": true, "noticeText": "Offers."}}'
  consent_rpc RecordConsent "$(record_json offers CHANNEL_EMAIL CONSENT_DECISION_GRANTED \
    "$(ago 60)" EVIDENCE_METHOD_WEB_FORM ada@example.com)"
  expect_eq "a double opt-in grant is pending" "$(out .consent.state)" \
    "CONSENT_STATE_PENDING_CONFIRMATION"
  token=$(out .confirmationToken)
  expect_match "a confirmation token is returned" "$token" '.'
  consent_rpc ConfirmConsent "{\"token\": \"$token\"}"
  expect_eq "ConfirmConsent records DOUBLE_OPT_IN evidence" "$(out .evidence.method)" \
    "EVIDENCE_METHOD_DOUBLE_OPT_IN"
  consent_error failed_precondition ConfirmConsent "{\"token\": \"$token\"}"
  pass "a used token is FAILED_PRECONDITION"

  consent_rpc ListConsents '{"parent": "profiles/ada"}'
  expect_eq "ListConsents shows both consents" "$(out '.consents | length')" "2"
  consent_rpc ListConsentEvents '{"parent": "profiles/ada"}'
  expect_eq "ListConsentEvents keeps every event" "$(out '.consentEvents | length')" "4"

  # Errors.
  consent_error invalid_argument RecordConsent "$(record_json newsletter CHANNEL_EMAIL \
    CONSENT_DECISION_GRANTED "$(ago 60)" EVIDENCE_METHOD_WEB_FORM other@example.com)"
  expect_match "a foreign contact point names the field" \
    "$(error_detail google.rpc.BadRequest)" 'consent_event.contact_point'
  consent_error not_found RecordConsent "$(record_json nope CHANNEL_EMAIL \
    CONSENT_DECISION_GRANTED "$(ago 60)" EVIDENCE_METHOD_WEB_FORM)"
  pass "an unknown purpose is NOT_FOUND"
  consent_error invalid_argument RecordConsent "$(record_json newsletter CHANNEL_POST \
    CONSENT_DECISION_GRANTED "$(ago 60)" EVIDENCE_METHOD_WEB_FORM)"
  pass "a channel the purpose does not cover is INVALID_ARGUMENT"

  rpc DeleteProfile '{"name": "profiles/ada"}'
  consent_rpc CheckConsent '{"profile": "profiles/ada", "purpose": "purposes/newsletter",
    "channel": "CHANNEL_EMAIL"}'
  expect_eq "a deleted profile is not allowed" "$(out '.check.allowed // false') $(out .check.reason)" \
    "false CHECK_REASON_PROFILE_DELETED"
}
