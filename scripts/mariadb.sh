#!/usr/bin/env bash
# mariadb.sh start|stop|status|env DIR
#
# Runs a private MariaDB for tests and developers under the data directory
# DIR: its own socket (DIR/mysqld.sock), its own free TCP port on 127.0.0.1,
# its own pid file, no system service, innodb_flush_log_at_trx_commit=1.
#
#   start   installs mariadb-server when missing, initialises DIR on first
#           use, starts the server (keeping its port across restarts), waits
#           until it answers, creates the user `cp` and the database
#           `cp_test`, and writes DIR/env.
#   stop    shuts the server down cleanly (kills it only when it will not stop).
#   status  prints whether it runs; exit 0 when it does, 3 when it does not.
#   env     prints DIR/env: export lines for CP_MYSQL_HOST, CP_MYSQL_PORT,
#           CP_MYSQL_SOCKET, CP_MYSQL_USER, CP_MYSQL_PASSWORD and
#           CP_TEST_MYSQL_URI, e.g. eval "$(scripts/mariadb.sh env DIR)".
#
# The user `cp` may create and drop the databases cp_* (tests make one per
# fixture). Its password comes from $CP_MYSQL_PASSWORD, else from
# DIR/password, else is generated into DIR/password; it never appears in the
# URI. root has no password and is reachable only through the socket and
# 127.0.0.1 of this private server. Quiet on success; errors go to stderr.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|status|env DIR" >&2
  exit 2
}

die() {
  echo "mariadb.sh: $*" >&2
  exit 1
}

[[ $# -eq 2 ]] || usage
command=$1
case $command in
  start | stop | status | env) ;;
  *) usage ;;
esac
if [[ $command == start ]]; then
  mkdir -p "$2" 2>/dev/null || die "cannot create $2"
elif [[ ! -d $2 ]]; then
  case $command in
    stop) exit 0 ;;
    status) echo "stopped" && exit 3 ;;
    *) die "no directory $2; run: $0 start $2" ;;
  esac
fi
dir=$(cd "$2" && pwd)
datadir=$dir/data
tmpdir=$dir/tmp
sock=$dir/mysqld.sock
pidfile=$dir/mysqld.pid
errlog=$dir/error.log

