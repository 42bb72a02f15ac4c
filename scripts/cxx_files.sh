#!/usr/bin/env bash
# cxx_files.sh: lists the project's own C++ files (tracked or new, not
# ignored), one per line, for clang-format.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files --cached --others --exclude-standard -- '*.cc' '*.h' | while read -r f; do
    if [[ -f $f ]]; then
      echo "$f"
    fi
  done
else
  find . -path './build*' -prune -o -path ./.tools -prune -o -path ./var -prune -o \
    -type f \( -name '*.cc' -o -name '*.h' \) -print | sed 's|^\./||'
fi
