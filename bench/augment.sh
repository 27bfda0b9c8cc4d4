#!/usr/bin/env bash
# Folder augmentation throughput (`vaecreative vary --seed FOLDER`), one folder per modality, on this machine:
#   ./bench/augment.sh [--quick] [--drums-data DIR]
# Seed folders are assembled in a temporary folder from the machine's data (read in place, never into the repo):
#   melody  the first 200 Nottingham tunes (../shared/datasets/nottingham), whole tunes of any length;
#   drums   200 MMA grooves (--drums-data DIR: scripts/mma-grooves.sh's folder; without it they are rendered first);
#   text    Debian's fortunes: 200 .txt files of 5 lines each (lines of /usr/share/games/fortunes/*, in file order);
#   image   200 distinct 32x32 sprites cut from Crawl's main.png (/usr/share/crawl/dat/tiles), as PNG files.
# Each is varied 4 times per seed with the modality's bundled model, from a cold CLI start (model load included),
# and again into the same output folder (the resume check: nothing left to do). --quick takes 20 files each.
# Writes bench/results/augment.json (or augment-quick.json) and prints a table.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
FILES=200
NAME=augment
DRUMS_DATA=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) FILES=20; NAME=augment-quick ;;
    --drums-data) DRUMS_DATA="$(cd "${2:?--drums-data DIR}" && pwd)"; shift ;;
    *) echo "usage: bench/augment.sh [--quick] [--drums-data DIR]" >&2; exit 2 ;;
  esac
  shift
done
./scripts/setup.sh --quiet --test-tools --fortunes --images
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [[ -z "$DRUMS_DATA" ]]; then
  echo "augment: rendering MMA grooves (about 3 minutes) …" >&2
  ./scripts/mma-grooves.sh "$work/grooves" >/dev/null
  DRUMS_DATA="$work/grooves"
fi

/usr/bin/python3 - "$work" "$FILES" "$ROOT/../shared/datasets/nottingham" "$DRUMS_DATA" <<'EOF'
import os, shutil, sys
from PIL import Image
work, n, nottingham, drums = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def place(kind, sources):
    for rel, src in sources[:n]:
        dst = os.path.join(work, "seeds", kind, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)
tunes = sorted(f for f in os.listdir(nottingham) if f.endswith(".mid"))
place("melody", [(f, os.path.join(nottingham, f)) for f in tunes])
grooves = sorted(os.path.relpath(os.path.join(d, f), drums) for d, _, fs in os.walk(drums) for f in fs if f.endswith(".mid"))
place("drums", [(g, os.path.join(drums, g)) for g in grooves])
folder = "/usr/share/games/fortunes"
lines = []
for name in sorted(os.listdir(folder)):
    path = os.path.join(folder, name)
    if name.endswith((".dat", ".u8")) or not os.path.isfile(path) or os.path.islink(path):
        continue
    text = open(path, encoding="utf-8", errors="replace").read()
    lines += [l.strip() for l in text.splitlines() if l.strip() and l.strip() != "%"]
os.makedirs(os.path.join(work, "seeds", "text"), exist_ok=True)
for i in range(n):
    chunk = lines[i * 5:(i + 1) * 5]
    with open(os.path.join(work, "seeds", "text", f"lines{i:03}.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(chunk) + "\n")
sheet = Image.open("/usr/share/crawl/dat/tiles/main.png").convert("RGBA")
os.makedirs(os.path.join(work, "seeds", "image"), exist_ok=True)
seen, k = set(), 0
for y in range(0, sheet.height - 31, 32):
    for x in range(0, sheet.width - 31, 32):
        cell = sheet.crop((x, y, x + 32, y + 32))
        if cell.getextrema()[3][1] == 0 or cell.tobytes() in seen:
            continue  # empty or repeated cells
        seen.add(cell.tobytes())
        if k < n:
            cell.save(os.path.join(work, "seeds", "image", f"sprite{k:03}.png"))
            k += 1
EOF

results=()
for modality in melody drums text image; do
  case "$modality" in
    melody) model=melody-2bar ;; drums) model=drums-2bar ;; text) model=text-flavour ;; image) model=sprites-32 ;;
  esac
  seeds="$work/seeds/$modality"
  out="$work/out/$modality"
  start=$(date +%s.%N)
  json="$(./vaecreative vary --seed "$seeds" --model "$model" --count 4 --out "$out" --json 2>"$work/$modality.log")" \
    || { cat "$work/$modality.log" >&2; exit 1; }
  end=$(date +%s.%N)
  again="$(./vaecreative vary --seed "$seeds" --model "$model" --count 4 --out "$out" --json 2>/dev/null)"
  results+=("$(/usr/bin/python3 -c '
import json, sys
r, again = json.loads(sys.argv[1]), json.loads(sys.argv[2])
seeds_dir, files = sys.argv[6], 0
import os
files = sum(len(fs) for _, _, fs in os.walk(seeds_dir))
print(json.dumps({"modality": sys.argv[3], "model": sys.argv[4], "files": files, "count": 4,
  "filesVaried": r["filesVaried"], "outputsWritten": r["outputsWritten"], "skipped": len(r["skipped"]),
  "engineSeconds": r["seconds"], "wallSeconds": round(float(sys.argv[5]), 2),
  "filesPerSecond": round(r["filesVaried"] / r["seconds"], 2) if r["seconds"] else None,
  "outputsPerSecond": round(r["outputsWritten"] / r["seconds"], 2) if r["seconds"] else None,
  "resume": {"filesVaried": again["filesVaried"], "alreadyDone": again["alreadyDone"]}}))
' "$json" "$again" "$modality" "$model" "$(/usr/bin/python3 -c "print($end - $start)")" "$seeds")")
done

mkdir -p bench/results
/usr/bin/python3 - "bench/results/$NAME.json" "$(git rev-parse --short HEAD)" "${results[@]}" <<'EOF'
import json, os, platform, sys
path, commit, rows = sys.argv[1], sys.argv[2], [json.loads(r) for r in sys.argv[3:]]
doc = {"commit": commit, "machine": f"{platform.machine()}, {os.cpu_count()} cores", "command": "./bench/augment.sh", "results": rows}
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
os.replace(tmp, path)
print("| modality | model | files | outputs | skipped | engine s | files/s | outputs/s | wall s (cold CLI) | resume: varied / already done |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['modality']} | {r['model']} | {r['filesVaried']} | {r['outputsWritten']} | {r['skipped']} | {r['engineSeconds']} | {r['filesPerSecond']} | {r['outputsPerSecond']} | {r['wallSeconds']} | {r['resume']['filesVaried']} / {r['resume']['alreadyDone']} |")
EOF
