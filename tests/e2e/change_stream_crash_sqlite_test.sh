#!/usr/bin/env bash
# Verifies the change stream across kill -9 (change_stream_crash_scenario.sh)
# on the embedded SQLite store.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/change_stream_crash_scenario.sh"

require_tools
use_sqlite_store
run_change_stream_crash_scenario
e2e_done
