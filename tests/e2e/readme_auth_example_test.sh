#!/usr/bin/env bash
# Verifies that the README's "Calling an authenticated server" example runs as
# written against docs/auth-config.example.yaml: the block is taken from the
# README itself and run with only its port, store file, binary and buf paths
# pointed at this test's (so a README edit that breaks it fails here). The
# example key creates and lists, no credential is UNAUTHENTICATED, and the
# example self-service token reads the customer's own profile.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools
command -v openssl >/dev/null || fail "openssl not found: run scripts/setup.sh"

block=$(awk '/^## Calling an authenticated server/ {section = 1}
  section && /^```sh$/ {inside = 1; next}
  inside && /^```$/ {exit}
  inside {print}' "$E2E_SOURCE_DIR/README.md")
[[ -n $block ]] || fail "the README has no 'Calling an authenticated server' sh block"
pass "the README has the example"

port=
for candidate in $(shuf -i 20000-60000 -n 20); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    port=$candidate
    break
  fi
done
[[ -n $port ]] || fail "no free port"
script=${block//127.0.0.1:50052/127.0.0.1:$port}
script=${script//\/tmp\/cp-auth-example.db/$E2E_TMP/auth-example.db}
script=${script//.\/build\/bin\/profile-server/$E2E_SERVER_BIN}
script=${script//.\/.tools\/bin\/buf/$E2E_BUF}

cd "$E2E_SOURCE_DIR"
output=$(timeout 60 bash -euo pipefail -c "$script" 2>&1) || {
  pkill -f "$E2E_TMP/auth-example.db" || true
  fail "the example failed: $output"
}
echo "$output"
expect_match "the example key creates the profile" "$output" '"name": "profiles/kari"'
expect_match "no credential is UNAUTHENTICATED" "$output" 'unauthenticated'
self=$(grep -c '"displayName": "Kari N"' <<<"$output")
((self >= 2)) || fail "the self-service token did not read the profile: $output"
pass "the example self-service token reads the customer's own profile"
e2e_done
