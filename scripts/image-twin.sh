#!/usr/bin/env bash
# The Fashion-MNIST figure beside PyTorch (models/fashion-28/README.md): trains the PyTorch twin of models/fashion-28
# (bench/reference/image_vae.py, Debian's python3-torch) exactly as the C# run trained — from the same exported initial
# weights, on the same batches in the same order, with the C# trainer's reparameterisation noise, learning-rate
# schedule, β and clipping — then estimates both models' held-out NLL with one importance-weighted estimator
# (--samples draws per image, default 500). About 45 minutes on 2 cores for the full 40,000 steps.
#   ./scripts/image-twin.sh [--steps N] [--samples K] [--out FILE]
# Writes bench/results/image-twin.json (or FILE) and the twin's curve beside it (image-twin-metrics.jsonl.gz).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="bench/results/image-twin.json"
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps|--samples) [[ $# -ge 2 ]] || { echo "usage: scripts/image-twin.sh [--steps N] [--samples K] [--out FILE]" >&2; exit 2; }; ARGS+=("$1" "$2"); shift ;;
    --out) [[ $# -ge 2 ]] || { echo "usage: scripts/image-twin.sh [--steps N] [--samples K] [--out FILE]" >&2; exit 2; }; OUT="$2"; shift ;;
    *) echo "usage: scripts/image-twin.sh [--steps N] [--samples K] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done
./scripts/setup.sh --quiet --images
bench/setup.sh
bench/build.sh bench/Generator.Bench/Generator.Bench.csproj
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "image-twin: exporting models/fashion-28's run (initial and trained weights, images, batch order) …" >&2
dotnet bench/Generator.Bench/bin/Release/net10.0/vaecreative-bench.dll image-export --out "$WORK/shared" --threads 2 > "$WORK/export.json"
echo "image-twin: training the twin and evaluating both models (progress every 1,000 steps) …" >&2
# OMP_WAIT_POLICY=PASSIVE: Debian's torch runs OpenMP and OpenBLAS thread pools side by side; with OpenMP's threads
# spinning while OpenBLAS works, 2 cores train this model at about a third of the speed.
OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/reference/bench.py image-twin --dir "$WORK/shared" --out "$WORK/twin" --threads 2 "${ARGS[@]}" > "$WORK/twin.json"
mkdir -p "$(dirname "$OUT")"
/usr/bin/python3 - "$WORK/export.json" "$WORK/twin.json" "$ROOT/models/fashion-28/eval-test.json" "$OUT.tmp" <<'PY'
import json, sys
export, twin, cs_eval, out = sys.argv[1:5]
result = json.load(open(twin))
result["export"] = json.load(open(export))
# The C# side's own estimate (vaecreative eval --split test --json), made with its estimator and samples.
result["csharp_eval"] = json.load(open(cs_eval))
json.dump(result, open(out, "w"), indent=2)
PY
mv "$OUT.tmp" "$OUT"
gzip -9 -c "$WORK/twin/twin-metrics.jsonl" > "${OUT%.json}-metrics.jsonl.gz.tmp" && mv "${OUT%.json}-metrics.jsonl.gz.tmp" "${OUT%.json}-metrics.jsonl.gz"
cat "$OUT"
