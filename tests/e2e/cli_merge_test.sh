#!/usr/bin/env bash
# Verifies profile-cli's identity commands against the built server:
# `duplicates` explains the match, `merge` with ID@ETAG and --choose merges,
# `merges` lists it, `unmerge` undoes it; a merge with a stale etag exits
# with ABORTED's code (10) and one into itself with INVALID_ARGUMENT's (3).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools
use_sqlite_store
start_server
CLI=$E2E_BIN_DIR/profile-cli
[[ -x $CLI ]] || fail "no profile-cli at $CLI (build first)"
cli() { "$CLI" --endpoint="$E2E_SERVER_ADDR" --timeout=20s "$@"; }

rpc CreateProfile '{"profileId": "kari", "profile": {"givenName": "Kari",
  "emails": [{"address": "kari@example.com"}]}}'
rpc CreateProfile '{"profileId": "kari-billing", "profile": {"givenName": "Kari Anne",
  "emails": [{"address": "KARI@example.com"}], "phones": [{"number": "+4741234567"}]}}'
etag=$(out .etag)

out=$(cli duplicates kari) || fail "duplicates failed: $out"
expect_eq "duplicates names the billing copy" "$(jq -r '.candidates[0].profile.name' <<<"$out")" \
  "profiles/kari-billing"
expect_eq "by the same e-mail" "$(jq -r '.candidates[0].matches[0].rule' <<<"$out")" \
  "DUPLICATE_RULE_SAME_EMAIL"

rc=0
cli merge kari kari-billing@stale-etag >/dev/null 2>&1 || rc=$?
expect_eq "a stale etag exits with ABORTED's code" "$rc" 10
rc=0
cli merge kari kari >/dev/null 2>&1 || rc=$?
expect_eq "a merge into itself exits with INVALID_ARGUMENT's code" "$rc" 3

out=$(cli merge kari "kari-billing@$etag" --choose=given_name=kari-billing) ||
  fail "merge failed: $out"
merge=$(jq -r .merge.name <<<"$out")
expect_match "merge prints the merge" "$merge" '^profiles/kari/merges/'
expect_eq "the chosen given name won" "$(jq -r .survivor.givenName <<<"$out")" "Kari Anne"
out=$(cli merges kari) || fail "merges failed: $out"
expect_eq "merges lists it" "$(jq -r '.merges[0].name' <<<"$out")" "$merge"
out=$(cli unmerge "$merge") || fail "unmerge failed: $out"
expect_eq "unmerge restores the billing copy" "$(jq -r '.restoredProfiles[0].name' <<<"$out")" \
  "profiles/kari-billing"
expect_eq "and Kari's own name" "$(jq -r .survivor.givenName <<<"$out")" "Kari"
e2e_done
