#!/usr/bin/env bash
# Renders every drum groove of MMA's library (Debian's `mma`: about 1,950 human-written groove definitions in
# /usr/share/mma/lib) to MIDI, the drums model's training data:
#   ./scripts/mma-grooves.sh OUTDIR [LIB]        (LIB: default /usr/share/mma/lib; needs `mma`)
# Each groove plays 8 bars over a C chord, with MMA's random humanisation seeded (RndSeed 1), so a rerun writes the
# same files. Files land in OUTDIR/LIBRARY/FILE/GROOVE.mid: the variants a library file defines (Sus, Plus, Intro,
# End …) share a folder, and the drums corpus holds out whole folders, so no variant of a held-out groove is trained on.
# Grooves mma cannot render are skipped and counted.
set -euo pipefail
OUT="${1:?usage: scripts/mma-grooves.sh OUTDIR [LIB]}"
LIB="${2:-/usr/share/mma/lib}"
command -v mma >/dev/null || { echo "error: mma is not installed (apt-get install mma)" >&2; exit 1; }
[ -d "$LIB" ] || { echo "error: no MMA library in '$LIB'" >&2; exit 1; }
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
rendered=0 failed=0
while IFS= read -r -d '' file; do
  rel="${file#"$LIB"/}"; rel="${rel%.mma}"          # e.g. stdlib/50srock
  mkdir -p "$OUT/$rel"
  # Groove names: the first word after DefGroove (a line may continue a description with '\').
  while IFS= read -r groove; do
    [ -n "$groove" ] || continue
    target="$OUT/$rel/$groove.mid"
    printf 'RndSeed 1\nUse %s\nGroove %s\n' "${file%.mma}" "$groove" > "$scratch/song.mma"
    for _ in 1 2 3 4 5 6 7 8; do echo C >> "$scratch/song.mma"; done
    if (cd "$scratch" && mma -f "$target" song.mma) > "$scratch/log" 2>&1 && [ -s "$target" ]; then
      rendered=$((rendered + 1))
    else
      failed=$((failed + 1)); rm -f "$target"
      echo "skipped $rel $groove: $(grep -m1 -i error "$scratch/log" || tail -n1 "$scratch/log")" >&2
    fi
  done < <(grep -i -E '^[[:space:]]*DefGroove[[:space:]]' "$file" | awk '{print $2}' | sort -u)
  rmdir "$OUT/$rel" 2>/dev/null || true
done < <(find "$LIB" -name '*.mma' -type f -print0 | sort -z)
echo "$rendered grooves rendered to $OUT, $failed skipped (mma failed)"
