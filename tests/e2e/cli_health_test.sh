#!/usr/bin/env bash
# Verifies `profile-cli health`, the probe of containers and CI service
# checks: exit code 0 and SERVING from a serving server (and for each of its
# services), a non-zero code for a service it does not know, and 14
# (UNAVAILABLE) once nothing listens.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools
use_sqlite_store
start_server
cli=$CP_BIN_DIR/profile-cli
out=$("$cli" --endpoint="$E2E_SERVER_ADDR" health) || fail "health of a serving server failed: $out"
expect_eq "a serving server is SERVING" "$out" "SERVING"
for service in ProfileService ChangeService AuditService; do
  "$cli" --endpoint="$E2E_SERVER_ADDR" health "customerprofile.v1.$service" >/dev/null ||
    fail "$service is not SERVING"
done
pass "every service is SERVING"
rc=0
"$cli" --endpoint="$E2E_SERVER_ADDR" health no.Such >/dev/null 2>&1 || rc=$?
expect_ne "an unknown service is not healthy" "$rc" 0
stop_server
rc=0
"$cli" --endpoint="$E2E_SERVER_ADDR" --timeout=2s health >/dev/null 2>&1 || rc=$?
expect_eq "nothing listening is UNAVAILABLE (14)" "$rc" 14
e2e_done
