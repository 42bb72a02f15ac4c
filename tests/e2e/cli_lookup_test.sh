#!/usr/bin/env bash
# Verifies profile-cli against the built server: `create` with a national
# phone number, then `lookup` by that number (in national form), by e-mail in
# another case and by --external-id=SYSTEM:ID (flags spelled with dashes or
# underscores) print the profile; a lookup of an unparseable number exits
# with the gRPC code of INVALID_ARGUMENT (3) and the error details on stderr.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools
use_sqlite_store
start_server
CLI=$E2E_BIN_DIR/profile-cli
[[ -x $CLI ]] || fail "no profile-cli at $CLI (build first)"
cli() { "$CLI" --endpoint="$E2E_SERVER_ADDR" --timeout=20s "$@"; }

rpc CreateProfile '{"profileId": "kari", "profile": {"givenName": "Kari",
  "emails": [{"address": "kari@example.com"}], "phones": [{"number": "912 34 567"}],
  "externalIds": [{"system": "billing", "id": "ACC-1042"}]}}'
pass "created kari"

out=$(cli lookup --phone="912 34 567" --region_code=NO) || fail "lookup --phone failed: $out"
expect_match "lookup by national phone prints kari" "$out" '"name": "profiles/kari"'
out=$(cli lookup --email=KARI@Example.com) || fail "lookup --email failed: $out"
expect_match "lookup by e-mail in another case prints kari" "$out" '"name": "profiles/kari"'
out=$(cli lookup --external-id=billing:ACC-1042) || fail "lookup --external-id failed: $out"
expect_match "lookup --external-id (dashes) prints kari" "$out" '"name": "profiles/kari"'
out=$(cli lookup --external_id=billing:ACC-1042) || fail "lookup --external_id failed: $out"
expect_match "lookup --external_id (underscores) prints kari" "$out" '"name": "profiles/kari"'

rc=0
err=$(cli lookup --phone="not a number" 2>&1 >/dev/null) || rc=$?
expect_eq "an unparseable number exits with INVALID_ARGUMENT's code" "$rc" 3
expect_match "the error names the field" "$err" 'phone'
e2e_done
