#!/usr/bin/env bash
# Verifies durability across kill -9, request_id replay across a restart and
# a clean SIGTERM exit of the built server on SQLite (lifecycle_scenario.sh).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lifecycle_scenario.sh"

require_tools
use_sqlite_store
run_lifecycle_scenario
e2e_done
