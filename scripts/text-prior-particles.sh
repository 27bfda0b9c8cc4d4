#!/usr/bin/env bash
# Measures the text model's prior samples against the number of particles its sampler follows (PriorParticleDecoder)
# and writes bench/results/text-prior-particles.json: for each particle count and temperature, 200 prior samples
# (rng 1) scored by CMU's link grammar parser (scripts/grammar-check.py: the share of lines that parse whole, the share
# of words it must skip), beside 200 held-out lines scored the same way.
#   scripts/text-prior-particles.sh [MODEL (default models/text-flavour)] [HELDOUT_DIR (default /work/flavour-text/heldout)]
# Needs python3-link-grammar and link-grammar-dictionaries-en (scripts/setup.sh --text-corpus), and the held-out
# lines of scripts/extract-flavour-text.py. Takes about 15 minutes on 2 cores.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="${1:-$ROOT/models/text-flavour}"
HELDOUT="${2:-/work/flavour-text/heldout}"
OUT="$ROOT/bench/results/text-prior-particles.json"
"$ROOT/vaecreative" --version >/dev/null # builds when stale
DLL="$ROOT/Generator.Host/bin/Release/net10.0/vaecreative.dll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# 200 held-out lines, evenly spaced through the files (sorted), for the parser's figures on real lines.
find "$HELDOUT" -name '*.txt' | sort | xargs cat | awk 'NF' > "$work/all.txt"
awk -v n="$(wc -l < "$work/all.txt")" 'NR % int(n / 200) == 0' "$work/all.txt" | head -200 > "$work/heldout.txt"
rows=()
for particles in 1 16 32 64; do
  for t in 0.25 0.5; do
    start=$(date +%s.%N)
    VAECREATIVE_PRIOR_PARTICLES=$particles dotnet "$DLL" sample --model "$MODEL" --count 200 --rng 1 --temperature "$t" --out "$work/p$particles-t$t.txt" --force >/dev/null
    end=$(date +%s.%N)
    rows+=("$particles $t $(echo "$end - $start" | bc) $work/p$particles-t$t.txt")
  done
done
/usr/bin/python3 - "$OUT" "$work/heldout.txt" "${rows[@]}" <<'PY'
import json, subprocess, sys, datetime
out, heldout, rows = sys.argv[1], sys.argv[2], sys.argv[3:]
def grammar(path):
    r = subprocess.run(["/usr/bin/python3", "scripts/grammar-check.py", path], capture_output=True, text=True, check=True)
    d = json.loads(r.stdout.strip().splitlines()[-1]); d.pop("file"); return d
result = {
    "what": "Prior samples of the text model against the particles its sampler follows per row (PriorParticleDecoder; 1 is one code drawn per span), scored by CMU's link grammar parser: parse_whole is the share of lines that parse as one English sentence with no word skipped, words_skipped the share of words it must skip. Game text holds fragments the parser does not take as sentences, so real held-out lines are the mark, not 100%.",
    "date": datetime.date.today().isoformat(),
    "command": "scripts/text-prior-particles.sh",
    "sample": "VAECREATIVE_PRIOR_PARTICLES=P ./vaecreative sample --model MODEL --count 200 --rng 1 --temperature T --out S.txt",
    "heldout_lines": grammar(heldout),
    "samples": [],
}
for row in rows:
    p, t, seconds, path = row.split(" ")
    result["samples"].append({"particles": int(p), "temperature": float(t), "seconds_for_200": round(float(seconds), 1), **grammar(path)})
json.dump(result, open(out, "w"), indent=1)
print(json.dumps(result, indent=1))
PY
