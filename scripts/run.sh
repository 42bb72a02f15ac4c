#!/usr/bin/env bash
# run.sh [sqlite|mysql] [SERVER_FLAGS...]: serves the API from the built
# profile-server in the foreground on $LISTEN (default 127.0.0.1:50051); the
# server prints its address and store. Ctrl-C drains and stops it.
#
#   sqlite  (default) the embedded store ./var/profiles.db.
#   mysql   a private MariaDB under ./var/mysql (started by scripts/mariadb.sh,
#           kept running afterwards for the next run), database cp_profiles.
#
# Environment: BUILD_DIR (default build), LISTEN, and every
# PROFILE_SERVER_<FLAG> variable the server reads.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${BUILD_DIR:-build}
BIN=$BUILD_DIR/bin/profile-server
LISTEN=${LISTEN:-127.0.0.1:50051}
store=${1:-sqlite}
shift || true

[[ -x $BIN ]] || {
  echo "run.sh: $BIN is missing; run: make build" >&2
  exit 1
}
mkdir -p var

case $store in
  sqlite)
    uri=sqlite:./var/profiles.db
    exec "$BIN" --listen="$LISTEN" --store="$uri" "$@"
    ;;
  mysql)
    bash scripts/mariadb.sh start var/mysql
    # shellcheck disable=SC1091
    source var/mysql/env
    MYSQL_PWD=$CP_MYSQL_PASSWORD mariadb --no-defaults --protocol=tcp \
      -h "$CP_MYSQL_HOST" -P "$CP_MYSQL_PORT" -u "$CP_MYSQL_USER" \
      -e 'CREATE DATABASE IF NOT EXISTS cp_profiles CHARACTER SET utf8mb4 COLLATE utf8mb4_bin'
    uri="mysql://$CP_MYSQL_USER@$CP_MYSQL_HOST:$CP_MYSQL_PORT/cp_profiles"
    note() {
      echo
      echo "MariaDB still runs under ./var/mysql (port $CP_MYSQL_PORT);" \
        "stop it with: bash scripts/mariadb.sh stop var/mysql"
    }
    trap note EXIT
    PROFILE_SERVER_MYSQL_PASSWORD=$CP_MYSQL_PASSWORD "$BIN" --listen="$LISTEN" \
      --store="$uri" "$@"
    ;;
  *)
    echo "run.sh: unknown store '$store' (sqlite or mysql)" >&2
    exit 2
    ;;
esac
