#!/usr/bin/env bash
# Verifies the SuppressionService end to end on the embedded SQLite store: the
# built profile-server driven only by buf curl through server reflection
# (see suppression_api_scenario.sh for the steps).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/suppression_api_scenario.sh"

require_tools
use_sqlite_store
start_server
run_suppression_api_scenario
e2e_done
