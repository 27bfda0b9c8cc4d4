#!/usr/bin/env bash
# The drums model beside its PyTorch twin: numerical equivalence (3 Adam steps from the same weights, batches and
# noise), training throughput and variation latency, both sides on the same machine and threads; writes
# bench/results/drums-twin.json.
#   bench/drums-twin.sh DRUM_CORPUS [--quick]     (DRUM_CORPUS: scripts/mma-grooves.sh's folder)
# Needs Debian's python3-torch (bench/setup.sh installs it with OpenBLAS).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DATA="${1:?usage: bench/drums-twin.sh DRUM_CORPUS [--quick]}"
QUICK="${2:-}"
THREADS=2
bench/build.sh bench/Generator.Bench/Generator.Bench.csproj
CS=(dotnet bench/Generator.Bench/bin/Release/net10.0/vaecreative-bench.dll)
PY=(env OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/reference/bench.py)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "drums: export and equivalence …" >&2
"${CS[@]}" drums-export --data "$DATA" --out "$WORK/export" --threads $THREADS > "$WORK/cs_export.json"
"${CS[@]}" drums-equivalence --data "$DATA" --out "$WORK/eq" --threads $THREADS > "$WORK/cs_eq.json"
"${PY[@]}" equivalence --dir "$WORK/eq" --threads $THREADS > "$WORK/py_eq.json"
echo "drums: training throughput …" >&2
"${CS[@]}" drums-train --dir "$WORK/export" --batch 64 --threads $THREADS $QUICK > "$WORK/cs_train.json"
"${PY[@]}" train --dir "$WORK/export" --batch 64 --threads $THREADS $QUICK > "$WORK/py_train.json"
echo "drums: variation latency …" >&2
"${CS[@]}" drums-latency --threads $THREADS $QUICK > "$WORK/cs_latency.json"
"${PY[@]}" latency --dir "$WORK/export" --threads $THREADS $QUICK > "$WORK/py_latency.json"
/usr/bin/python3 - "$WORK" > bench/results/drums-twin.json <<'PY'
import json, sys, os
w = sys.argv[1]
load = lambda name: json.load(open(os.path.join(w, name)))
print(json.dumps({
    "equivalence": load("py_eq.json"),
    "train_batch64": {"csharp": load("cs_train.json"), "pytorch": load("py_train.json")},
    "vary8_latency": {"csharp": load("cs_latency.json"), "pytorch": load("py_latency.json")},
    "threads": 2, "omp_wait_policy": "PASSIVE",
}, indent=2))
PY
cat bench/results/drums-twin.json
