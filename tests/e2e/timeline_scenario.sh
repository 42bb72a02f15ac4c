#!/usr/bin/env bash
# timeline_scenario.sh: the timeline walk-through that timeline_sqlite_test.sh
# and timeline_mysql_test.sh run against a freshly started server (sourced
# after lib.sh; expects start_server done).
#
# run_timeline_scenario: the web shop records an order, billing records the
# payment, the call center looks the caller up by phone and sees both in the
# timeline, then records the call with a CSAT answer; a replayed order
# changes nothing, the same order on another profile is refused.

# interaction_rpc METHOD [JSON]: rpc on an InteractionService method.
interaction_rpc() {
  rpc "customerprofile.v1.InteractionService/$1" "${2:-"{}"}"
}

# minutes_ago N: prints the RFC 3339 UTC time N minutes ago.
minutes_ago() {
  date -u -d "$1 minutes ago" +%Y-%m-%dT%H:%M:%SZ
}

run_timeline_scenario() {
  local order_name order_time
  order_time=$(minutes_ago 90)  # once: a replay must say exactly the same

  rpc CreateProfile '{"profileId": "kari", "profile": {"givenName": "Kari",
    "phones": [{"number": "+4741234567"}]}}'
  rpc CreateProfile '{"profileId": "ola", "profile": {"givenName": "Ola"}}'

  interaction_rpc RecordInteraction "{\"parent\": \"profiles/kari\", \"interaction\": {
    \"channel\": \"INTERACTION_CHANNEL_WEB\", \"direction\": \"INTERACTION_DIRECTION_INBOUND\",
    \"kind\": \"INTERACTION_KIND_ORDER\", \"occurTime\": \"$order_time\",
    \"sourceSystem\": \"webshop\", \"externalRef\": \"order-1001\", \"summary\": \"Coffee beans\",
    \"amount\": {\"currencyCode\": \"NOK\", \"units\": \"499\"}}}"
  order_name=$(out .name)
  expect_match "the order is named under kari" "$order_name" '^profiles/kari/interactions/'

  interaction_rpc RecordInteraction "{\"parent\": \"profiles/kari\", \"interaction\": {
    \"channel\": \"INTERACTION_CHANNEL_WEB\", \"direction\": \"INTERACTION_DIRECTION_INBOUND\",
    \"kind\": \"INTERACTION_KIND_ORDER\", \"occurTime\": \"$order_time\",
    \"sourceSystem\": \"webshop\", \"externalRef\": \"order-1001\", \"summary\": \"Coffee beans\",
    \"amount\": {\"currencyCode\": \"NOK\", \"units\": \"499\"}}}"
  expect_eq "a replay returns the first order" "$(out .name)" "$order_name"

  rpc_error already_exists customerprofile.v1.InteractionService/RecordInteraction \
    "{\"parent\": \"profiles/ola\", \"interaction\": {
    \"channel\": \"INTERACTION_CHANNEL_WEB\", \"direction\": \"INTERACTION_DIRECTION_INBOUND\",
    \"kind\": \"INTERACTION_KIND_ORDER\", \"occurTime\": \"$order_time\",
    \"sourceSystem\": \"webshop\", \"externalRef\": \"order-1001\", \"summary\": \"Coffee beans\",
    \"amount\": {\"currencyCode\": \"NOK\", \"units\": \"499\"}}}"
  expect_match "the same order on another profile is refused naming it" \
    "$(error_detail google.rpc.ErrorInfo)" "$order_name"

  interaction_rpc RecordInteraction "{\"parent\": \"profiles/kari\", \"interaction\": {
    \"channel\": \"INTERACTION_CHANNEL_POST\", \"direction\": \"INTERACTION_DIRECTION_INBOUND\",
    \"kind\": \"INTERACTION_KIND_PAYMENT\", \"occurTime\": \"$(minutes_ago 30)\",
    \"sourceSystem\": \"billing\", \"externalRef\": \"pay-77\",
    \"amount\": {\"currencyCode\": \"NOK\", \"units\": \"499\"}}}"

  # The call center has the caller's number in national format.
  rpc LookupProfiles '{"phone": "412 34 567"}'
  expect_eq "the caller is found" "$(out '.profiles[0].name')" "profiles/kari"
  interaction_rpc ListInteractions '{"parent": "profiles/kari"}'
  expect_eq "the timeline shows payment then order, newest first" \
    "$(out '[.interactions[].kind] | join(",")')" "INTERACTION_KIND_PAYMENT,INTERACTION_KIND_ORDER"
  rpc GetProfile '{"name": "profiles/kari", "view": "PROFILE_VIEW_FULL"}'
  expect_eq "the agent sees the web order's value in the insights" \
    "$(out '.insights.values[0] | "\(.currencyCode) \(.lifetimeValue.units) \(.orderCount)"')" \
    "NOK 499 1"
  expect_eq "and billing's payment" "$(out '.insights.values[0].totalPaid.units')" "499"

  interaction_rpc RecordInteraction "{\"parent\": \"profiles/kari\", \"interaction\": {
    \"channel\": \"INTERACTION_CHANNEL_PHONE_CALL\", \"direction\": \"INTERACTION_DIRECTION_INBOUND\",
    \"kind\": \"INTERACTION_KIND_CALL\", \"occurTime\": \"$(minutes_ago 1)\",
    \"sourceSystem\": \"callcenter\", \"externalRef\": \"call-5\", \"agent\": \"agent-17\",
    \"satisfaction\": {\"csat\": 5, \"questionId\": \"csat-after-call\"}}}"
  expect_eq "the call keeps its CSAT answer" "$(out .satisfaction.csat)" "5"
  interaction_rpc ListInteractions '{"parent": "profiles/kari", "pageSize": 1}'
  expect_eq "the call is newest" "$(out '.interactions[0].kind')" "INTERACTION_KIND_CALL"
  expect_ne "and there is a next page" "$(out '.nextPageToken // ""')" ""
  interaction_rpc GetProfileInsights '{"name": "profiles/kari/insights"}'
  expect_eq "the insights count the CSAT answer" \
    "$(out '.satisfaction | "\(.csatCount) \(.csatMean)"')" "1 5"
  expect_eq "one inbound each on web, post and phone: the phone was used last" \
    "$(out .preferredInboundChannel)" "INTERACTION_CHANNEL_PHONE_CALL"
  rpc ListProfiles "{\"filter\": \"insights.last_interaction_time >= \\\"$(minutes_ago 10)\\\"\"}"
  expect_eq "ListProfiles finds the customers active in the last 10 minutes" \
    "$(out '[.profiles[].name] | join(",")')" "profiles/kari"

  rpc_error invalid_argument customerprofile.v1.InteractionService/RecordInteraction \
    "{\"parent\": \"profiles/kari\", \"interaction\": {\"channel\": \"INTERACTION_CHANNEL_WEB\",
    \"direction\": \"INTERACTION_DIRECTION_INBOUND\", \"kind\": \"INTERACTION_KIND_ORDER\",
    \"occurTime\": \"$(minutes_ago 1)\", \"sourceSystem\": \"webshop\"}}"
  expect_match "an order without an amount names the field" \
    "$(error_detail google.rpc.BadRequest)" 'interaction.amount'
}
