#!/usr/bin/env bash
# image.sh [build|test|base|clean]: builds (and tests) the container image of
# the Dockerfile without Docker: Debian's podman and buildah, with a
# debian:bookworm base made by debootstrap.
#
#   base   makes the base image once: `debootstrap --variant=minbase bookworm`
#          (about a minute), packed to .tools/image/debian-bookworm.tar and
#          imported as localhost/customerprofile-base:bookworm. Later runs
#          reuse both; `image.sh clean` (or `make distclean`) forgets them.
#   build  base, then `podman build --isolation=chroot --network=host` of the
#          Dockerfile with the working tree as context (.dockerignore keeps
#          build/, var/ and .tools/ out); tags customerprofile:latest.
#   test   build, then runs the image (podman run; where podman cannot run a
#          container, as in sandboxes where crun/runc fail on setrlimit, the
#          fallback is `buildah run` of a container made from the image, as
#          the image's USER), waits until the image's own HEALTHCHECK command
#          (profile-cli health) exits 0, runs the ProfileService e2e scenario
#          (tests/e2e/profile_api_scenario.sh, buf curl through reflection)
#          against it, checks the server runs as the non-root USER with its
#          database in the volume, stops it with SIGTERM and checks it
#          drained and exited 0, and that without auth settings the image
#          refuses to start. Prints which runner ran ("image: runner:
#          podman" or "image: runner: buildah").
#   clean  removes the test container, the images and the cached base.
#
# Installs podman, buildah and debootstrap with apt-get when missing (as
# root, or through sudo). The test needs buf and jq on the host (run
# scripts/setup.sh, which `make image-test` does first).
#
# Environment:
#   CP_IMAGE          the image's name (default localhost/customerprofile:latest)
#   CP_IMAGE_CONTEXT  build context (default: this checkout's working tree)
#   CP_IMAGE_RUNNER   auto (default: podman, else buildah), podman or buildah
#   CP_IMAGE_PORT     port the tested server listens on (default 50051 when
#                     free on the host, else a free one; host network)
#   JOBS              compiler jobs in the build stage (default 2)
#   DEBIAN_MIRROR     mirror for debootstrap (default http://deb.debian.org/debian)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_DIR=$ROOT/.tools/image
BASE_TAR=$CACHE_DIR/debian-bookworm.tar
BASE_IMAGE=localhost/customerprofile-base:bookworm
IMAGE=${CP_IMAGE:-localhost/customerprofile:latest}
CONTEXT=${CP_IMAGE_CONTEXT:-$ROOT}
RUNNER=${CP_IMAGE_RUNNER:-auto}
JOBS=${JOBS:-2}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CONTAINER=cp-image-test-$$
SECONDS=0

