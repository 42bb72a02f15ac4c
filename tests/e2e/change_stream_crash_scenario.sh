#!/usr/bin/env bash
# change_stream_crash_scenario.sh: sourced by change_stream_crash_*_test.sh
# after choosing a store. The change stream across a kill -9: a watcher
# (profile-cli watch) follows the feed while a burst of writes runs; the
# server is killed with SIGKILL in the middle of both. After a restart, a
# watcher resuming from the token the first one printed must receive every
# acknowledged write exactly once, in order (a write that was not
# acknowledged appears at most once), and the audit trail must hold an
# event for every acknowledged write with its app and actor.

# run_change_stream_crash_scenario: runs it on E2E_STORE (the caller picks
# the store and checks the tools).
run_change_stream_crash_scenario() {
  local key=cpk_crash-test-key-0123456789 hash start watcher burst acked token dupes missing
  local unaudited name events i
  hash=$(printf %s "$key" | sha256sum | cut -d' ' -f1)
  printf 'reflection: true\napps:\n  - id: burst\n    api_keys: [sha256:%s]\n    scopes: [%s]\n' "$hash" \
    "profiles.read, profiles.write, changes.read, audit.read" >"$E2E_TMP/auth.yaml"
  start_server --auth-config="$E2E_TMP/auth.yaml"
  cli() {
    "$CP_BIN_DIR/profile-cli" --endpoint="$E2E_SERVER_ADDR" --token="$key" --timeout=5s "$@"
  }
  start=$("$E2E_BUF" curl --protocol grpc --http2-prior-knowledge -H "authorization: Bearer $key" \
    --data '{}' "http://$E2E_SERVER_ADDR/customerprofile.v1.ChangeService/ListChanges" |
    jq -r .resumeToken)
  [[ -n $start && $start != null ]] || fail "no start position from ListChanges"
  pass "ListChanges gives the position to start from"

  # The first watcher gives up quickly once its server is gone. (Started
  # without the cli function, so that $! is profile-cli itself.)
  "$CP_BIN_DIR/profile-cli" --endpoint="$E2E_SERVER_ADDR" --token="$key" --max_attempts=1 \
    watch --from="$start" >"$E2E_TMP/watch1.jsonl" 2>"$E2E_TMP/watch1.err" &
  watcher=$!
  : >"$E2E_TMP/acked"
  (
    for i in $(seq 1 400); do
      if cli --max_attempts=1 --actor=agent-9 create --profile_id="burst-$i" \
        --display_name="Burst $i" >/dev/null 2>&1; then
        echo "profiles/burst-$i" >>"$E2E_TMP/acked"
      fi
    done
  ) &
  burst=$!
  for ((i = 0; i < 100; i++)); do
    (($(wc -l <"$E2E_TMP/acked") >= 30)) && break
    sleep 0.1
  done
  kill -KILL "$E2E_SERVER_PID"
  wait "$E2E_SERVER_PID" 2>/dev/null || true
  E2E_SERVER_PID=
  wait "$burst" || true
  acked=$(wc -l <"$E2E_TMP/acked")
  ((acked >= 30)) || fail "only $acked writes were acknowledged before the kill"
  pass "$acked writes were acknowledged before kill -9"
  for ((i = 0; i < 300; i++)); do
    kill -0 "$watcher" 2>/dev/null || break
    sleep 0.1
  done
  kill -TERM "$watcher" 2>/dev/null || true
  wait "$watcher" || true
  token=$(sed -n 's/^resume: --from=//p' "$E2E_TMP/watch1.err" | tail -n 1)
  [[ -n $token ]] || fail "the first watcher printed no resume token: $(cat "$E2E_TMP/watch1.err")"
  pass "the first watcher saw $(wc -l <"$E2E_TMP/watch1.jsonl") changes and printed its token"

  start_server --auth-config="$E2E_TMP/auth.yaml"
  cli create --profile_id=sentinel --display_name=Sentinel >/dev/null ||
    fail "the restarted server refused a write"
  "$CP_BIN_DIR/profile-cli" --endpoint="$E2E_SERVER_ADDR" --token="$key" watch --from="$token" \
    >"$E2E_TMP/watch2.jsonl" 2>"$E2E_TMP/watch2.err" &
  watcher=$!
  for ((i = 0; i < 300; i++)); do
    grep -q '"profiles/sentinel"' "$E2E_TMP/watch2.jsonl" && break
    sleep 0.1
  done
  kill -TERM "$watcher"
  wait "$watcher" || fail "the second watcher failed: $(cat "$E2E_TMP/watch2.err")"
  grep -q '"profiles/sentinel"' "$E2E_TMP/watch2.jsonl" ||
    fail "the resumed watcher did not reach the write after the restart"
  pass "a watcher resumed from that token after the restart"

  cat "$E2E_TMP/watch1.jsonl" "$E2E_TMP/watch2.jsonl" >"$E2E_TMP/all.jsonl"
  dupes=$(jq -r .resourceName "$E2E_TMP/all.jsonl" | sort | uniq -d)
  [[ -z $dupes ]] || fail "changes delivered twice: $dupes"
  pass "no change was delivered twice (acknowledged or not)"
  jq -s -e '[.[].sequence | tonumber] as $s | all(range(1; $s | length); $s[.] > $s[. - 1])' \
    "$E2E_TMP/all.jsonl" >/dev/null || fail "the sequences are not increasing across the restart"
  pass "sequences increase across both watchers"
  missing=$(comm -23 <(sort "$E2E_TMP/acked") <(jq -r .resourceName "$E2E_TMP/all.jsonl" | sort))
  [[ -z $missing ]] || fail "acknowledged writes never delivered: $missing"
  pass "every acknowledged write was delivered exactly once"

  unaudited=0
  while read -r name; do
    events=$("$E2E_BUF" curl --protocol grpc --http2-prior-knowledge -H "authorization: Bearer $key" \
      --data "{\"parent\": \"$name\"}" \
      "http://$E2E_SERVER_ADDR/customerprofile.v1.AuditService/ListAuditEvents")
    jq -e '.auditEvents | length == 1 and .[0].kind == "CHANGE_KIND_CREATED" and
      .[0].appId == "burst" and .[0].actor == "agent-9"' <<<"$events" >/dev/null ||
      unaudited=$((unaudited + 1))
  done <"$E2E_TMP/acked"
  ((unaudited == 0)) || fail "$unaudited acknowledged writes lack their audit event"
  pass "every acknowledged write has its audit event with app and actor"
  stop_server
}
