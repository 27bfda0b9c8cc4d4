#!/usr/bin/env bash
# Benchmark suite: the C# melody, text and image models and their identical PyTorch twins, side by side, on this machine.
#   ./bench/run.sh [--quick] [--text-only | --image-only | --music-only] [--text-model DIR] [--drums-data DIR]
# Writes bench/results/latest.json and bench/results/latest.md and prints the table.
# --text-only runs the text phases alone: a full run replaces the text section of latest.{json,md} (the melody figures
# stay as they were measured); with --quick it writes bench/results/text-quick.{json,md} instead.
# The text phases use --text-model DIR, else the default text model (models/text-flavour), else an untrained model of the default shape; a
# sentence-vae or a span-latent-vae (the PyTorch twin is picked by the manifest's model kind).
# --image-only runs the image phases alone (models/fashion-28 and its twin) in the same way: a full run replaces the
# image section of latest.{json,md}; with --quick it writes bench/results/image-quick.{json,md}.
# --music-only runs the drums and 16-bar melody phases alone (models/drums-2bar and models/melody-16bar beside their
# twins) in the same way (music-quick.{json,md}). The drums phases read --drums-data DIR (scripts/mma-grooves.sh's
# folder); without it the grooves are rendered into a temporary folder first (about 3 minutes; needs Debian's mma).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
QUICK=""
TEXT_ONLY=""
IMAGE_ONLY=""
MUSIC_ONLY=""
TEXT_MODEL=()
DRUMS_DATA=""
usage() { echo "usage: bench/run.sh [--quick] [--text-only | --image-only | --music-only] [--text-model DIR] [--drums-data DIR]" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK="--quick" ;;
    --text-only) TEXT_ONLY="--text-only" ;;
    --image-only) IMAGE_ONLY="--image-only" ;;
    --music-only) MUSIC_ONLY="--music-only" ;;
    --drums-data) [[ $# -ge 2 ]] || usage; DRUMS_DATA="$(cd "$2" && pwd)"; shift ;;
    --text-model) [[ $# -ge 2 ]] || usage; TEXT_MODEL=(--model "$(cd "$2" && pwd)"); shift ;;
    *) usage ;;
  esac
  shift
done
ONLY="$TEXT_ONLY$IMAGE_ONLY$MUSIC_ONLY"
[[ "$ONLY" == "" || "$ONLY" == "$TEXT_ONLY" || "$ONLY" == "$IMAGE_ONLY" || "$ONLY" == "$MUSIC_ONLY" ]] || usage
THREADS=2

# mma renders the drum grooves when no --drums-data is given (scripts/setup.sh --test-tools installs it).
NEEDS_MMA=""; [[ -n "$DRUMS_DATA" || ( -n "$ONLY" && -z "$MUSIC_ONLY" ) ]] || NEEDS_MMA="--test-tools"
./scripts/setup.sh --quiet --fortunes --images $NEEDS_MMA
bench/setup.sh
echo "bench: building (Release) …" >&2
PROJECTS=(bench/Generator.Bench/Generator.Bench.csproj)
[[ -n "$ONLY" ]] || PROJECTS+=(Generator.Host/Generator.Host.csproj) # the host phases are melody phases
bench/build.sh "${PROJECTS[@]}"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
CS=(dotnet bench/Generator.Bench/bin/Release/net10.0/vaecreative-bench.dll)
# Debian's torch runs an OpenMP and an OpenBLAS thread pool side by side; OpenMP's threads spin between operations
# and starve OpenBLAS's, so on 2 cores PyTorch trains the melody model at a quarter and the image model at a third of
# its speed with OMP_WAIT_POLICY=PASSIVE (measured 2026-11-26: melody 35 → 135 examples/s, text 35 → 72, image
# 650 → 2,100 images/s). The twins get that setting, so PyTorch runs at its best here.
PY=(env OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/reference/bench.py)
R="$WORK/r"; mkdir -p "$R"

step() { echo "bench: $*" >&2; }
step "BLAS"
"${PY[@]}" blas --threads $THREADS > "$R/py_blas.json"
if [[ -z "$ONLY" ]]; then
  step "exporting weights, windows and seed"
  "${CS[@]}" export --out "$WORK/shared" --threads $THREADS > "$R/export.json"
  step "numerical equivalence (same initial weights, batches and noise; 3 Adam steps)"
  "${CS[@]}" equivalence --out "$WORK/eq" --threads $THREADS > "$R/cs_equivalence.json"
  "${PY[@]}" equivalence --dir "$WORK/eq" --threads $THREADS > "$R/py_equivalence.json"
  step "matmul peak"
  "${CS[@]}" matmul $QUICK --threads $THREADS > "$R/cs_matmul.json"
  "${CS[@]}" flops > "$R/cs_flops.json"
  for b in 64 512; do
    step "training throughput, batch $b"
    "${CS[@]}" train --batch $b --dir "$WORK/shared" $QUICK --threads $THREADS > "$R/cs_train_b$b.json"
    "${PY[@]}" train --batch $b --dir "$WORK/shared" $QUICK --threads $THREADS > "$R/py_train_b$b.json"
  done
  step "variation latency (8 variations of a 2-bar seed)"
  "${CS[@]}" latency $QUICK --threads $THREADS > "$R/cs_latency.json"
  "${CS[@]}" latency $QUICK --bf16 --threads $THREADS > "$R/cs_latency_bf16.json"
  "${PY[@]}" latency --dir "$WORK/shared" $QUICK --threads $THREADS > "$R/py_latency.json"
  step "generation throughput"
  "${CS[@]}" generation $QUICK --threads $THREADS > "$R/cs_generation.json"
  "${CS[@]}" generation $QUICK --bf16 --threads $THREADS > "$R/cs_generation_bf16.json"
  "${PY[@]}" generation --dir "$WORK/shared" $QUICK --threads $THREADS > "$R/py_generation.json"
  step "serving: RSS and live tensors over repeated requests"
  "${CS[@]}" serve $QUICK --threads $THREADS > "$R/cs_serve.json"
  "${PY[@]}" serve --dir "$WORK/shared" $QUICK --threads $THREADS > "$R/py_serve.json"
  step "generator host under 1, 8 and 64 concurrent clients, batching on and off"
  "${CS[@]}" concurrency $QUICK --threads $THREADS --host-dll Generator.Host/bin/Release/net10.0/vaecreative.dll > "$R/cs_concurrency.json"
  step "cold start (process start to first 8 variations), median of 3"
  cold() { # prints milliseconds of one run of "$@"
    local t0 t1
    t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
  }
  cs_cold=(); py_cold=()
  for i in 1 2 3; do
    cs_cold+=("$(cold dotnet Generator.Host/bin/Release/net10.0/vaecreative.dll vary --seed samples/seed-melody.mid --count 8 --out "$WORK/cold$i" --force)")
    py_cold+=("$(cold "${PY[@]}" cold --dir "$WORK/shared" --threads $THREADS)")
  done
  printf '{"csharp_ms": [%s], "pytorch_ms": [%s]}\n' "$(IFS=,; echo "${cs_cold[*]}")" "$(IFS=,; echo "${py_cold[*]}")" > "$R/cold.json"
fi

if [[ -z "$ONLY" || -n "$TEXT_ONLY" ]]; then
  T="$WORK/text"
  load_start="$(cut -d' ' -f1 /proc/loadavg)"
  step "text: exporting the text model, fortune snippets, seed and noise"
  "${CS[@]}" text-export --out "$T" "${TEXT_MODEL[@]}" --threads $THREADS > "$R/cs_text_export.json"
  step "text: numerical equivalence (same initial weights, batches, noise and word-dropout draws; 3 Adam steps; one vary)"
  "${CS[@]}" text-equivalence --dir "$T" --out "$WORK/text-eq" --threads $THREADS > "$R/cs_text_equivalence.json"
  "${PY[@]}" text-equivalence --dir "$WORK/text-eq" --threads $THREADS > "$R/py_text_equivalence.json"
  step "text: training throughput, batch 64"
  "${CS[@]}" text-train --batch 64 --dir "$T" $QUICK --threads $THREADS > "$R/cs_text_train_b64.json"
  "${PY[@]}" text-train --batch 64 --dir "$T" $QUICK --threads $THREADS > "$R/py_text_train_b64.json"
  step "text: variation latency (8 variations of samples/seed-text.txt)"
  "${CS[@]}" text-latency --dir "$T" $QUICK --threads $THREADS > "$R/cs_text_latency.json"
  "${PY[@]}" text-latency --dir "$T" $QUICK --threads $THREADS > "$R/py_text_latency.json"
  printf '{"start": %s, "end": %s}\n' "$load_start" "$(cut -d' ' -f1 /proc/loadavg)" > "$R/text_load.json"
fi

if [[ -z "$ONLY" || -n "$IMAGE_ONLY" ]]; then
  I="$WORK/image"
  load_start="$(cut -d' ' -f1 /proc/loadavg)"
  step "image: exporting models/fashion-28's run (initial and trained weights, images, batch order)"
  "${CS[@]}" image-export --out "$I" --threads $THREADS > "$R/cs_image_export.json"
  step "image: training throughput, batch 128"
  "${CS[@]}" image-train --batch 128 --dir "$I" $QUICK --threads $THREADS > "$R/cs_image_train_b128.json"
  "${PY[@]}" image-train --batch 128 --dir "$I" $QUICK --threads $THREADS > "$R/py_image_train_b128.json"
  step "image: variation latency (8 variations of the first held-out image)"
  "${CS[@]}" image-latency --dir "$I" $QUICK --threads $THREADS > "$R/cs_image_latency.json"
  "${PY[@]}" image-latency --dir "$I" $QUICK --threads $THREADS > "$R/py_image_latency.json"
  printf '{"start": %s, "end": %s}\n' "$load_start" "$(cut -d' ' -f1 /proc/loadavg)" > "$R/image_load.json"
fi

if [[ -z "$ONLY" || -n "$MUSIC_ONLY" ]]; then
  load_start="$(cut -d' ' -f1 /proc/loadavg)"
  if [[ -z "$DRUMS_DATA" ]]; then
    step "drums: rendering MMA's groove library (scripts/mma-grooves.sh)"
    DRUMS_DATA="$WORK/grooves"
    ./scripts/mma-grooves.sh "$DRUMS_DATA" >&2
  fi
  NOTTINGHAM="$ROOT/../shared/datasets/nottingham"
  for model in drums melody16; do
    data="$DRUMS_DATA"; [[ $model == drums ]] || data="$NOTTINGHAM"
    if [[ $model == melody16 && ! -f models/melody-16bar/manifest.json ]]; then
      step "melody16: skipped (no models/melody-16bar: train it with train --size hier16)"; continue
    fi
    step "$model: exporting the bundled model, training windows and a seed; numerical equivalence (3 Adam steps)"
    "${CS[@]}" "$model-export" --data "$data" --out "$WORK/$model" --threads $THREADS > "$R/cs_${model}_export.json"
    "${CS[@]}" "$model-equivalence" --data "$data" --out "$WORK/$model-eq" --threads $THREADS > "$R/cs_${model}_equivalence.json"
    "${PY[@]}" equivalence --dir "$WORK/$model-eq" --threads $THREADS > "$R/py_${model}_equivalence.json"
    step "$model: training throughput, batch 64"
    "${CS[@]}" "$model-train" --dir "$WORK/$model" --batch 64 $QUICK --threads $THREADS > "$R/cs_${model}_train_b64.json"
    "${PY[@]}" train --dir "$WORK/$model" --batch 64 $QUICK --threads $THREADS > "$R/py_${model}_train_b64.json"
    step "$model: variation latency (8 variations of one window)"
    "${CS[@]}" "$model-latency" --data "$data" $QUICK --threads $THREADS > "$R/cs_${model}_latency.json"
    "${PY[@]}" latency --dir "$WORK/$model" $QUICK --threads $THREADS > "$R/py_${model}_latency.json"
  done
  printf '{"start": %s, "end": %s}\n' "$load_start" "$(cut -d' ' -f1 /proc/loadavg)" > "$R/music_load.json"
fi

/usr/bin/python3 bench/report.py "$R" "${QUICK:---full}" bench/results $ONLY
