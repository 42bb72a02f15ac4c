#!/usr/bin/env bash
# Runs example-billing-sync (examples/billing_sync.cc) against a fresh
# server and provokes the conflict it is written for: while the sync is
# paused between its read and its write (--pause_before_write), another
# writer adds a shipping address to the profile. The sync's write then fails
# with ABORTED (ETAG_MISMATCH); it reads again, re-applies and writes on
# attempt 2. The profile ends with the new billing address, the home address
# and the other writer's shipping address (nothing lost), and one billing
# address. A rerun changes nothing; an unknown billing id exits 1.
source "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/lib.sh"

require_tools
SYNC=$E2E_BIN_DIR/example-billing-sync
[[ -x $SYNC ]] || fail "no example-billing-sync at $SYNC (build first)"
E2E_STORE=memory:
start_server

ADDRESS=(--billing_id=ACC-1042 --address_lines="Storgata 1,3. etasje" --postal_code=0155
  --city=Oslo --country=no)
HOME_ADDRESS='{"label": "ADDRESS_LABEL_HOME", "addressLines": ["Kirkeveien 5"],
  "postalCode": "0368", "locality": "Oslo", "regionCode": "NO"}'

rpc CreateProfile '{"profileId": "kari", "profile": {"givenName": "Kari",
  "externalIds": [{"system": "billing", "id": "ACC-1042"}],
  "addresses": ['"$HOME_ADDRESS"', {"label": "ADDRESS_LABEL_BILLING",
    "addressLines": ["Postboks 1"], "postalCode": "0101", "locality": "Oslo", "regionCode": "NO"}]}}'
first_etag=$(out .etag)
pass "created kari with billing id ACC-1042, a home and an old billing address"

# The sync reads its stdin from a FIFO, so that the test decides when it
# goes on from its pause.
mkfifo "$E2E_TMP/enter"
"$SYNC" --endpoint="$E2E_SERVER_ADDR" "${ADDRESS[@]}" --pause_before_write \
  <"$E2E_TMP/enter" >"$E2E_TMP/sync.out" 2>&1 &
sync_pid=$!
exec 3>"$E2E_TMP/enter"
for ((i = 0; i < 300; i++)); do
  grep -q '^paused:' "$E2E_TMP/sync.out" && break
  kill -0 "$sync_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q '^paused:' "$E2E_TMP/sync.out" || fail "the sync did not pause: $(cat "$E2E_TMP/sync.out")"
expect_match "the sync read the profile with its etag" "$(cat "$E2E_TMP/sync.out")" \
  "^attempt 1: read profiles/kari \(etag $first_etag\)"

# Meanwhile the customer adds a shipping address in self-service (a
# read-modify-write of its own, with the etag it read).
rpc GetProfile '{"name": "profiles/kari"}'
rpc UpdateProfile "$(jq -c '{profile: {name, etag, addresses: (.addresses + [{label:
  "ADDRESS_LABEL_SHIPPING", addressLines: ["Lagerveien 9"], postalCode: "0580",
  locality: "Oslo", regionCode: "NO"}])}, updateMask: "addresses"}' "$E2E_OUT")"
pass "another writer changed the profile between the sync's read and its write"

echo >&3
exec 3>&-
rc=0
wait "$sync_pid" || rc=$?
output=$(cat "$E2E_TMP/sync.out")
echo "$output" | sed 's/^/  | /'
expect_eq "the sync exits 0" "$rc" 0
expect_match "its first write was ABORTED for the stale etag" "$output" \
  '^attempt 1: ABORTED \(ETAG_MISMATCH\): profiles/kari changed since it was read'
expect_match "it read the profile again" "$output" '^attempt 2: read profiles/kari'
expect_match "and wrote on attempt 2" "$output" \
  '^updated the billing address of profiles/kari on attempt 2'

rpc GetProfile '{"name": "profiles/kari"}'
expect_eq "the profile has the new billing address, the home and the shipping address" \
  "$(out '[.addresses[] | "\(.label): \(.addressLines | join(", ")), \(.postalCode) \(.locality) \(.regionCode)"] | join("; ")')" \
  "ADDRESS_LABEL_HOME: Kirkeveien 5, 0368 Oslo NO; ADDRESS_LABEL_BILLING: Storgata 1, 3. etasje, 0155 Oslo NO; ADDRESS_LABEL_SHIPPING: Lagerveien 9, 0580 Oslo NO"
expect_eq "other fields are untouched" "$(out '.givenName + " " + .externalIds[0].id')" \
  "Kari ACC-1042"
etag=$(out .etag)

rc=0
output=$("$SYNC" --endpoint="$E2E_SERVER_ADDR" "${ADDRESS[@]}" 2>&1) || rc=$?
echo "$output" | sed 's/^/  | /'
expect_eq "a rerun exits 0" "$rc" 0
expect_match "and finds the address in place" "$output" 'already has this billing address'
rpc GetProfile '{"name": "profiles/kari"}'
expect_eq "without writing" "$(out .etag)" "$etag"

rc=0
output=$("$SYNC" --endpoint="$E2E_SERVER_ADDR" --billing_id=ACC-9999 \
  --address_lines="Storgata 1" 2>&1) || rc=$?
expect_eq "an unknown billing id exits 1" "$rc" 1
expect_match "and says so" "$output" 'NOT_FOUND: no customer has billing id ACC-9999'
e2e_done
