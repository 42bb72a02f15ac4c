#!/usr/bin/env bash
# lib.sh: helpers for the end-to-end tests, sourced by tests/e2e/*_test.sh.
#
# The tests start the BUILT profile-server ($CP_BIN_DIR/profile-server) on a
# free port of 127.0.0.1 with a temporary store and drive it only through
# `buf curl` and server reflection, as a developer would without the protos.
# Everything a test starts is stopped and removed on exit (trap), also when
# it fails; on failure the tail of the server's log is printed.
#
# Environment: CP_BIN_DIR, CP_SOURCE_DIR (set by ctest); BUF (default
# .tools/bin/buf); for the MySQL variants CP_TEST_MYSQL_URI
# (mysql://USER@HOST:PORT/DB) and CP_MYSQL_PASSWORD (scripts/mariadb.sh env).
set -euo pipefail

E2E_SOURCE_DIR=${CP_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
E2E_BIN_DIR=${CP_BIN_DIR:-$E2E_SOURCE_DIR/build/bin}
E2E_SERVER_BIN=$E2E_BIN_DIR/profile-server
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cp-e2e.XXXXXX")
E2E_OUT=$E2E_TMP/out.json
E2E_ERR=$E2E_TMP/err.txt
E2E_SERVER_LOG=$E2E_TMP/server.log
E2E_SERVER_PID=
E2E_SERVER_ADDR=
E2E_STORE=
E2E_SERVER_ENV=()
E2E_MYSQL_DB=
E2E_CHECKS=0
SERVER_EXIT=
E2E_STARTS=0
RC=0

if [[ -n ${BUF:-} ]]; then
  E2E_BUF=$BUF
elif [[ -x $E2E_SOURCE_DIR/.tools/bin/buf ]]; then
  E2E_BUF=$E2E_SOURCE_DIR/.tools/bin/buf
elif [[ -x $E2E_SOURCE_DIR/.tools/node_modules/.bin/buf ]]; then
  E2E_BUF=$E2E_SOURCE_DIR/.tools/node_modules/.bin/buf
else
  E2E_BUF=$(command -v buf || true)
fi

# fail MESSAGE: prints MESSAGE with the last call's output and exits 1.
fail() {
  echo "FAIL: $*"
  if [[ -s $E2E_OUT ]]; then
    echo "--- last response:"
    cat "$E2E_OUT"
  fi
  if [[ -s $E2E_ERR ]]; then
    echo "--- last error output:"
    cat "$E2E_ERR"
  fi
  exit 1
}

# pass MESSAGE: records one successful check.
pass() {
  E2E_CHECKS=$((E2E_CHECKS + 1))
  echo "ok $E2E_CHECKS - $*"
}

e2e_cleanup() {
  local rc=$?
  stop_server TERM
  if ((rc != 0)) && [[ -s $E2E_SERVER_LOG ]]; then
    echo "--- last lines of the server log ($E2E_STORE):"
    tail -n 30 "$E2E_SERVER_LOG"
  fi
  if [[ -n $E2E_MYSQL_DB ]]; then
    mysql_exec "DROP DATABASE IF EXISTS \`$E2E_MYSQL_DB\`" >/dev/null 2>&1 || true
  fi
  rm -rf "$E2E_TMP"
  exit "$rc"
}
trap e2e_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# require_tools: fails unless the server binary, buf, jq and protoc are there.
require_tools() {
  [[ -x $E2E_SERVER_BIN ]] || fail "no server binary at $E2E_SERVER_BIN (build first)"
  [[ -n $E2E_BUF && -x $E2E_BUF ]] || fail "buf not found: run scripts/setup.sh"
  local tool
  for tool in jq protoc base64; do
    command -v "$tool" >/dev/null || fail "$tool not found: run scripts/setup.sh"
  done
}

# e2e_done: prints the closing summary line of a passing test.
e2e_done() {
  echo "$E2E_CHECKS passed, 0 failed"
}

# --- the server --------------------------------------------------------------

# use_sqlite_store: makes E2E_STORE a fresh SQLite store in the temp dir.
use_sqlite_store() {
  E2E_STORE=sqlite:$E2E_TMP/profiles.db
}

# mysql_exec SQL: runs SQL on the MySQL server of CP_TEST_MYSQL_URI with
# the credentials from the environment.
mysql_exec() {
  local rest=${CP_TEST_MYSQL_URI#mysql://} user host port
  rest=${rest%%\?*}
  user=${rest%%@*}
  user=${user%%:*}
  host=${rest#*@}
  host=${host%%/*}
  port=3306
  if [[ $host == *:* ]]; then
    port=${host##*:}
    host=${host%:*}
  fi
  MYSQL_PWD=${CP_MYSQL_PASSWORD:-} mysql --no-defaults --protocol=tcp -h "$host" -P "$port" \
    -u "$user" --batch --skip-column-names -e "$1"
}

# use_mysql_store: creates a fresh database for this test on the MySQL server
# of CP_TEST_MYSQL_URI (dropped on exit) and makes E2E_STORE its URI. The
# password reaches the server through PROFILE_SERVER_MYSQL_PASSWORD, never
# the command line.
use_mysql_store() {
  [[ -n ${CP_TEST_MYSQL_URI:-} ]] || fail "CP_TEST_MYSQL_URI is not set"
  E2E_MYSQL_DB=cp_e2e_$$_$RANDOM
  mysql_exec "CREATE DATABASE \`$E2E_MYSQL_DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin" ||
    fail "could not create database $E2E_MYSQL_DB"
  local base=${CP_TEST_MYSQL_URI%%\?*} query=
  [[ $CP_TEST_MYSQL_URI != *\?* ]] || query="?${CP_TEST_MYSQL_URI#*\?}"
  base=${base#mysql://}
  E2E_SERVER_ENV=(PROFILE_SERVER_MYSQL_PASSWORD="${CP_MYSQL_PASSWORD:-}")
  E2E_STORE=mysql://${base%%/*}/$E2E_MYSQL_DB$query
}

# start_server [FLAGS...]: starts profile-server with the store E2E_STORE
# (see use_sqlite_store, use_mysql_store) and FLAGS on 127.0.0.1, port 0 (the
# kernel picks a free one, so parallel tests never collide), reads the bound
# address from the server's JSON "listening" log line, and waits until
# Health/Check answers SERVING (at most 60 s). Sets E2E_SERVER_ADDR
# (HOST:PORT) and E2E_SERVER_PID; each start logs to its own file.
start_server() {
  [[ -n $E2E_STORE ]] || fail "no store chosen (use_sqlite_store or use_mysql_store)"
  local i
  E2E_STARTS=$((E2E_STARTS + 1))
  E2E_SERVER_LOG=$E2E_TMP/server-$E2E_STARTS.log
  E2E_SERVER_ADDR=
  env "${E2E_SERVER_ENV[@]}" "$E2E_SERVER_BIN" --listen=127.0.0.1:0 --store="$E2E_STORE" "$@" \
    </dev/null >"$E2E_SERVER_LOG" 2>&1 &
  E2E_SERVER_PID=$!
  for ((i = 0; i < 600; i++)); do
    kill -0 "$E2E_SERVER_PID" 2>/dev/null ||
      fail "profile-server exited during start-up: $(tail -n 5 "$E2E_SERVER_LOG")"
    if [[ -z $E2E_SERVER_ADDR ]]; then
      E2E_SERVER_ADDR=$(jq -rR 'fromjson? | select(.event == "listening") | .address // empty' \
        "$E2E_SERVER_LOG" | head -n 1)
    fi
    if [[ -n $E2E_SERVER_ADDR ]] && rpc_quiet grpc.health.v1.Health/Check '{}' &&
      [[ $(jq -r .status "$E2E_OUT") == SERVING ]]; then
      return 0
    fi
    sleep 0.1
  done
  [[ -n $E2E_SERVER_ADDR ]] || fail "profile-server logged no \"listening\" event with its address"
  fail "profile-server did not become SERVING within 60 s"
}

# stop_server [TERM|KILL]: stops the server (SIGTERM by default: it drains
# and exits; killed after 30 s) and waits for it; sets SERVER_EXIT to its
# exit code (128 + signal when a signal ended it).
# shellcheck disable=SC2034 # SERVER_EXIT is read by the tests.
stop_server() {
  local signal=${1:-TERM} i
  SERVER_EXIT=
  [[ -n $E2E_SERVER_PID ]] || return 0
  kill -"$signal" "$E2E_SERVER_PID" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$E2E_SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$E2E_SERVER_PID" 2>/dev/null || true
  SERVER_EXIT=0
  wait "$E2E_SERVER_PID" || SERVER_EXIT=$?
  E2E_SERVER_PID=
} 2>/dev/null # bash's own "Killed" job notice is no failure here

# --- calls -------------------------------------------------------------------

# rpc_quiet METHOD [JSON]: calls METHOD ("Service/Method" with its package,
# or a bare ProfileService method name) with the JSON request through buf
# curl and reflection. The response goes to $E2E_OUT, errors to $E2E_ERR;
# returns buf curl's exit code (also in RC).
rpc_quiet() {
  local method=$1 body=${2:-"{}"}
  [[ $method == */* ]] || method=customerprofile.v1.ProfileService/$method
  RC=0
  "$E2E_BUF" curl --protocol grpc --http2-prior-knowledge --timeout 20s \
    --data "$body" "http://$E2E_SERVER_ADDR/$method" >"$E2E_OUT" 2>"$E2E_ERR" || RC=$?
  return "$RC"
}

# rpc METHOD [JSON]: like rpc_quiet, but fails the test unless the call
# succeeds.
rpc() {
  rpc_quiet "$@" || fail "$1 failed (exit $RC)"
}

# rpc_error CODE METHOD [JSON]: calls METHOD and fails the test unless it
# fails with the gRPC status CODE (as buf curl spells it: invalid_argument,
# not_found, aborted, ...).
rpc_error() {
  local code=$1
  shift
  if rpc_quiet "$@"; then
    fail "$1 succeeded; expected $code"
  fi
  local got
  got=$(error_json | jq -r '.code // empty' 2>/dev/null || true)
  [[ $got == "$code" ]] || fail "$1: expected code $code, got '${got:-?}'"
}

# error_json: prints the JSON error object buf curl wrote for the last call.
error_json() {
  sed -n '/^{/,$p' "$E2E_ERR"
}

# error_detail TYPE: prints the detail of TYPE (google.rpc.BadRequest,
# google.rpc.ErrorInfo, ...) of the last call's error in protobuf text
# format, or nothing (buf curl shows details only as base64; see
# scripts/error_details.sh).
error_detail() {
  bash "$E2E_SOURCE_DIR/scripts/error_details.sh" "$1" <"$E2E_ERR"
}

# out JQ_FILTER: applies JQ_FILTER to the last response (raw output).
out() {
  jq -r "$1" "$E2E_OUT"
}

# expect_eq WHAT GOT WANT: checks GOT == WANT.
expect_eq() {
  [[ $2 == "$3" ]] || fail "$1: got '$2', want '$3'"
  pass "$1"
}

# expect_ne WHAT GOT OTHER: checks GOT != OTHER.
expect_ne() {
  [[ $2 != "$3" ]] || fail "$1: got '$2', which it must not be"
  pass "$1"
}

# expect_match WHAT TEXT REGEX: checks TEXT matches the extended REGEX.
expect_match() {
  grep -qE -- "$3" <<<"$2" || fail "$1: '$2' does not match /$3/"
  pass "$1"
}
