#!/usr/bin/env bash
# Verifies --metrics-listen: the real server serves Prometheus text at
# /metrics over HTTP; after calls through buf curl its counters moved (calls
# by method and code, latency, consent answers, register import lines), the
# scrape-time figures (worker pool, database pool, cache, transactions) are
# there, and neither a customer's data nor a profile id appears in it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools
command -v curl >/dev/null || fail "curl is missing (scripts/setup.sh installs it)"
use_sqlite_store
start_server --metrics-listen=127.0.0.1:0
metrics_addr=$(jq -rR 'fromjson? | select(.event == "metrics_listening") | .address // empty' \
  "$E2E_SERVER_LOG" | head -n 1)
[[ -n $metrics_addr ]] || fail "no metrics_listening line with the address in the server's log"
pass "metrics: listening on $metrics_addr"

scrape() { curl -fsS --max-time 10 "http://$metrics_addr/metrics"; }
# value METRIC_WITH_LABELS: the sample's value in the last scrape, or 0.
value() {
  awk -v m="$1" 'index($0, m " ") == 1 { print $NF; found = 1 } END { if (!found) print 0 }' \
    "$E2E_TMP/metrics.txt"
}

scrape >"$E2E_TMP/metrics.txt" || fail "GET /metrics failed"
svc='grpc_service="customerprofile.v1.ProfileService"'
before=$(value "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"CreateProfile\",$svc}")

rpc CreateProfile '{"profileId": "metrics-kari", "profile": {"givenName": "Kari",
  "emails": [{"address": "kari.metrics@example.com"}]}}'
rpc CreateProfile '{"profileId": "metrics-ola", "profile": {"givenName": "Ola"}}'
rpc_error not_found GetProfile '{"name": "profiles/nobody-here"}'
rpc customerprofile.v1.ConsentService/CreatePurpose '{"purposeId": "newsletter", "purpose": {
  "displayName": "Newsletter", "legalBasis": "LEGAL_BASIS_CONSENT", "channels": ["CHANNEL_EMAIL"],
  "consentValidityMonths": 24, "noticeText": "Monthly news, v1."}}'
rpc customerprofile.v1.ConsentService/CheckConsent \
  '{"profile": "profiles/metrics-kari", "purpose": "purposes/newsletter", "channel": "CHANNEL_EMAIL"}'
rpc customerprofile.v1.SuppressionService/CreateSuppressionList '{"suppressionListId": "reservert",
  "suppressionList": {"displayName": "Reservert", "channels": ["CHANNEL_SMS"],
  "identifierKind": "IDENTIFIER_KIND_PHONE_NUMBER", "source": "test"}}'
rpc customerprofile.v1.SuppressionService/ImportSuppressionEntries \
  '{"suppressionList": "suppressionLists/reservert", "mode": "IMPORT_MODE_REPLACE",
    "lines": ["912 34 567", "+47 912 34 567", "not-a-number"]}'
expect_eq "the import added, found a duplicate and rejected a line" \
  "$(out '[.addedCount, .duplicateCount, .rejectedCount] | join(" ")')" "1 1 1"

scrape >"$E2E_TMP/metrics.txt" || fail "GET /metrics failed"
grep -q '^# TYPE grpc_server_handled_total counter' "$E2E_TMP/metrics.txt" ||
  fail "no grpc_server_handled_total family: $(grep -v '^#' "$E2E_TMP/metrics.txt" | head -n 20)"
after=$(value "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"CreateProfile\",$svc}")
expect_eq "CreateProfile OK counted twice" "$((after - before))" 2
expect_eq "GetProfile NOT_FOUND counted" \
  "$(value "grpc_server_handled_total{grpc_code=\"NOT_FOUND\",grpc_method=\"GetProfile\",$svc}")" 1
expect_eq "CreateProfile latency observed" \
  "$(value "grpc_server_handling_seconds_count{grpc_method=\"CreateProfile\",$svc}")" 2
grep -q '^cp_consent_checks_total{answer="denied",reason="CHECK_REASON_[A-Z_]*"} 1$' \
  "$E2E_TMP/metrics.txt" || fail "no denied consent check: $(grep consent "$E2E_TMP/metrics.txt")"
pass "consent answers counted by answer and reason"
expect_eq "import lines added" "$(value 'cp_register_import_lines_total{outcome="added"}')" 1
expect_eq "import lines duplicate" "$(value 'cp_register_import_lines_total{outcome="duplicate"}')" 1
expect_eq "import lines rejected" "$(value 'cp_register_import_lines_total{outcome="rejected"}')" 1
for name in cp_worker_threads cp_worker_queue_depth cp_worker_rejections_total \
  cp_db_pool_capacity cp_db_pool_in_use cp_db_pool_waits_total cp_profile_cache_hits_total \
  cp_profile_cache_misses_total cp_profile_cache_evictions_total; do
  grep -q "^$name " "$E2E_TMP/metrics.txt" || fail "no $name in the scrape"
done
grep -q '^cp_db_transaction_retries_total{cause="busy"} ' "$E2E_TMP/metrics.txt" ||
  fail "no transaction retries by cause"
grep -q '^cp_db_transaction_aborts_total{cause="conflict"} ' "$E2E_TMP/metrics.txt" ||
  fail "no transaction aborts by cause"
pass "worker, database pool, transaction and cache figures are scraped"
for secret in metrics-kari kari.metrics Kari 91234567 "912 34"; do
  ! grep -q "$secret" "$E2E_TMP/metrics.txt" || fail "the scrape holds \"$secret\""
done
pass "no personal data and no profile id in the metrics"
stop_server
e2e_done
