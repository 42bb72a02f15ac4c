#!/usr/bin/env bash
# Verifies --store=memory: for CI systems that start the server in their
# tests: it becomes SERVING quickly (the time is printed), serves like the
# embedded store, is private to its process (a second server does not see
# the first one's data), and its files are gone once the server has exited.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_tools
E2E_STORE=memory:
started=$(date +%s%N)
start_server
ms=$((($(date +%s%N) - started) / 1000000))
echo "# memory: SERVING ${ms} ms after the start (including this script's first probe)"
((ms < 10000)) || fail "memory: took ${ms} ms to become SERVING"
pass "memory: becomes SERVING (${ms} ms)"
file=$(jq -rR 'fromjson? | select(.event == "migrated") | .store // empty' "$E2E_SERVER_LOG" |
  head -n 1)
file=${file#sqlite:}
[[ -f $file ]] || fail "no database file behind memory: (logged store: '$file')"
pass "memory: keeps its database in $(dirname "$file")"

rpc CreateProfile '{"profileId": "kari", "profile": {"givenName": "Kari"}}'
rpc GetProfile '{"name": "profiles/kari"}'
expect_eq "it serves as the embedded store does" "$(out .givenName)" "Kari"

first=$E2E_SERVER_ADDR
first_pid=$E2E_SERVER_PID
E2E_SERVER_PID=
start_server
rpc_error not_found GetProfile '{"name": "profiles/kari"}'
pass "a second memory: server has its own database"
stop_server
E2E_SERVER_ADDR=$first
E2E_SERVER_PID=$first_pid
stop_server
expect_eq "the server exits cleanly" "$SERVER_EXIT" 0
for suffix in "" -wal -shm; do
  [[ ! -e $file$suffix ]] || fail "$file$suffix is left behind after the exit"
done
pass "its files are gone after the exit"
e2e_done
