#!/usr/bin/env bash
# Verifies the change stream across kill -9 (change_stream_crash_scenario.sh)
# on MySQL/MariaDB (a fresh database on the server of CP_TEST_MYSQL_URI).
# Skips without CP_TEST_MYSQL_URI.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/change_stream_crash_scenario.sh"

if [[ -z ${CP_TEST_MYSQL_URI:-} ]]; then
  echo "SKIP: CP_TEST_MYSQL_URI is not set (make test starts a private MariaDB)"
  exit 0
fi
require_tools
use_mysql_store
run_change_stream_crash_scenario
e2e_done
