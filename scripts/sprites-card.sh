#!/usr/bin/env bash
# Measures the sprite model for its card (MODEL/README.md) and writes every figure and picture it quotes:
#   MODEL/eval-variations-heldout.json  eval --variations on 200 held-out sprites (the packages' files held out by
#                                       scripts/extract-sprites.py, several sizes), default settings: reconstruction and
#                                       variation RGB error, visibility agreement, palette distance, sharpness,
#                                       distinctness, latency; MODEL/eval-variations-heldout-curve.json the same over
#                                       similarities (100 sprites)
#   bench/results/sprites-32-variations-heldout.json  the same for models/sprites-32, the one-code model it replaces
#   MODEL/eval-heldout.json             eval's NLL (bits/dim), KL, mutual information and active units (importance-
#                                       weighted, K = 8) on 300 held-out sprites fitted to the model's 32-pixel square
#   MODEL/ID-heldout.png                ten held-out sprites (a row each: the sprite, then eight variations, rng 1–10)
#                                       and -samples.png, prior samples; bench/results/image-examples-sprites.json
#   MODEL/ID-potion.png                 the demo's potion (samples/seed-image.png) varied eight times, as `demo` does
#   MODEL/eval-variations-256.json      eval --variations on two 256-pixel pictures (the potion enlarged and softened,
#                                       and mirrored): the time to vary one eight times
#   ./scripts/sprites-card.sh [MODEL_DIR] [HELDOUT_DIR]
# Needs the held-out sprites (scripts/setup.sh --sprite-corpus; default: heldout/ beside the model's training data).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="$(cd "${1:-$ROOT/models/sprites}" && pwd)"
HELD="${2:-$(dirname "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["training"]["settings"]["data"])' "$MODEL/manifest.json")")/heldout}"
V=("$ROOT/vaecreative")
[[ -d "$HELD" ]] || { echo "sprites-card: no held-out sprites at $HELD; run scripts/setup.sh --sprite-corpus" >&2; exit 2; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
write() { mv "$work/$1" "$MODEL/$1"; echo "wrote $MODEL/$1" >&2; }
have() { [[ "${KEEP:-0}" == 1 && -s "$MODEL/$1" ]]; }
have eval-variations-heldout.json || { "${V[@]}" eval --variations --model "$MODEL" --data "$HELD" --max-examples 200 --json > "$work/eval-variations-heldout.json"; write eval-variations-heldout.json; }
have eval-variations-heldout-curve.json || { "${V[@]}" eval --variations --model "$MODEL" --data "$HELD" --max-examples 100 --curve 0,0.25,0.5,0.75,0.9,1 --json > "$work/eval-variations-heldout-curve.json"; write eval-variations-heldout-curve.json; }
have eval-heldout.json || { "${V[@]}" eval --model "$MODEL" --data "$HELD" --max-examples 300 --importance-samples 8 --json > "$work/eval-heldout.json"; write eval-heldout.json; }
mkdir -p "$ROOT/bench/results"
# The model it is to replace, on the same sprites and settings.
[[ "${KEEP:-0}" == 1 && -s "$ROOT/bench/results/sprites-32-variations-heldout.json" ]] || \
  "${V[@]}" eval --variations --model "$ROOT/models/sprites-32" --data "$HELD" --max-examples 200 --json > "$ROOT/bench/results/sprites-32-variations-heldout.json"
ID="$(basename "$MODEL")"
"$ROOT/scripts/image-examples.sh" "$MODEL" "$MODEL/$ID-heldout.png" --data "$HELD" --whole --count 10 | tee "$ROOT/bench/results/image-examples-$ID.json"
"${V[@]}" vary --model "$MODEL" --seed "$ROOT/samples/seed-image.png" --out "$work/potion" --json > /dev/null
cp "$work/potion/seed-image-sheet.png" "$MODEL/$ID-potion.png"; echo "wrote $MODEL/$ID-potion.png" >&2
# Two 256-pixel pictures (the potion enlarged by nearest neighbour, then softened so it is not pixel art; and mirrored).
mkdir -p "$work/big-seed"
/usr/bin/python3 - "$ROOT/samples/seed-image.png" "$work/big-seed" <<'PY'
import sys
from PIL import Image, ImageFilter, ImageOps
im = Image.open(sys.argv[1]).convert("RGBA").resize((256, 256), Image.NEAREST).filter(ImageFilter.GaussianBlur(2))
im.save(sys.argv[2] + "/potion-256.png")
ImageOps.mirror(im).save(sys.argv[2] + "/potion-256-mirrored.png")
PY
# Their variation latency as eval --variations measures it (eight variations of a new seed, the model loaded).
have eval-variations-256.json || { "${V[@]}" eval --variations --model "$MODEL" --data "$work/big-seed" --json > "$work/eval-variations-256.json"; write eval-variations-256.json; }