log() { echo "image: [$(printf '%3d' "$SECONDS")s] $*"; }
die() {
  echo "image: $*" >&2
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

# ensure_tools: installs podman, buildah and debootstrap when missing.
ensure_tools() {
  local -a missing=() pkg
  for pkg in podman buildah debootstrap; do
    command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing ${missing[*]} (apt-get)"
  as_root apt-get -o Acquire::Retries=3 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Retries=3 install -y -qq \
    --no-install-recommends "${missing[@]}" uidmap fuse-overlayfs crun >/dev/null
}

# podman/buildah as root: the images live in root's storage, shared by both.
pm() { as_root podman "$@"; }
bh() { as_root buildah "$@"; }

# --- base --------------------------------------------------------------------

make_base_tar() {
  local rootfs
  rootfs=$(mktemp -d /tmp/cp-debootstrap.XXXXXX)
  log "debootstrap --variant=minbase bookworm (once; cached in ${BASE_TAR#"$ROOT"/})"
  if ! as_root debootstrap --variant=minbase --components=main bookworm "$rootfs" \
    "$DEBIAN_MIRROR" >"$rootfs.log" 2>&1; then
    tail -n 20 "$rootfs.log" >&2
    as_root rm -rf "$rootfs" "$rootfs.log"
    die "debootstrap failed"
  fi
  # As Debian's own debian:bookworm image: deb822 sources with updates and
  # security, no package lists or caches, no device nodes.
  as_root rm -f "$rootfs/etc/apt/sources.list"
  as_root tee "$rootfs/etc/apt/sources.list.d/debian.sources" >/dev/null <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DEBIAN_MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  as_root sh -c "rm -rf '$rootfs'/var/lib/apt/lists/* '$rootfs'/var/cache/apt/*.bin \
    '$rootfs'/var/cache/apt/archives/*.deb '$rootfs'/var/log/* '$rootfs'/tmp/* '$rootfs'/dev/*"
  mkdir -p "$CACHE_DIR"
  as_root tar --numeric-owner --xattrs -C "$rootfs" -cf "$BASE_TAR.tmp" .
  mv "$BASE_TAR.tmp" "$BASE_TAR"
  as_root rm -rf "$rootfs" "$rootfs.log"
}

base() {
  ensure_tools
  if pm image exists "$BASE_IMAGE"; then
    log "base $BASE_IMAGE present"
    return 0
  fi
  [[ -s $BASE_TAR ]] || make_base_tar
  log "podman import ${BASE_TAR#"$ROOT"/} as $BASE_IMAGE"
  pm import --change 'CMD ["bash"]' "$BASE_TAR" "$BASE_IMAGE" >/dev/null
}

# --- build -------------------------------------------------------------------

build() {
  base
  log "podman build of $CONTEXT/Dockerfile as $IMAGE (JOBS=$JOBS)"
  local start=$SECONDS
  # docker format: OCI images carry no HEALTHCHECK. The host's CA bundle is
  # a build secret (npm trusts it; a TLS-intercepting proxy then works).
  local -a secret=()
  [[ ! -s /etc/ssl/certs/ca-certificates.crt ]] ||
    secret=("--secret=id=ca-certificates,src=/etc/ssl/certs/ca-certificates.crt")
  pm build --isolation=chroot --network=host --format=docker --pull=never "${secret[@]}" \
    --build-arg BASE="$BASE_IMAGE" --build-arg JOBS="$JOBS" \
    --layers -t "$IMAGE" -f "$CONTEXT/Dockerfile" "$CONTEXT"
  log "built $IMAGE in $((SECONDS - start)) s ($(pm image inspect --format '{{.Size}}' "$IMAGE" |
    awk '{printf "%.0f MB", $1 / 1e6}'))"
}

# --- test --------------------------------------------------------------------

SERVER_PID=
RUN_WITH=
ENTRYPOINT=()
TEST_DIR=

