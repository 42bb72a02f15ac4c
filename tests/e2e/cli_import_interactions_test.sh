#!/usr/bin/env bash
# Verifies `profile-cli import-interactions FILE.jsonl` against the built
# server: lines go in batches (--batch), each line succeeds or fails on its
# own, the summary names every failed line (bad JSON, an unknown profile)
# and the exit code is 65 (EX_DATAERR) when any failed; running the file
# again replays the lines with an external_ref and records nothing twice; a
# terminal gets a progress line (lines, rate, ETA).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools
use_sqlite_store
start_server
CLI=$E2E_BIN_DIR/profile-cli
[[ -x $CLI ]] || fail "no profile-cli at $CLI (build first)"
cli() { "$CLI" --endpoint="$E2E_SERVER_ADDR" --timeout=20s "$@"; }

rpc CreateProfile '{"profileId": "kari", "profile": {"givenName": "Kari"}}'
rpc CreateProfile '{"profileId": "ola", "profile": {"givenName": "Ola"}}'

file=$E2E_TMP/interactions.jsonl
order() { # PROFILE REF UNITS
  printf '{"parent": "profiles/%s", "interaction": {"channel": "INTERACTION_CHANNEL_WEB", "direction": "INTERACTION_DIRECTION_INBOUND", "kind": "INTERACTION_KIND_ORDER", "occurTime": "2026-11-30T12:00:00Z", "sourceSystem": "webshop", "externalRef": "%s", "amount": {"currencyCode": "NOK", "units": "%s"}}}\n' "$1" "$2" "$3"
}
{
  order kari o-1 100
  order ola o-2 200
  echo '{"parent": "profiles/kari", "interaction": {'
  echo
  order nobody o-3 300
  order kari o-4 400
} >"$file"

rc=0
out=$(cli import-interactions "$file" --batch=2 2>"$E2E_TMP/import.err") || rc=$?
expect_eq "some lines failed: exit code 65" "$rc" 65
expect_eq "five lines read" "$(jq -r '.lines' <<<"$out")" 5
expect_eq "three recorded" "$(jq -r '.recorded' <<<"$out")" 3
expect_eq "two failed" "$(jq -r '.failed' <<<"$out")" 2
expect_eq "line 3 is not JSON" "$(jq -r '.failures[0] | "\(.line) \(.code)"' <<<"$out")" \
  "3 INVALID_ARGUMENT"
expect_eq "line 5 names a profile that does not exist" \
  "$(jq -r '.failures[1] | "\(.line) \(.code)"' <<<"$out")" "5 NOT_FOUND"
rpc customerprofile.v1.InteractionService/GetProfileInsights '{"name": "profiles/kari/insights"}'
expect_eq "kari's value counts both orders" "$(out '.values[0].lifetimeValue.units')" "500"

rc=0
out=$(cli import-interactions "$file" --batch=1000 2>/dev/null) || rc=$?
expect_eq "again: the same lines fail" "$(jq -r '.failed' <<<"$out")" 2
expect_eq "and the rest are replays" "$(jq -r '.recorded' <<<"$out")" 3
rpc customerprofile.v1.InteractionService/GetProfileInsights '{"name": "profiles/kari/insights"}'
expect_eq "nothing was recorded twice" "$(out '.interactionCount')" "2"

grep -v nobody "$file" | grep -v '{$' >"$E2E_TMP/good.jsonl"
out=$(cli import-interactions "$E2E_TMP/good.jsonl") || fail "a clean import exits 0: $out"
expect_eq "a clean import has no failures" "$(jq -r '.failed' <<<"$out")" 0

# script(1) (util-linux, in every Debian) gives the CLI a terminal.
command -v script >/dev/null 2>&1 || fail "script (util-linux) is needed to test the progress line"
shown=$(script -qec "$CLI --endpoint=$E2E_SERVER_ADDR import-interactions $E2E_TMP/good.jsonl" /dev/null)
expect_match "a terminal sees progress: lines, rate and ETA" "$shown" \
  '3 lines \(100%\), [0-9,]+/s, ETA 0:00'
shown=$("$CLI" --endpoint="$E2E_SERVER_ADDR" import-interactions "$E2E_TMP/good.jsonl" 2>&1 >/dev/null)
expect_eq "a pipe gets no progress line" "$shown" ""
e2e_done
