#!/usr/bin/env bash
# test.sh [CTEST_ARGS...]: runs every test of the build through ctest, with a
# private MariaDB (scripts/mariadb.sh, in a temporary directory) so that the
# MySQL variants run too. MariaDB is stopped afterwards, also when tests fail
# or the run is interrupted. Exits with ctest's code; ctest's summary is the
# last thing printed, unless CP_TEST_IMAGE=1 adds the image test after it.
#
# Environment: BUILD_DIR (default build), JOBS (default 2), CP_TEST_MYSQL=0
# to skip MariaDB (the MySQL variants then skip themselves).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-2}
MYSQL_DIR=

stop_mariadb() {
  if [[ -n $MYSQL_DIR ]]; then
    bash scripts/mariadb.sh stop "$MYSQL_DIR" >/dev/null 2>&1
    rm -rf "$MYSQL_DIR"
    MYSQL_DIR=
  fi
}
trap stop_mariadb EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ${CP_TEST_MYSQL:-1} != 0 ]]; then
  # Short path: the server's Unix socket lives inside it.
  MYSQL_DIR=$(mktemp -d /tmp/cp-mariadb.XXXXXX)
  echo "test: starting a private MariaDB in $MYSQL_DIR"
  if ! bash scripts/mariadb.sh start "$MYSQL_DIR"; then
    echo "test: could not start MariaDB (set CP_TEST_MYSQL=0 to test without it)" >&2
    exit 1
  fi
  # shellcheck disable=SC1091
  source "$MYSQL_DIR/env"
  echo "test: MariaDB on 127.0.0.1:$CP_MYSQL_PORT; CP_TEST_MYSQL_URI=$CP_TEST_MYSQL_URI"
else
  unset CP_TEST_MYSQL_URI
  echo "test: CP_TEST_MYSQL=0: no MariaDB; the MySQL variants skip"
fi

ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$JOBS" "$@"
rc=$?
stop_mariadb
# CP_TEST_IMAGE=1: also builds the container image and tests it
# (scripts/image.sh test; 20-30 minutes cold, see docs/deploy.md).
if [[ ${CP_TEST_IMAGE:-0} == 1 ]]; then
  echo "test: CP_TEST_IMAGE=1: building and testing the container image"
  image_rc=0
  bash scripts/image.sh test || image_rc=$?
  ((rc != 0)) || rc=$image_rc
fi
exit "$rc"
