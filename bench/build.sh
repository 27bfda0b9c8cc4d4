#!/usr/bin/env bash
# Builds projects in Release for the bench scripts, quietly; on failure prints the build log and exits 1.
#   bench/build.sh PROJECT.csproj [PROJECT.csproj …]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for project in "$@"; do
  log="$(mktemp)"
  if ! dotnet build "$project" -c Release -nologo -v quiet >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "build of $project failed" >&2
    exit 1
  fi
  rm -f "$log"
done
