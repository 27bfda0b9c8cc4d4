#!/usr/bin/env bash
# Refreshes docs/studio.png, the picture of the studio page in docs/studio.md: runs the browser test that varies the demo
# melody with VAECREATIVE_STUDIO_SCREENSHOT set, so it copies its screenshot there (atomically). Needs chromium and
# chromedriver (scripts/setup.sh --browser).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./scripts/setup.sh --quiet --test-tools --preview --browser
dotnet build Tests/Tests.csproj -c Release -nologo -v quiet
VAECREATIVE_STUDIO_SCREENSHOT=1 dotnet test Tests/Tests.csproj -c Release --no-build -nologo \
  --filter "FullyQualifiedName~StudioPageTests.Varying_the_demo_melody"
echo "wrote docs/studio.png"
