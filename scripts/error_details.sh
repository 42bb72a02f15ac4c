#!/usr/bin/env bash
# error_details.sh [TYPE]: decodes the error details that `buf curl` prints.
#
# buf curl writes a failed call's status as JSON on stderr, with each detail
# (google.rpc.ErrorInfo, google.rpc.BadRequest, google.rpc.RetryInfo, ...)
# only as base64 "value". This reads that JSON on stdin and prints every
# detail (or only those of TYPE) in protobuf text format, decoded with protoc
# and google/rpc/error_details.proto from Debian's googleapis package:
#
#   buf curl ... 2>&1 >/dev/null | scripts/error_details.sh
#   buf curl ... 2>&1 >/dev/null | scripts/error_details.sh google.rpc.BadRequest
set -euo pipefail

GOOGLEAPIS=/usr/share/gocode/src/github.com/gogo/googleapis
want=${1:-}

# Skip anything buf printed before the JSON object.
json=$(sed -n '/^{/,$p')
[[ -n $json ]] || exit 0
jq -r --arg want "$want" \
  '.details[]? | select($want == "" or .type == $want) | "\(.type) \(.value)"' <<<"$json" |
  while read -r type value; do
    [[ -n $want ]] || echo "$type:"
    value=$(tr -- '-_' '+/' <<<"$value")
    while ((${#value} % 4)); do
      value+="="
    done
    if [[ $type == google.rpc.* ]]; then
      base64 -d <<<"$value" | protoc --decode="$type" -I "$GOOGLEAPIS" -I /usr/include \
        google/rpc/error_details.proto
    else
      echo "$value"
    fi
  done
