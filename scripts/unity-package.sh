#!/usr/bin/env bash
# Refreshes the Unity package unity/com.vaecreative.client from the repository. Runtime/Client/ holds the client's
# sources themselves (Generator.Client compiles the same files; nothing is copied), so this only refreshes:
#   - Runtime/Plugins/: the DLLs they need under .NET Standard 2.1 (System.Text.Json and the packages it brings that
#     .NET Standard 2.1 lacks), as NuGet resolves them for Tests/Packaging/UnityCheck (netstandard2.1);
#   - package.json's "version": Directory.Build.props' <Version>;
#   - a .meta beside every file and folder that lacks one, with a GUID derived from its path (md5), so that it is the
#     same on every machine; existing .meta files are kept (a GUID must not change), orphaned ones are removed.
# Run it after adding a client source file, changing System.Text.Json's version or the version; UnityPackageTests fail until then.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/unity/com.vaecreative.client"
cd "$ROOT"

# 1. The plugins: what a netstandard2.1 project with the client's package references gets.
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet publish Tests/Packaging/UnityCheck/UnityCheck.csproj -c Release -nologo -v quiet -o "$out"
rm -f "$PKG"/Runtime/Plugins/*.dll
mkdir -p "$PKG/Runtime/Plugins"
for dll in "$out"/*.dll; do
  [[ "$(basename "$dll")" == VaeCreative.Unity.Check.dll ]] || cp "$dll" "$PKG/Runtime/Plugins/"
done

# 2. The version, and 3. the .meta files.
python3 - "$ROOT" "$PKG" <<'PY'
import hashlib, json, os, re, sys
root, pkg = sys.argv[1], sys.argv[2]
version = re.search(r"<Version>([^<]+)</Version>", open(os.path.join(root, "Directory.Build.props")).read()).group(1)
manifest_path = os.path.join(pkg, "package.json")
manifest = json.load(open(manifest_path))
if manifest["version"] != version:
    manifest["version"] = version
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")

TAIL = "  userData: \n  assetBundleName: \n  assetBundleVariant: \n"
def meta(rel, is_dir):
    guid = hashlib.md5(("com.vaecreative.client/" + rel).encode()).hexdigest()
    head = f"fileFormatVersion: 2\nguid: {guid}\n"
    ext = os.path.splitext(rel)[1].lower()
    if is_dir:
        return head + "folderAsset: yes\nDefaultImporter:\n  externalObjects: {}\n" + TAIL
    if ext == ".cs":
        return head + ("MonoImporter:\n  externalObjects: {}\n  serializedVersion: 2\n  defaultReferences: []\n"
                       "  executionOrder: 0\n  icon: {instanceID: 0}\n") + TAIL
    if ext == ".dll":
        # Auto-referenced: the game's scripts may touch the client's System.Text.Json types (ModelInfo.Metrics).
        return head + ("PluginImporter:\n  externalObjects: {}\n  serializedVersion: 2\n  iconMap: {}\n  executionOrder: {}\n"
                       "  defineConstraints: []\n  isPreloaded: 0\n  isOverridable: 0\n  isExplicitlyReferenced: 0\n"
                       "  validateReferences: 1\n  platformData:\n  - first:\n      Any: \n    second:\n      enabled: 1\n"
                       "      settings: {}\n") + TAIL
    if ext == ".asmdef":
        return head + "AssemblyDefinitionImporter:\n  externalObjects: {}\n" + TAIL
    if rel == "package.json":
        return head + "PackageManifestImporter:\n  externalObjects: {}\n" + TAIL
    if ext in (".md", ".txt", ".json"):
        return head + "TextScriptImporter:\n  externalObjects: {}\n" + TAIL
    if ext == ".png":
        # A sprite for pixel art: readable (EncodeToPNG needs that), point-filtered, uncompressed.
        return head + ("TextureImporter:\n  externalObjects: {}\n  serializedVersion: 11\n  mipmaps:\n    enableMipMap: 0\n"
                       "  isReadable: 1\n  textureSettings:\n    serializedVersion: 2\n    filterMode: 0\n    wrapU: 1\n"
                       "    wrapV: 1\n  textureType: 8\n  textureShape: 1\n  spriteMode: 1\n  alphaIsTransparency: 1\n"
                       "  textureFormat: 4\n  textureCompression: 0\n  spritePixelsToUnits: 32\n") + TAIL
    return head + "DefaultImporter:\n  externalObjects: {}\n" + TAIL

assets = set()
for dirpath, dirnames, filenames in os.walk(pkg):
    dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
    for name in dirnames + filenames:
        if name.endswith(".meta") or name.startswith("."):
            continue
        path = os.path.join(dirpath, name)
        rel = os.path.relpath(path, pkg)
        if name.endswith("~") and os.path.isdir(path):
            continue  # Samples~ itself: Unity ignores folders ending in ~ (their contents get .meta files for import)
        assets.add(path)
        if not os.path.exists(path + ".meta"):
            with open(path + ".meta", "w") as f:
                f.write(meta(rel, os.path.isdir(path)))
for dirpath, _, filenames in os.walk(pkg):
    for name in filenames:
        if name.endswith(".meta") and os.path.join(dirpath, name[:-5]) not in assets:
            os.remove(os.path.join(dirpath, name))
PY
echo "unity-package: $PKG refreshed (version $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$PKG/package.json"))" >&2
