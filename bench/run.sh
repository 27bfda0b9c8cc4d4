#!/usr/bin/env bash
# Benchmark suite: the C# melody model and its identical PyTorch twin, side by side, on this machine.
#   ./bench/run.sh [--quick]
# Writes bench/results/latest.json and bench/results/latest.md and prints the table.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
QUICK=""
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK="--quick" ;;
    *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
  esac
done
THREADS=2

./scripts/setup.sh --quiet
bench/setup.sh
echo "bench: building (Release) …" >&2
bench/build.sh bench/Generator.Bench/Generator.Bench.csproj Generator.Host/Generator.Host.csproj

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
CS=(dotnet bench/Generator.Bench/bin/Release/net10.0/vaecreative-bench.dll)
PY=(/usr/bin/python3 bench/reference/bench.py)
R="$WORK/r"; mkdir -p "$R"

step() { echo "bench: $*" >&2; }
step "exporting weights, windows and seed"
"${CS[@]}" export --out "$WORK/shared" --threads $THREADS > "$R/export.json"
step "numerical equivalence (same initial weights, batches and noise; 3 Adam steps)"
"${CS[@]}" equivalence --out "$WORK/eq" --threads $THREADS > "$R/cs_equivalence.json"
"${PY[@]}" equivalence --dir "$WORK/eq" --threads $THREADS > "$R/py_equivalence.json"
step "BLAS and matmul peak"
"${PY[@]}" blas --threads $THREADS > "$R/py_blas.json"
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

/usr/bin/python3 bench/report.py "$R" "${QUICK:---full}" bench/results
