#!/usr/bin/env bash
# setup.sh: installs everything building, running and testing the service
# needs on Debian 12, and nothing that is already there.
#
#   - Debian packages (apt-get, only the missing ones; one `apt-get update`
#     first, retried on transient failures). Services that packages would
#     start (mariadb) are kept from starting: tests run a private server.
#   - buf (the npm package @bufbuild/buf, pinned) into .tools/ of this
#     checkout, so ./.tools/node_modules/.bin/buf exists, and .tools/bin/buf
#     links to its native binary. Nothing global.
#
# Idempotent and quick when everything is present. Run as root (or with sudo
# available). Environment: BUF_VERSION overrides the pinned buf version.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUF_VERSION=${BUF_VERSION:-1.75.0}
TOOLS_DIR=$ROOT/.tools
BUF=$TOOLS_DIR/node_modules/.bin/buf

APT_PACKAGES=(
  build-essential cmake pkg-config git
  libgrpc++-dev libprotobuf-dev libprotoc-dev protobuf-compiler protobuf-compiler-grpc grpc-proto
  libabsl-dev libsqlite3-dev sqlite3 libmysqlcppconn-dev
  libphonenumber-dev libicu-dev libre2-dev libssl-dev openssl
  nlohmann-json3-dev libyaml-cpp-dev libjwt-dev libgtest-dev libgmock-dev prometheus-cpp-dev
  golang-github-gogo-googleapis-dev
  mariadb-server mariadb-client sysbench
  curl ca-certificates jq clang-format procps
)

log() { echo "setup: $*"; }
die() {
  echo "setup: $*" >&2
  exit 1
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# retry N CMD...: runs CMD up to N times, waiting a little longer each time.
retry() {
  local attempts=$1 i
  shift
  for ((i = 1; ; i++)); do
    if "$@"; then
      return 0
    fi
    ((i < attempts)) || return 1
    log "'$*' failed (attempt $i of $attempts); retrying in $((i * 5)) s"
    sleep $((i * 5))
  done
}

missing_packages() {
  local -A installed=()
  local name status
  while read -r name status; do
    if [[ $status == installed ]]; then
      installed[$name]=1
    fi
  done < <(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${APT_PACKAGES[@]}" 2>/dev/null)
  for name in "${APT_PACKAGES[@]}"; do
    [[ -n ${installed[$name]:-} ]] || echo "$name"
  done
  # Node.js and npm may come from elsewhere (NodeSource, /usr/local); only
  # Debian's packages are added when there is none.
  if ! command -v node >/dev/null 2>&1; then
    echo nodejs
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo npm
  fi
}

apt_install() {
  local -a missing=("$@")
  export DEBIAN_FRONTEND=noninteractive
  log "installing ${missing[*]}"
  # Keep package scripts from starting daemons (mariadb): a policy-rc.d that
  # says 101 ("action forbidden"), removed again afterwards.
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [[ ! -e $policy ]]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    added_policy=1
  fi
  local rc=0
  retry 3 as_root apt-get -o Acquire::Retries=3 update -qq || rc=$?
  if ((rc == 0)); then
    retry 3 as_root env DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Retries=3 \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      install -y -qq "${missing[@]}" || rc=$?
  fi
  if ((added_policy)); then
    as_root rm -f "$policy"
  fi
  ((rc == 0)) || die "apt-get failed for: ${missing[*]}"
}

install_buf() {
  local fast=$TOOLS_DIR/bin/buf
  if [[ -x $fast && $("$fast" --version 2>/dev/null) == "$BUF_VERSION" ]]; then
    return
  fi
  if ! [[ -x $BUF && $("$BUF" --version 2>/dev/null) == "$BUF_VERSION" ]]; then
    log "installing buf $BUF_VERSION into .tools/"
    mkdir -p "$TOOLS_DIR"
    retry 3 npm install --prefix "$TOOLS_DIR" --save-exact --no-audit --no-fund \
      --loglevel=error "@bufbuild/buf@$BUF_VERSION" ||
      die "npm install @bufbuild/buf@$BUF_VERSION failed"
    [[ $("$BUF" --version 2>/dev/null) == "$BUF_VERSION" ]] ||
      die "buf $BUF_VERSION is not runnable at $BUF"
  fi
  # .tools/bin/buf: the package's native binary for this platform, which
  # starts without the Node.js wrapper (about a second less per call).
  local native target=../node_modules/.bin/buf
  for native in "$TOOLS_DIR"/node_modules/@bufbuild/buf-*/bin/buf; do
    if [[ -x $native && $("$native" --version 2>/dev/null) == "$BUF_VERSION" ]]; then
      target=../${native#"$TOOLS_DIR"/}
      break
    fi
  done
  mkdir -p "$TOOLS_DIR/bin"
  ln -sfn "$target" "$fast"
}

main() {
  local -a missing
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} > 0)); then
    apt_install "${missing[@]}"
  fi
  install_buf
  log "ready (Debian packages present, buf $BUF_VERSION in .tools/)"
}

main "$@"
