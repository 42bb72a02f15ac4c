#!/usr/bin/env bash
# Verifies durability across kill -9, request_id replay across a restart and
# a clean SIGTERM exit of the built server on MySQL/MariaDB
# (lifecycle_scenario.sh). Skips without CP_TEST_MYSQL_URI.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lifecycle_scenario.sh"

if [[ -z ${CP_TEST_MYSQL_URI:-} ]]; then
  echo "SKIP: CP_TEST_MYSQL_URI is not set (make test starts a private MariaDB)"
  exit 0
fi
require_tools
use_mysql_store
run_lifecycle_scenario
e2e_done