if [[ ${#sock} -ge 100 ]]; then
  die "socket path $sock is too long for a Unix socket; use a shorter DIR"
fi

server_pid() {
  local pid
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

admin() {
  mariadb-admin --no-defaults --protocol=socket --socket="$sock" -uroot \
    --connect-timeout=2 "$@"
}

root_sql() {
  mariadb --no-defaults --protocol=socket --socket="$sock" -uroot --batch \
    --skip-column-names -e "$1"
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    return
  fi
  local port
  for ((port = 33060 + RANDOM % 2000; port < 65000; port++)); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "no free TCP port found"
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

mariadbd_path() {
  command -v mariadbd 2>/dev/null || { [[ -x /usr/sbin/mariadbd ]] && echo /usr/sbin/mariadbd; }
}

ensure_installed() {
  if [[ -n $(mariadbd_path) ]]; then
    return
  fi
  echo "mariadb.sh: installing mariadb-server" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Keep the package from starting a system service: ours runs privately.
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added_policy=1
  fi
  local ok=1
  if ! apt-get install -y -qq mariadb-server >"$dir/apt.log" 2>&1; then
    apt-get update -qq >>"$dir/apt.log" 2>&1 || true
    apt-get install -y -qq mariadb-server >>"$dir/apt.log" 2>&1 || ok=0
  fi
  if [[ $added_policy -eq 1 ]]; then
    rm -f "$policy"
  fi
  [[ $ok -eq 1 ]] || die "apt-get install mariadb-server failed; see $dir/apt.log"
  [[ -n $(mariadbd_path) ]] || die "mariadbd is still missing after installing mariadb-server"
}

user_flag() {
  if [[ $(id -u) -eq 0 ]]; then
    echo "--user=root"
  fi
}

password() {
  if [[ -n ${CP_MYSQL_PASSWORD:-} ]]; then
    echo "$CP_MYSQL_PASSWORD"
  elif [[ -s $dir/password ]]; then
    cat "$dir/password"
  else
    local pw
    pw=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    (umask 077 && echo "$pw" >"$dir/password")
    echo "$pw"
  fi
}

sql_quote() {
  local s=${1//\\/\\\\}
  printf "'%s'" "${s//\'/\\\'}"
}

provision() {
  local pw port
  pw=$(password)
  port=$(<"$dir/port")
  local q
  q=$(sql_quote "$pw")
  root_sql "
    CREATE USER IF NOT EXISTS 'cp'@'localhost' IDENTIFIED BY $q;
    CREATE USER IF NOT EXISTS 'cp'@'127.0.0.1' IDENTIFIED BY $q;
    ALTER USER 'cp'@'localhost' IDENTIFIED BY $q;
    ALTER USER 'cp'@'127.0.0.1' IDENTIFIED BY $q;
    GRANT ALL PRIVILEGES ON \`cp\\_%\`.* TO 'cp'@'localhost';
    GRANT ALL PRIVILEGES ON \`cp\\_%\`.* TO 'cp'@'127.0.0.1';
    CREATE DATABASE IF NOT EXISTS cp_test CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
  " || die "could not create user cp and database cp_test; see $errlog"
  local tmp=$dir/env.tmp
  {
    printf 'export CP_MYSQL_HOST=127.0.0.1\n'
    printf 'export CP_MYSQL_PORT=%s\n' "$port"
    printf 'export CP_MYSQL_SOCKET=%q\n' "$sock"
    printf 'export CP_MYSQL_USER=cp\n'
    printf 'export CP_MYSQL_PASSWORD=%q\n' "$pw"
    printf 'export CP_TEST_MYSQL_URI=%q\n' "mysql://cp@127.0.0.1:$port/cp_test"
  } >"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$dir/env"
}

start() {
  ensure_installed
  if server_pid >/dev/null && admin ping >/dev/null 2>&1; then
    provision
    return
  fi
  if [[ ! -d $datadir/mysql ]]; then
    rm -rf "$datadir"
    # A private tmpdir: installs running side by side in the shared /tmp
    # clash on their temporary table names ("Unknown table
    # 'mysql.tmp_user_sys'").
    mkdir -p "$tmpdir"
    # shellcheck disable=SC2046
    mariadb-install-db --no-defaults --datadir="$datadir" --tmpdir="$tmpdir" $(user_flag) \
      --auth-root-authentication-method=normal --skip-test-db \
      >"$dir/install.log" 2>&1 || {
      tail -n 20 "$dir/install.log" >&2 2>/dev/null || true
      die "mariadb-install-db failed; see $dir/install.log"
    }
  fi
  mkdir -p "$tmpdir"
  local port
  if [[ -s $dir/port ]] && port_is_free "$(<"$dir/port")"; then
    port=$(<"$dir/port")
  else
    port=$(free_port)
    echo "$port" >"$dir/port"
  fi
  rm -f "$sock" "$pidfile"
  # shellcheck disable=SC2046
  setsid "$(mariadbd_path)" --no-defaults $(user_flag) \
    --datadir="$datadir" --tmpdir="$tmpdir" --socket="$sock" --pid-file="$pidfile" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
    --log-error="$errlog" --innodb-flush-log-at-trx-commit=1 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    --innodb-buffer-pool-size=128M --max-connections=300 \
    </dev/null >>"$dir/mysqld.out" 2>&1 &
  local launched=$!
  local i
  for ((i = 0; i < 600; i++)); do
    if admin ping >/dev/null 2>&1; then
      break
    fi
    if ! kill -0 "$launched" 2>/dev/null; then
      tail -n 20 "$errlog" >&2 2>/dev/null || true
      die "mariadbd exited during start-up; see $errlog"
    fi
    sleep 0.1
  done
  admin ping >/dev/null 2>&1 || die "mariadbd did not answer within 60 s; see $errlog"
  provision
}

stop() {
  local pid
  pid=$(server_pid) || {
    rm -f "$pidfile"
    return 0
  }
  admin shutdown >/dev/null 2>&1 || true
  local i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  if kill -0 "$pid" 2>/dev/null; then
    echo "mariadb.sh: mariadbd $pid did not stop; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

status() {
  local pid
  if pid=$(server_pid) && admin ping >/dev/null 2>&1; then
    echo "running: pid $pid, port $(<"$dir/port"), socket $sock"
    return 0
  fi
  echo "stopped"
  return 3
}

case $command in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env)
    [[ -s $dir/env ]] || die "no $dir/env; run: $0 start $dir"
    cat "$dir/env"
    ;;
esac
