#!/usr/bin/env bash
# Soak test of the generator host: the real `vaecreative serve` on a free loopback port, driven by N clients for
# M minutes with every bundled modality mixed (2-bar melodies, 2-bar drums, text, the sprite and fashion image models,
# 16-bar melodies: variations/interpolations/samples over seeds suited to each, distinct rngs), plus a share of bad
# requests whose documented problem types count as successes (a documented 429 "overloaded" counts apart, as a refusal).
# Reports errors by kind, p50/p99 per modality and kind (image/vary) and per model and kind (sprites-32/vary), the
# host's RSS and live tensors at start and end.
#   ./bench/soak.sh [--clients 64] [--minutes 10] [--threads 2] [--out bench/results/soak-latest.json]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CLIENTS=64; MINUTES=10; THREADS=2; OUT=bench/results/soak-latest.json
while [[ $# -gt 0 ]]; do
  case "$1" in
    --clients) CLIENTS="$2"; shift 2 ;;
    --minutes) MINUTES="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: bench/soak.sh [--clients N] [--minutes M] [--threads T] [--out FILE]" >&2; exit 2 ;;
  esac
done

./scripts/setup.sh --quiet
echo "soak: building (Release) …" >&2
bench/build.sh bench/Generator.Bench/Generator.Bench.csproj Generator.Host/Generator.Host.csproj

echo "soak: $CLIENTS clients for $MINUTES min against the host ($(nproc) cores on this machine, shared with whatever else runs) …" >&2
mkdir -p "$(dirname "$OUT")"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
dotnet bench/Generator.Bench/bin/Release/net10.0/vaecreative-bench.dll soak --clients "$CLIENTS" --minutes "$MINUTES" --threads "$THREADS" \
  --host-dll Generator.Host/bin/Release/net10.0/vaecreative.dll > "$tmp"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); json.dump(d, open(sys.argv[2],"w"), indent=1)' "$tmp" "$OUT"
echo "soak: figures in $OUT" >&2
errors="$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["errors"])' "$OUT")"
[[ "$errors" == "0" ]] || { echo "soak: $errors errors" >&2; exit 1; }
