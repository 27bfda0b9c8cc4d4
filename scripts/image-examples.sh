#!/usr/bin/env bash
# Draws the image model cards' pictures: five held-out images of each bundled image model's own data, each with eight
# variations (fixed rngs), and a grid of prior samples, in the model's folder beside its card (models/ID/README.md);
# the held-out reconstruction error (colour and alpha, 0-255) goes to bench/results/image-examples-MODEL.json.
#   ./scripts/image-examples.sh [MODEL_DIR OUT.png [extra options]]
# Needs the models' training data on this machine (scripts/setup.sh --images).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./scripts/setup.sh --quiet --images
bench/build.sh bench/Generator.Bench/Generator.Bench.csproj
BENCH=(dotnet bench/Generator.Bench/bin/Release/net10.0/vaecreative-bench.dll image-examples)
if [[ $# -ge 2 ]]; then
  "${BENCH[@]}" --model "$1" --out "$2" "${@:3}"
  exit
fi
mkdir -p bench/results
"${BENCH[@]}" --model models/sprites-32 --data models/sprites-32/data.txt --out models/sprites-32/sprites-32-heldout.png --palette \
  | tee bench/results/image-examples-sprites-32.json
"${BENCH[@]}" --model models/fashion-28 --data /usr/share/datasets/fashion-mnist --out models/fashion-28/fashion-28-heldout.png \
  | tee bench/results/image-examples-fashion-28.json
