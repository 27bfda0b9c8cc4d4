#!/usr/bin/env bash
# The 16-bar headline demo (models/melody-16bar/README.md): interpolates two held-out 16-bar Nottingham tunes with the
# hierarchical model in five steps, both ends included, and stacks the five piano rolls into one picture.
#   ./scripts/melody16-interpolation.sh [FROM.mid TO.mid] [--model ID|DIR] [--out DIR] [--picture PNG]
# Defaults: hpps13.mid → playford10.mid from ../shared/datasets/nottingham (both held out from every bundled melody
# model), the model melody-16bar, MIDI files and previews (WAV + piano roll) in /tmp/melody16-interpolation, the picture
# models/melody-16bar/melody-16bar-interpolation.png (beside the card that shows it). Needs scripts/setup.sh --preview
# (fluidsynth, a soundfont) and python3-pil.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DATA="$ROOT/../shared/datasets/nottingham"
FROM="$DATA/hpps13.mid"
TO="$DATA/playford10.mid"
MODEL=melody-16bar
OUT=/tmp/melody16-interpolation
PICTURE=models/melody-16bar/melody-16bar-interpolation.png
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) MODEL="${2:?--model needs a model id or folder}"; shift ;;
    --out) OUT="${2:?--out needs a folder}"; shift ;;
    --picture) PICTURE="${2:?--picture needs a file}"; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
if [[ ${#args[@]} -eq 2 ]]; then FROM="${args[0]}"; TO="${args[1]}"
elif [[ ${#args[@]} -ne 0 ]]; then echo "usage: scripts/melody16-interpolation.sh [FROM.mid TO.mid] [--model ID|DIR] [--out DIR] [--picture PNG]" >&2; exit 2; fi
./scripts/setup.sh --quiet --preview --test-tools
./vaecreative interpolate --model "$MODEL" --from "$FROM" --to "$TO" --steps 5 --rng 1 --preview --out "$OUT" --force
# One picture: the five piano rolls (interp01 = FROM's reconstruction … interp05 = TO's), top to bottom, labelled.
/usr/bin/python3 - "$OUT" "$PICTURE" "$(basename "$FROM")" "$(basename "$TO")" <<'PY'
import glob, os, sys
from PIL import Image, ImageDraw
out, picture, a, b = sys.argv[1:]
rolls = sorted(glob.glob(os.path.join(out, "interp0[1-5].png")))
if len(rolls) != 5:
    raise SystemExit(f"expected interp01.png … interp05.png in {out}; found {len(rolls)}")
images = [Image.open(p).convert("RGB") for p in rolls]
label = 18
width = max(i.width for i in images)
sheet = Image.new("RGB", (width, sum(i.height + label for i in images)), "white")
draw = ImageDraw.Draw(sheet)
y = 0
for k, image in enumerate(images):
    t = k / (len(images) - 1)
    name = f"{a} (t = 0)" if k == 0 else f"{b} (t = 1)" if k == len(images) - 1 else f"t = {t:.2f}"
    draw.text((4, y + 3), name, fill="black")
    sheet.paste(image, (0, y + label))
    y += image.height + label
tmp = picture + ".tmp"
sheet.save(tmp, format="PNG")
os.replace(tmp, picture)
print(f"wrote {picture} ({sheet.width} × {sheet.height})")
PY
