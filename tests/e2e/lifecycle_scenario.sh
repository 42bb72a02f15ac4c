#!/usr/bin/env bash
# lifecycle_scenario.sh: what must survive the server process, run by
# lifecycle_sqlite_test.sh and lifecycle_mysql_test.sh (sourced after lib.sh,
# with E2E_STORE chosen).
#
# run_lifecycle_scenario: an acknowledged write survives `kill -9`; a
# request_id replay after the restart returns the first result and creates
# nothing; SIGTERM drains and exits 0.
run_lifecycle_scenario() {
  local created etag create_time
  start_server

  rpc CreateProfile '{"requestId": "e2e-durable-1", "profile": {"displayName": "Durable",
      "regionCode": "NO", "phones": [{"number": "+47 912 34 567"}]}}'
  created=$(out .name)
  etag=$(out .etag)
  create_time=$(out .createTime)
  expect_match "CreateProfile is acknowledged" "$created" '^profiles/.+'

  stop_server KILL
  expect_eq "kill -9 ends the server" "$SERVER_EXIT" 137

  start_server
  rpc GetProfile "{\"name\": \"$created\"}"
  expect_eq "the acknowledged write survived kill -9" "$(out .name) $(out .etag)" "$created $etag"

  rpc CreateProfile '{"requestId": "e2e-durable-1", "profile": {"displayName": "Durable",
      "regionCode": "NO", "phones": [{"number": "+47 912 34 567"}]}}'
  expect_eq "a request_id replay after restart returns the first result" \
    "$(out .name) $(out .createTime)" "$created $create_time"
  rpc ListProfiles '{}'
  expect_eq "the replay created nothing" "$(out '.profiles | length')" 1

  stop_server TERM
  expect_eq "SIGTERM drains and exits 0" "$SERVER_EXIT" 0
}
