#!/usr/bin/env bash
# Verifies the timeline (record, replay, refusal, lookup, list) end to
# end on the embedded SQLite store: the built profile-server driven only by
# buf curl through server reflection (see timeline_scenario.sh).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/timeline_scenario.sh"

require_tools
use_sqlite_store
start_server
run_timeline_scenario
e2e_done
