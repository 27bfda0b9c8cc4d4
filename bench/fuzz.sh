#!/usr/bin/env bash
# Long fuzz campaign of every decoder (midi; text: the seed reader; text-tokenizer: the reader, then the tokenizer's
# round trip; image: PNG, JPEG, BMP, GIF and WebP through SkiaSharp) and of the host's JSON request parser
# (request-body: mutated and generated bodies parsed as every request type): each input must decode or fail with the
# decoder's own exception (the parser's: a 400 bad-request problem), in bounded time and memory.
#   ./bench/fuzz.sh [--inputs N] [--seconds S] [--seed K] [--workers W] [--target midi|text|text-tokenizer|image|request-body]
# N inputs per decoder (default 1,000,000), stopping early after S seconds per decoder if given; W workers
# (default: all cores). Writes bench/results/fuzz-latest.json (a campaign of one target keeps the others' latest
# entries), bench/results/fuzz-TARGET.json for each target run, and the slowest input of each decoder
# (bench/results/fuzz-inputs/slowest-<decoder>.<ext>); any input that ends in another exception is a bug, saved as
# bench/results/fuzz-inputs/bug-<decoder>-<n>.<ext>, and the script exits 1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --inputs|--seconds|--seed|--workers|--target) [[ $# -ge 2 ]] || { echo "fuzz.sh: $1 needs a value" >&2; exit 2; }; ARGS+=("$1" "$2"); shift 2 ;;
    *) echo "usage: bench/fuzz.sh [--inputs N] [--seconds S] [--seed K] [--workers W] [--target NAME]" >&2; exit 2 ;;
  esac
done

./scripts/setup.sh --quiet
echo "fuzz: building (Release) …" >&2
bench/build.sh bench/Generator.Bench/Generator.Bench.csproj

mkdir -p bench/results
dotnet bench/Generator.Bench/bin/Release/net10.0/vaecreative-bench.dll fuzz "${ARGS[@]}" --out bench/results >/dev/null
/usr/bin/python3 - bench/results/fuzz-latest.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
bugs = 0
for t in r["targets"]:
    bugs += t["bugs"]
    print(f"fuzz {t['target']}: {t['inputs']:,} inputs from {t['seeds']} seeds in {t['wall_s']} s "
          f"({t['inputs_per_s']:,.0f}/s, {t.get('workers', r['workers'])} workers, seed {t.get('seed', r['seed'])}; {t['when']})")
    for kind, n in sorted(t["outcomes"].items(), key=lambda kv: -kv[1]):
        print(f"  {kind:40s} {n:>10,}  ({100 * n / t['inputs']:.2f}%)")
    print(f"  per input: p50 {t['p50_us']} us, p99 {t['p99_us']} us; slowest {t['slowest_ms']} ms "
          f"({t['slowest_input_bytes']:,} bytes, {t['slowest_gcs_during']} GCs during it; alone: {t['slowest_replay_ms']} ms; saved as {t['slowest_input']})")
    print(f"  most allocated by one input: {t['most_allocated_bytes']:,} bytes ({t['most_allocated_input_bytes']:,}-byte input); "
          f"largest input {t['largest_input_bytes']:,} bytes")
    for b in t["bug_inputs"]:
        print(f"  BUG: {b}")
print(f"fuzz: {'no' if bugs == 0 else bugs} unexpected exceptions; figures in bench/results/fuzz-latest.json")
sys.exit(1 if bugs else 0)
PY
