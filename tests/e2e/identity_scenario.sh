#!/usr/bin/env bash
# identity_scenario.sh: the identity walk-through of issue 17 that
# identity_sqlite_test.sh and identity_mysql_test.sh run against a freshly
# started server (sourced after lib.sh; expects start_server done).
#
# run_identity_scenario: the web shop creates a customer with an e-mail and
# an SMS consent, billing creates the same person with a billing id and a
# phone, the call center looks the caller up by phone in national format,
# finds the duplicate, merges, checks SMS consent (granted on the web
# profile) on the survivor, then unmerges.

run_identity_scenario() {
  local merge survivor_etag

  # The web shop: an e-mail, a mobile number, SMS consent on that number.
  rpc CreateProfile '{"profileId": "web-kari", "profile": {"givenName": "Kari",
    "familyName": "Nordmann", "emails": [{"address": "Kari@Example.com", "primary": true}],
    "phones": [{"number": "+4741234567"}], "birthDate": {"year": 1980, "month": 5, "day": 17}}}'
  rpc customerprofile.v1.ConsentService/CreatePurpose '{"purposeId": "offers", "purpose": {
    "displayName": "Offers", "legalBasis": "LEGAL_BASIS_CONSENT",
    "channels": ["CHANNEL_SMS"], "consentValidityMonths": 24, "noticeText": "Offers, v1."}}'
  rpc customerprofile.v1.ConsentService/RecordConsent "{\"parent\": \"profiles/web-kari\",
    \"consentEvent\": {\"purpose\": \"purposes/offers\", \"channel\": \"CHANNEL_SMS\",
      \"contactPoint\": \"+4741234567\", \"decision\": \"CONSENT_DECISION_GRANTED\",
      \"occurTime\": \"$(date -u -d '1 minute ago' +%Y-%m-%dT%H:%M:%SZ)\",
      \"evidence\": {\"method\": \"EVIDENCE_METHOD_WEB_FORM\", \"sourceSystem\": \"webshop\"}}}"

  # Billing: the same person with its account id, the same phone.
  rpc CreateProfile '{"profileId": "billing-kari", "profile": {"givenName": "Kari",
    "familyName": "Nordmann", "birthDate": {"year": 1980, "month": 5, "day": 17},
    "phones": [{"number": "+4741234567", "primary": true}],
    "externalIds": [{"system": "billing", "id": "ACC-1042"}],
    "addresses": [{"addressLines": ["Storgata 1"], "postalCode": "0155", "locality": "Oslo",
      "regionCode": "NO"}]}}'

  # The call center has the caller's number in national format.
  rpc LookupProfiles '{"phone": "412 34 567", "regionCode": "NO"}'
  expect_eq "the national number finds both copies" \
    "$(out '[.profiles[].name] | sort | join(",")')" "profiles/billing-kari,profiles/web-kari"

  rpc FindDuplicates '{"name": "profiles/billing-kari"}'
  expect_eq "FindDuplicates names the web copy" "$(out '.candidates[0].profile.name')" \
    "profiles/web-kari"
  expect_eq "it matched on phone and on name + birth date" \
    "$(out '[.candidates[0].matches[].rule] | join(",")')" "DUPLICATE_RULE_SAME_PHONE,DUPLICATE_RULE_SAME_NAME_AND_BIRTH_DATE"
  expect_eq "with the score of both rules" "$(out '.candidates[0].score')" "80"

  # Merge billing's copy into the web one; the survivor keeps its e-mail and
  # takes the billing id and the address.
  rpc MergeProfiles "{\"survivor\": \"profiles/web-kari\",
    \"mergedProfiles\": [{\"name\": \"profiles/billing-kari\"}], \"requestId\": \"merge-kari\"}"
  merge=$(out .merge.name)
  expect_match "MergeProfiles names the merge" "$merge" '^profiles/web-kari/merges/'
  expect_eq "the survivor has the billing id" "$(out '.survivor.externalIds[0].id')" "ACC-1042"
  expect_eq "and the address" "$(out '.survivor.addresses[0].postalCode')" "0155"
  rpc MergeProfiles "{\"survivor\": \"profiles/web-kari\",
    \"mergedProfiles\": [{\"name\": \"profiles/billing-kari\"}], \"requestId\": \"merge-kari\"}"
  expect_eq "a replay returns the first merge" "$(out .merge.name)" "$merge"

  rpc GetProfile '{"name": "profiles/billing-kari"}'
  expect_eq "the merged copy reads back PROFILE_STATE_MERGED" "$(out .state)" "PROFILE_STATE_MERGED"
  expect_eq "naming its survivor" "$(out .mergedInto)" "profiles/web-kari"
  rpc_error failed_precondition UpdateProfile '{"profile": {"name": "profiles/billing-kari",
    "givenName": "X"}, "updateMask": "givenName"}'
  expect_match "a write to it is refused naming the survivor" \
    "$(error_detail google.rpc.ErrorInfo)" 'PROFILE_MERGED'
  rpc LookupProfiles '{"externalId": {"system": "billing", "id": "ACC-1042"}}'
  expect_eq "the billing id finds the survivor" "$(out '[.profiles[].name] | join(",")')" \
    "profiles/web-kari"

  rpc GetProfile '{"name": "profiles/web-kari", "view": "PROFILE_VIEW_FULL"}'
  expect_eq "FULL shows where the billing id came from" \
    "$(out '.provenance[] | select(.field == "external_ids") | .sourceProfile')" \
    "profiles/billing-kari"
  survivor_etag=$(out .etag)

  # SMS consent was granted on the web profile; asking by the merged name
  # answers for the survivor.
  rpc customerprofile.v1.ConsentService/CheckConsent '{"profile": "profiles/billing-kari",
    "purpose": "purposes/offers", "channel": "CHANNEL_SMS"}'
  expect_eq "SMS is allowed for the survivor" "$(out .check.allowed)" "true"
  expect_eq "the check answers for the survivor" "$(out .check.profile)" "profiles/web-kari"

  rpc ListMerges '{"parent": "profiles/web-kari"}'
  expect_eq "ListMerges shows the merge" "$(out '.merges[0].name')" "$merge"

  rpc UnmergeProfile "{\"name\": \"$merge\", \"etag\": \"$survivor_etag\"}"
  expect_eq "unmerge restores the billing copy" "$(out '.restoredProfiles[0].name')" \
    "profiles/billing-kari"
  expect_eq "the merge is MERGE_STATE_UNDONE" "$(out .merge.state)" "MERGE_STATE_UNDONE"
  rpc GetProfile '{"name": "profiles/web-kari"}'
  expect_eq "the billing id left the survivor" "$(out '.externalIds // [] | length')" "0"
  rpc GetProfile '{"name": "profiles/billing-kari"}'
  expect_eq "the billing copy is ACTIVE again" "$(out .state)" "PROFILE_STATE_ACTIVE"
  expect_eq "with its billing id" "$(out '.externalIds[0].id')" "ACC-1042"
  rpc_error failed_precondition UnmergeProfile "{\"name\": \"$merge\"}"
}
