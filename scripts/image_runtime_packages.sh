#!/usr/bin/env bash
# image_runtime_packages.sh BINARY...: prints, one a line and sorted, the
# Debian packages that hold the shared libraries the given binaries load
# (ldd, then dpkg -S). The Dockerfile's build stage writes this list for the
# runtime stage, so the runtime libraries follow whatever the build links
# (scripts/setup.sh stays the only list of packages). Fails when a library
# is missing or belongs to no package.
set -euo pipefail

(($# > 0)) || {
  echo "usage: image_runtime_packages.sh BINARY..." >&2
  exit 64
}

# owner PATH: the package owning PATH, trying the path as given and with
# /usr added or removed (merged /usr: dpkg may know either spelling).
owner() {
  local path=$1 real candidate pkg
  real=$(readlink -f "$path")
  for candidate in "$path" "$real" "/usr$path" "/usr$real" "${path#/usr}" "${real#/usr}"; do
    pkg=$(dpkg-query -S "$candidate" 2>/dev/null | grep -v '^diversion' | head -n 1) || continue
    if [[ -n $pkg ]]; then
      echo "${pkg%%: *}"
      return 0
    fi
  done
  echo "image_runtime_packages.sh: no package holds $path" >&2
  return 1
}

# ldd of several files heads each one's list with "FILE:".
libs=$(ldd "$@" | awk '
  /:$/ { next }
  /not found/ { print "MISSING " $1; next }
  $2 == "=>" && $3 ~ /^\// { print $3; next }
  $1 ~ /^\// { print $1 }')
if grep -q '^MISSING' <<<"$libs"; then
  echo "image_runtime_packages.sh: missing libraries: $(grep '^MISSING' <<<"$libs" | cut -d' ' -f2 | sort -u | tr '\n' ' ')" >&2
  exit 1
fi
while read -r lib; do
  [[ -n $lib ]] || continue
  pkg=$(owner "$lib")
  echo "${pkg%%:*}" # libc6:amd64 -> libc6 (the native architecture)
done < <(sort -u <<<"$libs") | sort -u
