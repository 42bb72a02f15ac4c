#!/usr/bin/env bash
# Verifies lookup, duplicates, merge, consent over a merge and unmerge end to
# end on the embedded SQLite store: the built profile-server driven only by
# buf curl through server reflection (see identity_scenario.sh).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/identity_scenario.sh"

require_tools
use_sqlite_store
start_server
run_identity_scenario
e2e_done
