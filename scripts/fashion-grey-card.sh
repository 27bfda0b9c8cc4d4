#!/usr/bin/env bash
# Measures models/fashion-grey (the spatial model on Fashion-MNIST in 8-bit grey) for its card (MODEL/README.md) and
# writes every figure and picture the card quotes:
#   MODEL/eval-test.json             eval on the first 2,000 t10k images: NLL in bits/dim over 8-bit grey (importance-
#                                    weighted, K = 8), KL, mutual information, active units
#   MODEL/eval-variations-test.json  eval --variations on 200 t10k images written as grey PNGs: reconstruction error,
#                                    sharpness, distinctness, latency
#   MODEL/fashion-grey-heldout.png (and -samples.png)  five t10k images, each followed by eight variations
#                                    (rng 1–5), and prior samples; bench/results/image-examples-fashion-grey.json
#   ./scripts/fashion-grey-card.sh [MODEL_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="$(cd "${1:-$ROOT/models/fashion-grey}" && pwd)"
DATA=/usr/share/datasets/fashion-mnist
V=("$ROOT/vaecreative")
"$ROOT/scripts/setup.sh" --quiet --images
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
"${V[@]}" eval --model "$MODEL" --data "$DATA" --split test --max-examples 2000 --importance-samples 8 --json > "$work/eval-test.json"
mv "$work/eval-test.json" "$MODEL/eval-test.json"; echo "wrote $MODEL/eval-test.json" >&2
# 200 t10k images, evenly spread, as grey PNGs (eval --variations reads seed files as vary does).
mkdir -p "$work/seeds"
/usr/bin/python3 - "$DATA/t10k-images-idx3-ubyte.gz" "$work/seeds" <<'PY'
import gzip, struct, sys
from PIL import Image
data = gzip.open(sys.argv[1]).read()
_, n, h, w = struct.unpack(">IIII", data[:16])
for i in range(0, n, n // 200):
    Image.frombytes("L", (w, h), data[16 + i * h * w:16 + (i + 1) * h * w]).save(f"{sys.argv[2]}/t10k-{i:05d}.png")
PY
"${V[@]}" eval --variations --model "$MODEL" --data "$work/seeds" --json > "$work/eval-variations-test.json"
mv "$work/eval-variations-test.json" "$MODEL/eval-variations-test.json"; echo "wrote $MODEL/eval-variations-test.json" >&2
mkdir -p "$ROOT/bench/results"
"$ROOT/scripts/image-examples.sh" "$MODEL" "$MODEL/fashion-grey-heldout.png" --data "$DATA" \
  | tee "$ROOT/bench/results/image-examples-fashion-grey.json"
