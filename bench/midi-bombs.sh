#!/usr/bin/env bash
# Cost of reading hostile MIDI files (issue 8, point 1): each input in its own process, with its time,
# managed allocation and peak RSS.
#   ./bench/midi-bombs.sh [--bench-dll DLL] [--heap-limit-gb N]
# Inputs (written by `vaecreative-bench fuzz --write-bombs`): three 33–37-byte length bombs, the sample melody
# with one absurd delta at 1 tick per quarter, 1,000 tracks × 15 channels; then MelodyCorpus.Load on a copy of
# the Nottingham folder with the long-note bomb added. --bench-dll measures another build (e.g. a checkout of
# an older commit: its bench must have the fuzz phase's --replay and --corpus); --heap-limit-gb caps its heap
# (DOTNET_GCHeapHardLimit) so that an old build cannot take the machine down.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DLL="" LIMIT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bench-dll) DLL="$2"; shift 2 ;;
    --heap-limit-gb) LIMIT="$2"; shift 2 ;;
    *) echo "usage: bench/midi-bombs.sh [--bench-dll DLL] [--heap-limit-gb N]" >&2; exit 2 ;;
  esac
done
bench/build.sh bench/Generator.Bench/Generator.Bench.csproj
OURS=bench/Generator.Bench/bin/Release/net10.0/vaecreative-bench.dll
DLL="${DLL:-$OURS}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
dotnet "$OURS" fuzz --write-bombs "$WORK/bombs" >/dev/null
mkdir "$WORK/corpus"
cp ../shared/datasets/nottingham/*.mid "$WORK/corpus/"
cp "$WORK/bombs/long-note.mid" "$WORK/corpus/"
env=()
[[ -n "$LIMIT" ]] && env=(DOTNET_GCHeapHardLimit="$(printf '0x%X' $((LIMIT * 1024 * 1024 * 1024)))")
measure() {
  local out="$WORK/out.json" time="$WORK/time.txt"
  env "${env[@]}" /usr/bin/time -v -o "$time" dotnet "$DLL" fuzz "$@" >"$out" 2>"$WORK/err.txt" || true
  /usr/bin/python3 - "$out" "$time" "$WORK/err.txt" <<'PY'
import json, re, sys
text = open(sys.argv[2]).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text).group(1)
try:
    r = json.load(open(sys.argv[1]))
    r = r[0] if isinstance(r, list) else r
    name = r.get("file") or r.get("corpus")
    print(f"{name.split('/')[-1]:24s} {r.get('bytes', ''):>8} B  read {r['ms']:>10.1f} ms  allocated {r['allocated_mb']:>10.3f} MB  "
          f"process {wall:>8}  peak RSS {rss:>7.0f} MB  {r['outcome'][:90]}")
except Exception:
    err = open(sys.argv[3]).read().strip().splitlines()
    print(f"no result (process {wall}, peak RSS {rss:.0f} MB): {err[0][:120] if err else 'no output'}")
PY
}
echo "bench: $DLL${LIMIT:+ (heap limit $LIMIT GB)}"
for f in late-note long-note long-rest sample-huge-delta many-tracks; do measure --replay "$WORK/bombs/$f.mid"; done
measure --corpus "$WORK/corpus"
