#!/usr/bin/env bash
# Prints a text model card's examples (the text-fortunes card's, removed in dc814bb): five seeds with their
# variations, one homotopy, five prior samples, all with fixed --rng so anyone gets the same lines.
#   ./scripts/text-examples.sh [MODEL]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="${1:-text-flavour}"
V=("$ROOT/vaecreative")
seeds=(
  "A tattered banner flaps over the gate."
  "The wolf howls at the edge of the forest."
  "Never trust a wizard who smiles."
  "Time flies like an arrow; fruit flies like a banana."
  "The only way to have a friend is to be one."
)
for s in "${seeds[@]}"; do
  echo "seed: $s"
  "${V[@]}" vary --model "$MODEL" --text "$s" --count 4 --rng 1 | sed 's/^/  - /'
done
echo "homotopy: \"${seeds[0]}\" → \"${seeds[4]}\""
"${V[@]}" interpolate --model "$MODEL" --from-text "${seeds[0]}" --to-text "${seeds[4]}" --steps 5 | sed 's/^/  - /'
echo "prior samples (temperature 0.5):"
"${V[@]}" sample --model "$MODEL" --count 5 --rng 1 | sed 's/^/  - /'
