#!/usr/bin/env bash
# Builds the docs site with DocFX (the dotnet tool pinned in .config/dotnet-tools.json): the guides (README.md,
# docs/, the model cards under models/, the Unity package's README) and the API reference of the NuGet packages,
# from the XML docs of a Release build. A broken link fails it (--warningsAsErrors). test.sh runs it, so CI does.
#   scripts/docs-site.sh [--no-build]     (the site lands in obj/docfx/site; open its index.html)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[[ "${1:-}" == --no-build ]] || dotnet build VaeCreative.sln -c Release -nologo -v quiet
dotnet tool restore >/dev/null
rm -rf obj/docfx
# The metadata step reads the packages' DLLs; it warns that it cannot resolve the client's Microsoft.Bcl.AsyncInterfaces,
# which changes nothing in the reference, so only the build step turns warnings into errors.
dotnet tool run docfx metadata docfx.json --logLevel error
dotnet tool run docfx build docfx.json --warningsAsErrors --logLevel warning
echo "docs-site: obj/docfx/site built"
