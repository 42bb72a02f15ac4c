#!/usr/bin/env bash
# profile_api_scenario.sh: the ProfileService walk-through that
# profile_api_sqlite_test.sh and profile_api_mysql_test.sh run against a
# freshly started server (sourced after lib.sh; expects start_server done).
#
# run_profile_api_scenario: create (normalising emails and national phone
# numbers, request_id replay), get, update with etag and update_mask, stale
# etag, duplicate external id, list with filters and page tokens,
# delete/undelete, lookup by phone, e-mail and external id, and bad input
# with its field violations.

# create_profile ID JSON_PROFILE [REQUEST_ID]: creates profiles/ID and checks
# that it got that name.
create_profile() {
  local id=$1 profile=$2 request_id=${3:-}
  rpc CreateProfile "{\"profileId\": \"$id\", \"requestId\": \"$request_id\", \"profile\": $profile}"
  [[ $(out .name) == "profiles/$id" ]] || fail "CreateProfile named it $(out .name)"
}

# list_names REQUEST_JSON [PAGE_SIZE]: calls ListProfiles with PAGE_SIZE
# (default 10), following next_page_token to the end; prints the names of
# all pages in order.
list_names() {
  local request=$1 page_size=${2:-10} token="" names=() page
  for ((page = 0; page < 20; page++)); do
    rpc ListProfiles "$(jq -c --arg t "$token" --argjson n "$page_size" \
      '. + {pageSize: $n, pageToken: $t}' <<<"$request")"
    local count
    count=$(out '.profiles // [] | length')
    ((count <= page_size)) || fail "ListProfiles with pageSize $page_size returned $count"
    mapfile -t -O "${#names[@]}" names < <(out '.profiles // [] | .[].name')
    token=$(out '.nextPageToken // ""')
    if [[ -z $token ]]; then
      echo "${names[*]}"
      return
    fi
  done
  fail "ListProfiles did not reach the last page in 20 pages"
}

