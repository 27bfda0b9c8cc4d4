#!/usr/bin/env bash
# The sprite model beside its PyTorch twin (issue 25's latency goal: 8 variations of a 32-pixel sprite, p50, no slower
# than the twin): exports the model's network in diffusers' format with 20 held-out 32 × 32 sprites and the C# model's
# temperature-0 reconstructions of them (vaecreative-bench sprites-export), checks that the twin
# (bench/reference/sprites_twin.py, Debian's python3-torch) reconstructs them to the same 8-bit values (at most one
# level apart, in at most one value in a thousand: rounding at a level's edge), and times 8
# variations of each seed on both sides in the same run, the same number of threads, one after the other.
#   ./scripts/sprites-twin.sh [MODEL_DIR] [HELDOUT_DIR] [--threads N] [--out FILE]
# Writes bench/results/sprites-twin.json (or FILE): cs (engine and whole image path), py (twin), equivalence.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
usage() { echo "usage: scripts/sprites-twin.sh [MODEL_DIR] [HELDOUT_DIR] [--threads N] [--out FILE]" >&2; exit 2; }
OUT="bench/results/sprites-twin.json"; THREADS=2; POS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) [[ $# -ge 2 ]] || usage; THREADS="$2"; shift ;;
    --out) [[ $# -ge 2 ]] || usage; OUT="$2"; shift ;;
    -*) usage ;;
    *) POS+=("$1") ;;
  esac
  shift
done
MODEL="${POS[0]:-models/sprites}"
HELD="${POS[1]:-$(dirname "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["training"]["settings"]["data"])' "$MODEL/manifest.json")")/heldout}"
[[ -d "$HELD" ]] || { echo "sprites-twin: no held-out sprites at $HELD; run scripts/setup.sh --sprite-corpus and scripts/extract-sprites.py" >&2; exit 2; }
bench/setup.sh
bench/build.sh bench/Generator.Bench/Generator.Bench.csproj
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
CS=(dotnet bench/Generator.Bench/bin/Release/net10.0/vaecreative-bench.dll)
echo "sprites-twin: exporting $MODEL and 20 held-out 32-pixel sprites …" >&2
"${CS[@]}" sprites-export --model "$MODEL" --data "$HELD" --out "$WORK/d" --side 32 --count 20 --threads "$THREADS" > "$WORK/export.json"
echo "sprites-twin: C# latency …" >&2
"${CS[@]}" sprites-latency --dir "$WORK/d" --threads "$THREADS" > "$WORK/cs.json"
echo "sprites-twin: PyTorch twin (equivalence and latency) …" >&2
# OMP_WAIT_POLICY=PASSIVE: Debian's torch starves its own BLAS threads on 2 cores without it (bench/run.sh).
OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/reference/sprites_twin.py --dir "$WORK/d" --threads "$THREADS" > "$WORK/py.json"
mkdir -p "$(dirname "$OUT")"
python3 - "$WORK" "$MODEL" "$THREADS" "$OUT" <<'PY'
import json, os, sys, datetime
work, model, threads, out = sys.argv[1:]
cs = json.load(open(f"{work}/cs.json")); py = json.load(open(f"{work}/py.json")); ex = json.load(open(f"{work}/export.json"))
result = {"what": "8 variations of a 32-pixel held-out sprite (similarity 0.75, temperature 0), p50 over 20 sprites x 20 runs",
          "date": datetime.date.today().isoformat(), "model": os.path.basename(os.path.abspath(model)), "threads": int(threads),
          "parameters": ex["parameters"], "cs": cs, "py": {k: v for k, v in py.items() if k not in ("values", "values_differing", "max_level_difference")},
          "equivalence": {k: py[k] for k in ("values", "values_differing", "max_level_difference")},
          "cs_engine_over_py": round(cs["p50_ms"] / py["p50_ms"], 3)}
tmp = out + ".tmp"; json.dump(result, open(tmp, "w"), indent=1); os.replace(tmp, out)
print(json.dumps(result))
# Two builds' float kernels round differently: a value at a level's rounding edge may land one level apart. More than
# that, or more than one value in a thousand, is a different model.
if py["max_level_difference"] > 1 or py["values_differing"] > py["values"] / 1000:
    sys.exit("sprites-twin: the twin's reconstructions differ from the C# model's")
PY