port_free() { ! ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

pick_port() {
  if [[ -n ${CP_IMAGE_PORT:-} ]]; then
    echo "$CP_IMAGE_PORT"
    return
  fi
  local port
  for port in 50051 $(shuf -i 20000-40000 -n 50); do
    if port_free "$port"; then
      echo "$port"
      return
    fi
  done
  die "no free port"
}

# cleanup: stops and removes whatever the test started.
cleanup() {
  local rc=$?
  if [[ $RUN_WITH == podman ]]; then
    pm rm -f -t 5 "$CONTAINER" >/dev/null 2>&1 || true
  elif [[ $RUN_WITH == buildah ]]; then
    stop_buildah KILL >/dev/null 2>&1 || true
    bh rm "$CONTAINER" >/dev/null 2>&1 || true
  fi
  if ((rc != 0)) && [[ -n $TEST_DIR && -s $TEST_DIR/server.log ]]; then
    echo "--- last lines of the container's log:"
    tail -n 30 "$TEST_DIR/server.log"
  fi
  [[ -z $TEST_DIR ]] || rm -rf "$TEST_DIR"
  exit "$rc"
}

# image_json FIELD: the image config's FIELD (Entrypoint, Healthcheck, ...) as
# JSON.
image_json() {
  pm image inspect "$IMAGE" | jq -c ".[0].Config.$1 // .[0].$1 // .[0].${1/check/Check} // null"
}

# The server's pid under `buildah run`: buildah's chroot isolation runs it
# as a descendant of the buildah process.
server_pid() {
  local pid
  for pid in $(pgrep -x profile-server); do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "CP_IMAGE_TEST=$CONTAINER"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

start_podman() {
  pm rm -f "$CONTAINER" >/dev/null 2>&1 || true
  pm run -d --name "$CONTAINER" --network=host "${RUN_ENV[@]/#/--env=}" "$IMAGE" \
    >"$TEST_DIR/podman-run.out" 2>&1
}

start_buildah() {
  bh rm "$CONTAINER" >/dev/null 2>&1 || true
  bh from --pull-never --name "$CONTAINER" "$IMAGE" >/dev/null
  mapfile -t ENTRYPOINT < <(image_json Entrypoint | jq -r '.[]')
  ((${#ENTRYPOINT[@]} > 0)) || die "the image has no ENTRYPOINT"
  # buildah run applies the image's USER, WORKDIR and ENV; the volume's
  # directory is the container's own (fresh) one.
  as_root buildah run --isolation=chroot --network=host "${RUN_ENV[@]/#/--env=}" \
    --env=CP_IMAGE_TEST="$CONTAINER" "$CONTAINER" -- "${ENTRYPOINT[@]}" \
    </dev/null >"$TEST_DIR/server.log" 2>&1 &
  SERVER_PID=$!
}

# stop_buildah [SIGNAL]: signals the server run by buildah, waits for
# buildah run to end and sets SERVER_EXIT to its exit code (the server's).
SERVER_EXIT=
stop_buildah() {
  local signal=${1:-TERM} pid i
  SERVER_EXIT=
  [[ -n $SERVER_PID ]] || return 0
  if pid=$(server_pid); then
    as_root kill -"$signal" "$pid" || true
  fi
  for ((i = 0; i < 400; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  SERVER_EXIT=0
  wait "$SERVER_PID" || SERVER_EXIT=$?
  SERVER_PID=
}

# container_running: whether the started server still runs.
container_running() {
  if [[ $RUN_WITH == podman ]]; then
    [[ $(pm inspect --format '{{.State.Running}}' "$CONTAINER" 2>/dev/null) == true ]]
  else
    kill -0 "$SERVER_PID" 2>/dev/null
  fi
}

# in_container CMD...: runs CMD in the running container, as its USER.
in_container() {
  if [[ $RUN_WITH == podman ]]; then
    pm exec "$CONTAINER" "$@"
  else
    as_root buildah run --isolation=chroot --network=host "${RUN_ENV[@]/#/--env=}" \
      "$CONTAINER" -- "$@"
  fi
}

# health: runs the image's HEALTHCHECK command in the container.
health() { in_container "${HEALTH_CMD[@]}"; }

test_image() {
  build
  command -v jq >/dev/null || die "jq not found: run scripts/setup.sh"
  local buf=${BUF:-$ROOT/.tools/bin/buf}
  [[ -x $buf ]] || die "buf not found at $buf: run scripts/setup.sh"
  TEST_DIR=$(mktemp -d /tmp/cp-image-test.XXXXXX)
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  local port
  port=$(pick_port)
  # The image listens on 0.0.0.0:50051; on the host network another port
  # may be needed. The scenario reads national numbers as Norwegian ones.
  RUN_ENV=(PROFILE_SERVER_INSECURE_NO_AUTH=1 PROFILE_SERVER_DEFAULT_PHONE_REGION=NO)
  if [[ $port != 50051 ]]; then
    RUN_ENV+=("PROFILE_SERVER_LISTEN=0.0.0.0:$port" "PROFILE_CLI_ENDPOINT=127.0.0.1:$port")
  fi

  local hc
  hc=$(image_json Healthcheck)
  [[ $(jq -r '.Test[0] // empty' <<<"$hc") == CMD ]] ||
    die "the image has no HEALTHCHECK CMD (built without --format=docker?): $hc"
  mapfile -t HEALTH_CMD < <(jq -r '.Test[1:][]' <<<"$hc")
  log "image HEALTHCHECK: ${HEALTH_CMD[*]}"

  if [[ $RUNNER != buildah ]]; then
    log "podman run -d --network=host $IMAGE (port $port)"
    if start_podman; then
      RUN_WITH=podman
    else
      sed 's/^/  podman: /' "$TEST_DIR/podman-run.out" | tail -n 5
      pm rm -f "$CONTAINER" >/dev/null 2>&1 || true
      [[ $RUNNER == auto ]] || die "podman run failed"
      log "podman cannot run containers here; falling back to buildah run"
    fi
  fi
  if [[ -z $RUN_WITH ]]; then
    log "buildah run --isolation=chroot --network=host (container $CONTAINER, port $port)"
    start_buildah
    RUN_WITH=buildah
  fi
  log "runner: $RUN_WITH"

  local i start=$SECONDS healthy=0
  for ((i = 0; i < 120; i++)); do
    if [[ $RUN_WITH == podman ]]; then
      pm logs "$CONTAINER" >"$TEST_DIR/server.log" 2>&1 || true
    fi
    container_running || die "the server exited during start-up (runner $RUN_WITH)"
    if out=$(health 2>"$TEST_DIR/health.err") && [[ $out == SERVING ]]; then
      healthy=1
      break
    fi
    sleep 0.5
  done
  ((healthy)) || die "not SERVING within 60 s (last health output: ${out:-none}; $(tail -n 2 "$TEST_DIR/health.err"))"
  log "health: SERVING after $((SECONDS - start)) s (${HEALTH_CMD[*]}, runner $RUN_WITH)"
  if grep -q 'auth_disabled' "$TEST_DIR/server.log"; then
    log "the server logged its auth_disabled warning (PROFILE_SERVER_INSECURE_NO_AUTH=1)"
  fi

  # Whatever runs it, the server must run as the image's non-root USER.
  local uid
  if [[ $RUN_WITH == podman ]]; then
    uid=$(pm exec "$CONTAINER" id -u)
  else
    uid=$(awk '/^Uid:/ { print $2 }' "/proc/$(server_pid)/status")
  fi
  [[ $uid != 0 ]] || die "the server runs as root"
  log "the server runs as uid $uid (image USER $(image_json User | jq -r .))"

  log "ProfileService e2e scenario over buf curl against 127.0.0.1:$port"
  CP_SOURCE_DIR=$ROOT BUF=$buf CP_IMAGE_ADDR=127.0.0.1:$port \
    bash "$ROOT/tests/image/profile_api_container_test.sh"

  # The data is in the volume's directory, the user's.
  local store
  store=$(in_container stat -c '%u %s %n' /var/lib/customerprofile/profiles.db) ||
    die "no database in the volume /var/lib/customerprofile"
  log "store in the volume: $store (uid, bytes, path)"

  log "stopping the server with SIGTERM (runner $RUN_WITH)"
  local code
  if [[ $RUN_WITH == podman ]]; then
    pm stop -t 30 "$CONTAINER" >/dev/null
    code=$(pm inspect --format '{{.State.ExitCode}}' "$CONTAINER")
    pm logs "$CONTAINER" >"$TEST_DIR/server.log" 2>&1 || true
  else
    stop_buildah TERM
    code=$SERVER_EXIT
  fi
  [[ $code == 0 ]] || die "the server exited with $code after SIGTERM (want 0: drained)"
  log "the server drained and exited 0"

  # Secure by default: with neither an auth config nor
  # PROFILE_SERVER_INSECURE_NO_AUTH the image refuses 0.0.0.0.
  local refusal rc=0
  if [[ $RUN_WITH == podman ]]; then
    refusal=$(pm run --rm --network=host --env=PROFILE_SERVER_STORE=memory: "$IMAGE" 2>&1) || rc=$?
  else
    refusal=$(as_root buildah run --isolation=chroot --network=host \
      --env=PROFILE_SERVER_STORE=memory: "$CONTAINER" -- "${ENTRYPOINT[@]}" 2>&1) || rc=$?
  fi
  if ((rc == 0)) || ! grep -q 'refusing to listen on 0.0.0.0' <<<"$refusal"; then
    die "without auth the image did not refuse to serve (exit $rc): $(tail -n 3 <<<"$refusal")"
  fi
  log "without PROFILE_SERVER_AUTH_CONFIG or PROFILE_SERVER_INSECURE_NO_AUTH it refuses to start (exit $rc)"
  log "PASS: image $IMAGE (runner $RUN_WITH) in $SECONDS s"
}

clean() {
  pm rm -f "$CONTAINER" >/dev/null 2>&1 || true
  pm rmi -f "$IMAGE" "$BASE_IMAGE" >/dev/null 2>&1 || true
  rm -rf "$CACHE_DIR"
  log "removed $IMAGE, $BASE_IMAGE and ${CACHE_DIR#"$ROOT"/}"
}

case ${1:-build} in
  base) base ;;
  build) build ;;
  test) test_image ;;
  clean) clean ;;
  *) die "usage: image.sh [build|test|base|clean]" ;;
esac