run_profile_api_scenario() {
  local ada etag first_etag create_time

  # Create: emails are stored trimmed with the domain lowercased; a national
  # phone number is read with --default-phone-region (NO) and stored E.164.
  ada='{
    "givenName": "Ada", "familyName": "Lovelace", "displayName": "Ada Lovelace",
    "emails": [{"address": "  Ada@Example.COM ", "label": "EMAIL_LABEL_WORK", "primary": true}],
    "phones": [{"number": "912 34 567", "label": "PHONE_LABEL_MOBILE"}],
    "addresses": [{"label": "ADDRESS_LABEL_HOME", "addressLines": ["Storgata 1"],
                   "postalCode": "0155", "locality": "Oslo", "regionCode": "NO"}],
    "birthDate": {"year": 1985, "month": 12, "day": 10},
    "languageCode": "nb-NO", "regionCode": "NO",
    "externalIds": [{"system": "billing", "id": "ACC-1042"}],
    "tags": ["vip"],
    "attributes": {"loyalty_points": {"int64Value": "120"}}
  }'
  create_profile ada "$ada" e2e-create-ada
  pass "CreateProfile returns profiles/ada"
  expect_eq "email trimmed, domain lowercased" "$(out '.emails[0].address')" "Ada@example.com"
  expect_eq "national phone stored as E.164" "$(out '.phones[0].number')" "+4791234567"
  expect_eq "attribute kept" "$(out '.attributes.loyalty_points.int64Value')" "120"
  expect_match "etag set" "$(out .etag)" '.'
  expect_match "create_time set" "$(out .createTime)" '^[0-9]{4}-'
  first_etag=$(out .etag)
  create_time=$(out .createTime)

  # A replayed request_id returns the first result and creates nothing.
  rpc CreateProfile "{\"requestId\": \"e2e-create-ada\", \"profileId\": \"ada\", \"profile\": $ada}"
  expect_eq "replayed CreateProfile returns the same profile" \
    "$(out .name) $(out .createTime)" "profiles/ada $create_time"

  rpc GetProfile '{"name": "profiles/ada"}'
  expect_eq "GetProfile returns the profile" "$(out .displayName)" "Ada Lovelace"
  expect_eq "GetProfile returns the same etag" "$(out .etag)" "$first_etag"

  rpc_error not_found GetProfile '{"name": "profiles/nobody"}'
  pass "GetProfile of an unknown profile is NOT_FOUND"

  # Update with the etag just read and an update_mask: only the masked field
  # changes, and the etag with it.
  rpc UpdateProfile "{\"profile\": {\"name\": \"profiles/ada\", \"etag\": \"$first_etag\",
      \"displayName\": \"Countess of Lovelace\", \"givenName\": \"not-in-mask\"},
      \"updateMask\": \"displayName\"}"
  expect_eq "UpdateProfile changes the masked field" "$(out .displayName)" "Countess of Lovelace"
  expect_eq "UpdateProfile leaves unmasked fields" "$(out .givenName)" "Ada"
  expect_ne "UpdateProfile changes the etag" "$(out .etag)" "$first_etag"
  etag=$(out .etag)

  # The etag read before that update is stale now: ABORTED, nothing changes.
  rpc_error aborted UpdateProfile "{\"profile\": {\"name\": \"profiles/ada\",
      \"etag\": \"$first_etag\", \"displayName\": \"Lost update\"}, \"updateMask\": \"displayName\"}"
  pass "UpdateProfile with a stale etag is ABORTED"
  rpc GetProfile '{"name": "profiles/ada"}'
  expect_eq "a stale update changes nothing" "$(out .displayName) $(out .etag)" \
    "Countess of Lovelace $etag"

  rpc_error invalid_argument UpdateProfile "{\"profile\": {\"name\": \"profiles/ada\"},
      \"updateMask\": \"noSuchField\"}"
  pass "UpdateProfile with an unknown update_mask path is INVALID_ARGUMENT"

  # More profiles for listing.
  create_profile bob '{"displayName": "Bob", "regionCode": "SE",
      "externalIds": [{"system": "webshop", "id": "u_991"}]}'
  create_profile cara '{"displayName": "Cara", "regionCode": "NO", "tags": ["vip", "newsletter"]}'
  create_profile dan '{"displayName": "Dan", "regionCode": "NO"}'
  pass "three more profiles created"

  # Lookup by one identifier: a national phone number (read in the default
  # region), an e-mail in another case, an external id.
  rpc LookupProfiles '{"phone": "912 34 567"}'
  expect_eq "LookupProfiles by a national phone finds the profile" \
    "$(out '[.profiles[].name] | join(" ")')" "profiles/ada"
  rpc LookupProfiles '{"email": "ADA@EXAMPLE.COM"}'
  expect_eq "LookupProfiles by e-mail ignores case" "$(out '[.profiles[].name] | join(" ")')" \
    "profiles/ada"
  rpc LookupProfiles '{"externalId": {"system": "webshop", "id": "u_991"}}'
  expect_eq "LookupProfiles by external id" "$(out '[.profiles[].name] | join(" ")')" "profiles/bob"
  rpc_error invalid_argument LookupProfiles '{}'
  pass "LookupProfiles without an identifier is INVALID_ARGUMENT"

  rpc_error already_exists CreateProfile '{"profile": {"displayName": "Eve",
      "externalIds": [{"system": "billing", "id": "ACC-1042"}]}}'
  pass "a duplicate external id on another live profile is ALREADY_EXISTS"
  expect_match "ALREADY_EXISTS names the system" "$(error_json)" 'billing'

  # List with filters; one profile per page, following next_page_token.
  expect_eq "filter region_code, one per page" \
    "$(list_names '{"filter": "region_code = \"NO\""}' 1)" "profiles/ada profiles/cara profiles/dan"
  expect_eq "filter with AND and :" \
    "$(list_names '{"filter": "tags:\"vip\" AND region_code = \"NO\""}')" \
    "profiles/ada profiles/cara"
  expect_eq "filter with OR, NOT and parentheses" \
    "$(list_names '{"filter": "region_code = \"SE\" OR (tags:\"vip\" AND NOT display_name = \"Cara\")"}')" \
    "profiles/ada profiles/bob"
  expect_eq "filter on external_ids" \
    "$(list_names '{"filter": "external_ids.system = \"webshop\" AND external_ids.id = \"u_991\""}')" \
    "profiles/bob"
  expect_eq "order_by display_name desc" "$(list_names '{"orderBy": "display_name desc"}')" \
    "profiles/dan profiles/ada profiles/cara profiles/bob"

  rpc ListProfiles '{"pageSize": 2, "filter": "region_code = \"NO\""}'
  local token
  token=$(out .nextPageToken)
  expect_match "a first page of 2 has a next_page_token" "$token" '.'
  rpc_error invalid_argument ListProfiles "{\"pageSize\": 2, \"pageToken\": \"$token\",
      \"filter\": \"region_code = \\\"SE\\\"\"}"
  pass "a page token used with another filter is INVALID_ARGUMENT"
  rpc_error invalid_argument ListProfiles '{"filter": "no_such_field = 1"}'
  pass "a filter on an unknown field is INVALID_ARGUMENT"

  # Soft delete with the etag, then undelete.
  rpc GetProfile '{"name": "profiles/dan"}'
  etag=$(out .etag)
  rpc_error aborted DeleteProfile '{"name": "profiles/dan", "etag": "stale-etag"}'
  pass "DeleteProfile with a stale etag is ABORTED"
  rpc DeleteProfile "{\"name\": \"profiles/dan\", \"etag\": \"$etag\"}"
  expect_match "DeleteProfile sets delete_time" "$(out '.deleteTime // ""')" '^[0-9]{4}-'
  rpc GetProfile '{"name": "profiles/dan"}'
  expect_match "GetProfile returns a deleted profile" "$(out '.deleteTime // ""')" '^[0-9]{4}-'
  expect_eq "ListProfiles leaves deleted profiles out" \
    "$(list_names '{"filter": "region_code = \"NO\""}')" "profiles/ada profiles/cara"
  expect_eq "ListProfiles with show_deleted includes them" \
    "$(list_names '{"filter": "region_code = \"NO\"", "showDeleted": true}' 1)" \
    "profiles/ada profiles/cara profiles/dan"
  rpc UndeleteProfile '{"name": "profiles/dan"}'
  expect_eq "UndeleteProfile clears delete_time" "$(out '.deleteTime // ""')" ""
  expect_eq "an undeleted profile is listed again" \
    "$(list_names '{"filter": "region_code = \"NO\""}')" "profiles/ada profiles/cara profiles/dan"

  # Bad input: INVALID_ARGUMENT with a google.rpc.BadRequest naming every bad
  # field and a google.rpc.ErrorInfo; no personal data in the message.
  rpc_error invalid_argument CreateProfile '{"profile": {
      "emails": [{"address": "not-an-email"}], "phones": [{"number": "12ab"}],
      "regionCode": "XX", "birthDate": {"year": 2999, "month": 1, "day": 1}}}'
  pass "bad input is INVALID_ARGUMENT"
  expect_match "the message names the first bad field" "$(error_json | jq -r .message)" \
    'profile\.'
  local fields
  fields=$(error_detail google.rpc.BadRequest | sed -n 's/^ *field: "\(.*\)"$/\1/p' | tr '\n' ' ')
  expect_match "BadRequest names the email" "$fields" 'profile\.emails\[0\]\.address'
  expect_match "BadRequest names the phone" "$fields" 'profile\.phones\[0\]\.number'
  expect_match "BadRequest names the region code" "$fields" 'profile\.region_code'
  expect_match "BadRequest names the birth date" "$fields" 'profile\.birth_date'
  expect_match "ErrorInfo carries the service's domain and a reason" \
    "$(error_detail google.rpc.ErrorInfo | tr '\n' ' ')" \
    'reason: "[A-Z_]+" +domain: "customerprofile\.example\.com"'
  if grep -qE 'not-an-email|12ab' "$E2E_ERR"; then
    fail "the error repeats the rejected values"
  fi
  pass "the error does not repeat the rejected values"
  rpc ListProfiles '{"showDeleted": true}'
  expect_eq "bad input wrote nothing" "$(out '.profiles | length')" "4"
}
