#!/usr/bin/env bash
# bazel.sh [BAZEL_TEST_ARGS...]: the Bazel build (docs/bazel.md), offline.
# Installs what it needs and is missing (Debian's bazel-bootstrap, Bazel
# 4.2.3, and the -dev packages of the system libraries the build binds),
# then runs `bazel build //...` (server, CLI, bench driver, every test) and
# `bazel test //tests/...` (unit, contract and integration tests). Prints the
# wall time of each step and, last, a summary line of the test targets
# ("bazel-test: N passed, N failed") and of their gtest cases. Exits non-zero
# if anything failed.
#
# Environment:
#   BAZEL_OUTPUT_USER_ROOT  Bazel's output root (default: Bazel's, under
#                           ~/.cache/bazel); a fresh one builds from clean.
#   BAZEL_JOBS              parallel jobs (default 2, the machine's cores).
#   CP_TEST_MYSQL_URI, CP_MYSQL_PASSWORD, CP_MYSQL_SOCKET
#                           passed to the tests when set, so the MySQL
#                           variants run against that server (as with
#                           scripts/test.sh); unset, they skip themselves.
#   BAZEL_SKIP_INSTALL=1    do not check the packages.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

log() { echo "bazel.sh: $*"; }

# Debian's rules packages (bazel-rules-cc, bazel-skylib, ...) are not needed:
# the build loads only the stand-ins under bazel/ (see WORKSPACE).
APT_PACKAGES=(
  bazel-bootstrap
  build-essential cmake pkg-config
  protobuf-compiler protobuf-compiler-grpc libprotoc-dev libprotobuf-dev libgrpc++-dev
  grpc-proto golang-github-gogo-googleapis-dev libabsl-dev
  libsqlite3-dev libmysqlcppconn-dev libphonenumber-dev libicu-dev libre2-dev libssl-dev
  nlohmann-json3-dev libyaml-cpp-dev libjwt-dev libgtest-dev libgmock-dev prometheus-cpp-dev
)

install_missing() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  log "installing ${missing[*]}"
  local sudo=
  if [[ $(id -u) != 0 ]]; then
    sudo=sudo
  fi
  local attempt
  for attempt in 1 2 3; do
    if $sudo apt-get update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >/dev/null; then
      return 0
    fi
    log "apt-get failed (attempt $attempt)"
    sleep 5
  done
  return 1
}

if [[ ${BAZEL_SKIP_INSTALL:-0} != 1 ]]; then
  install_missing || {
    log "could not install the packages" >&2
    exit 1
  }
fi

STARTUP=()
if [[ -n ${BAZEL_OUTPUT_USER_ROOT:-} ]]; then
  STARTUP+=("--output_user_root=$BAZEL_OUTPUT_USER_ROOT")
fi
JOBS=${BAZEL_JOBS:-2}
# The system-library repositories (bazel/system_libs.bzl) are refreshed when
# a package is installed or removed (dpkg's status file changes).
FLAGS=(
  "--jobs=$JOBS" "--local_cpu_resources=$JOBS" --local_ram_resources=8192
  "--repo_env=CP_SYSTEM_LIBS_STAMP=$(stat -c %Y /var/lib/dpkg/status)"
)
TEST_FLAGS=("--local_test_jobs=$JOBS" --test_summary=short)
for var in CP_TEST_MYSQL_URI CP_MYSQL_PASSWORD CP_MYSQL_SOCKET; do
  if [[ -n ${!var:-} ]]; then
    TEST_FLAGS+=("--test_env=$var")
  fi
done

seconds() { date +%s; }

start=$(seconds)
log "bazel build //..."
bazel "${STARTUP[@]}" build "${FLAGS[@]}" //...
build_rc=$?
build_time=$(($(seconds) - start))
log "bazel build //...: exit $build_rc, ${build_time}s"
if ((build_rc != 0)); then
  exit "$build_rc"
fi

start=$(seconds)
log "bazel test //tests/..."
out=$(mktemp)
bazel "${STARTUP[@]}" test "${FLAGS[@]}" "${TEST_FLAGS[@]}" "$@" //tests/... 2>&1 | tee "$out"
test_rc=${PIPESTATUS[0]}
test_time=$(($(seconds) - start))

# Targets, from Bazel's summary; gtest cases, from the tests' XML reports.
passed=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$out")
failed=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|NO STATUS|FLAKY|INCOMPLETE|REMOTE FAILURE|FAILED TO BUILD)' "$out")
rm -f "$out"
testlogs=$(bazel "${STARTUP[@]}" info "${FLAGS[@]}" bazel-testlogs 2>/dev/null)
cases=0 skipped=0
if [[ -d $testlogs/tests ]]; then
  cases=$(find "$testlogs/tests" -name test.xml -exec grep -ho '<testcase ' {} + | wc -l)
  skipped=$(find "$testlogs/tests" -name test.xml -exec grep -hoE '<testcase [^>]*result="skipped"' {} + | wc -l)
fi
log "bazel test //tests/...: exit $test_rc, ${test_time}s; gtest cases: $cases run, $skipped of them skipped"
echo "bazel-test: $passed passed, $failed failed"
exit "$test_rc"
