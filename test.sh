#!/usr/bin/env bash
# Builds everything and runs the test suite; ends with "tests: N passed, N failed, N skipped".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
# --preview: fluidsynth and a soundfont, which the WAV preview tests run (they fail, not skip, without them).
# --browser: chromium and chromedriver, which the studio page's tests drive (they skip, saying why, without them).
./scripts/setup.sh --test-tools --preview --browser

dotnet build VaeCreative.sln -c Release -nologo -v quiet
# The docs site (DocFX: guides, model cards and the API reference from the XML docs); a broken link fails here.
./scripts/docs-site.sh --no-build
log="$(mktemp)"
set +e
# --blame-crash: if the test host dies (a native crash), say which tests were running and keep a minidump under
# Tests/TestResults, instead of only "Test host process crashed".
dotnet test Tests/Tests.csproj -c Release --no-build -nologo --logger "console;verbosity=normal" \
  --blame-crash --blame-crash-dump-type mini "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# dotnet test prints either "Failed: F, Passed: P, Skipped: S, Total: T" or a block of
# "Total tests: T / Passed: P / Failed: F / Skipped: S" lines, depending on the logger.
count() { grep -E "^ +$1: +[0-9]+ *$" "$log" | tail -1 | grep -oE '[0-9]+' || true; }
passed="$(count Passed)"; failed="$(count Failed)"; skipped="$(count Skipped)"
if [[ -z "$passed$failed" ]]; then
  summary="$(grep -E 'Failed: +[0-9]+, Passed: +[0-9]+' "$log" | tail -1 || true)"
  if [[ -n "$summary" ]]; then
    failed="$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary")"
    passed="$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")"
    skipped="$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")"
  fi
fi
rm -f "$log"
if [[ -n "$passed$failed" ]]; then
  echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
else
  echo "tests: no summary from dotnet test (exit $status)" >&2
  [[ $status -ne 0 ]] || status=1
fi
exit "$status"
