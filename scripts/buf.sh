#!/usr/bin/env bash
# buf.sh lint | breaking [REF]: runs buf on protos/, offline.
#
#   lint            buf lint with protos/buf.yaml; prints every finding and
#                   fails when there is one.
#   breaking [REF]  buf breaking of the working tree's protos against the
#                   protos committed at REF (default: main, else origin/main).
#
# Our protos import googleapis files (google/type/date.proto) that buf does
# not bundle; they come from Debian's golang-github-gogo-googleapis-dev. So
# buf runs in a throw-away workspace: module `protos` (links to our files,
# configured by protos/buf.yaml) beside module `googleapis` (links to just the
# imported files), and only module `protos` is checked. No network needed.
#
# Environment: BUF (the buf binary; default .tools/bin/buf as installed by
# scripts/setup.sh, else buf on PATH), CP_SOURCE_DIR (the
# checkout; default the one holding this script).
set -euo pipefail

ROOT=${CP_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
IMPORT_ROOTS=(/usr/share/gocode/src/github.com/gogo/googleapis /usr/share/grpc-proto)

die() {
  echo "buf.sh: $*" >&2
  exit 1
}

find_buf() {
  if [[ -n ${BUF:-} ]]; then
    echo "$BUF"
  elif [[ -x $ROOT/.tools/bin/buf ]]; then
    echo "$ROOT/.tools/bin/buf"
  elif [[ -x $ROOT/.tools/node_modules/.bin/buf ]]; then
    echo "$ROOT/.tools/node_modules/.bin/buf"
  elif command -v buf >/dev/null 2>&1; then
    command -v buf
  else
    die "buf not found: run scripts/setup.sh (installs it into .tools/)"
  fi
}

# imports [FILE...]: the import paths named by the given proto files (or stdin).
imports() {
  sed -n 's/^[[:space:]]*import[[:space:]]\+\(public[[:space:]]\+\|weak[[:space:]]\+\)\?"\([^"]*\)".*/\2/p' "$@"
}

# link_imports SRC DEST: links into DEST every file imported (transitively)
# by the protos under SRC that is neither SRC's own nor bundled with buf.
link_imports() {
  local src=$1 dest=$2 path root found
  local -a queue
  local -A seen=()
  mapfile -t queue < <(find "$src" -name '*.proto' -print0 | xargs -0 -r cat -- | imports)
  while ((${#queue[@]} > 0)); do
    path=${queue[0]}
    queue=("${queue[@]:1}")
    [[ -z ${seen[$path]:-} ]] || continue
    seen[$path]=1
    [[ $path != google/protobuf/* && ! -e $src/$path ]] || continue
    found=
    for root in "${IMPORT_ROOTS[@]}"; do
      if [[ -f $root/$path ]]; then
        found=$root/$path
        break
      fi
    done
    [[ -n $found ]] || die "imported file $path found in none of: ${IMPORT_ROOTS[*]}"
    mkdir -p "$dest/$(dirname "$path")"
    ln -sf "$found" "$dest/$path"
    mapfile -t -O "${#queue[@]}" queue < <(imports "$found")
  done
}

# make_workspace PROTOS_DIR WS: builds the workspace WS for PROTOS_DIR.
make_workspace() {
  local protos=$1 ws=$2 entry
  mkdir -p "$ws/protos" "$ws/googleapis"
  for entry in "$protos"/*; do
    case ${entry##*/} in
      buf.yaml | buf.lock | buf.gen.yaml) ;;
      *) ln -s "$entry" "$ws/protos/" ;;
    esac
  done
  link_imports "$protos" "$ws/googleapis"
  {
    cat "$ROOT/protos/buf.yaml"
    printf 'modules:\n  - path: protos\n  - path: googleapis\n'
  } >"$ws/buf.yaml"
}

cmd_lint() {
  local buf=$1 tmp=$2
  make_workspace "$ROOT/protos" "$tmp/ws"
  (cd "$tmp/ws" && "$buf" lint protos)
}

cmd_breaking() {
  local buf=$1 tmp=$2 ref=${3:-}
  if [[ -z $ref ]]; then
    local candidate
    for candidate in main origin/main; do
      if git -C "$ROOT" rev-parse -q --verify "$candidate^{commit}" >/dev/null 2>&1; then
        ref=$candidate
        break
      fi
    done
    [[ -n $ref ]] || {
      echo "buf.sh: no main branch in $ROOT; nothing to compare against"
      return 0
    }
  fi
  git -C "$ROOT" rev-parse -q --verify "$ref^{commit}" >/dev/null || die "unknown git ref $ref"
  mkdir -p "$tmp/against"
  if ! git -C "$ROOT" archive "$ref" protos | tar -x -C "$tmp/against" 2>/dev/null ||
    [[ -z $(find "$tmp/against/protos" -name '*.proto' 2>/dev/null) ]]; then
    echo "buf.sh: $ref has no protos; nothing to compare against"
    return 0
  fi
  make_workspace "$ROOT/protos" "$tmp/ws"
  make_workspace "$tmp/against/protos" "$tmp/ws-against"
  # The baseline is checked with today's rules (protos/buf.yaml).
  cp "$tmp/ws/buf.yaml" "$tmp/ws-against/buf.yaml"
  (cd "$tmp/ws" && "$buf" breaking protos --against "$tmp/ws-against/protos")
  echo "buf.sh: no breaking change against $ref"
}

main() {
  [[ $# -ge 1 ]] || die "usage: buf.sh lint | breaking [REF]"
  local buf
  buf=$(find_buf)
  WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cp-buf.XXXXXX")
  trap 'rm -rf "$WORK_DIR"' EXIT
  case $1 in
    lint) cmd_lint "$buf" "$WORK_DIR" ;;
    breaking) cmd_breaking "$buf" "$WORK_DIR" "${2:-}" ;;
    *) die "usage: buf.sh lint | breaking [REF]" ;;
  esac
}

main "$@"
