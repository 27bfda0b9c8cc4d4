#!/usr/bin/env bash
# Renders MMA's example songs (human-written accompaniment arrangements: drums, chords, bass, some with a melody
# line) to MIDI files in OUTDIR, as real-world multi-track material for `vaecreative survey`.
#   ./scripts/mma-songs.sh OUTDIR [EXAMPLES]      (EXAMPLES: default /usr/share/doc/mma/examples; needs `mma`)
# Each song is rendered in its own folder, since some include MIDI files or other .mma files by relative path;
# gzipped songs (.mma.gz) are unpacked to a temporary file first. Songs mma fails on are skipped and counted.
set -euo pipefail
OUT="${1:?usage: scripts/mma-songs.sh OUTDIR [EXAMPLES]}"
EXAMPLES="${2:-/usr/share/doc/mma/examples}"
command -v mma >/dev/null || { echo "error: mma is not installed (apt-get install mma)" >&2; exit 1; }
[ -d "$EXAMPLES" ] || { echo "error: no MMA examples in '$EXAMPLES'" >&2; exit 1; }
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
rendered=0 failed=0
while IFS= read -r -d '' song; do
  rel="${song#"$EXAMPLES"/}"
  # One flat folder: the song's path with '/' as '-', so tutorial/fella1.mma becomes tutorial-fella1.mid.
  name="${rel%.gz}"; name="${name%.mma}"; name="${name//\//-}"
  source="$song"
  if [[ "$song" == *.gz ]]; then source="$scratch/$name.mma"; gunzip -c "$song" > "$source"; fi
  if (cd "$(dirname "$song")" && mma -f "$OUT/$name.mid" "$source") > "$scratch/log" 2>&1 && [ -s "$OUT/$name.mid" ]; then
    rendered=$((rendered + 1))
  else
    failed=$((failed + 1))
    rm -f "$OUT/$name.mid"
    echo "skipped $rel: $(grep -m1 -i error "$scratch/log" || tail -n1 "$scratch/log")" >&2
  fi
done < <(find "$EXAMPLES" -type f \( -name '*.mma' -o -name '*.mma.gz' \) -print0 | sort -z)
echo "$rendered songs rendered to $OUT, $failed skipped (mma failed)"
