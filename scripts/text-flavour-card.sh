#!/usr/bin/env bash
# Measures a text model for its model card (models/text-flavour/README.md) and writes every figure, example and picture
# the card quotes into the model's folder, beside the card:
#   eval-variations-games.json    eval --variations on 400 held-out game lines (every package but fortunes), default
#                                 settings, with the chrF-against-similarity curve; eval-variations-games-slerp.json the
#                                 curve with the slerp neighbourhood (200 lines); eval-variations-heldout.json on 200 of
#                                 all held-out lines (fortunes included); eval-variations-unlike.json on 200 Debian
#                                 package descriptions
#   eval-heldout.json             eval's NLL, KL, mutual information and active units (importance-weighted, K = 20) on
#                                 300 held-out lines
#   eval-samples.json             200 prior samples scored by the language-model baseline of scripts/text-routes.sh
#                                 (bench/results/text-routes/lm): its NLL and perplexity, to set beside real lines'
#   eval-samples-t0.25.json,     the same at sampling temperatures 0.25 and 1
#   eval-samples-t1.json
#   examples.txt                  ten held-out seeds with eight variations each, two homotopies, five prior samples
#   README.md                     the card (for models/text-flavour only): scripts/text-flavour-card.md.in rendered by
#                                 scripts/render-text-flavour-card.py, which also reads bench/results/text-routes/ and
#                                 bench/results/text-quick.json
#   <id>-curve.png                the curve, both neighbourhoods
# Needs the corpus from scripts/extract-flavour-text.py (default: the folder above the model's training data, as its
# manifest records it; pass another as $2).
#   ./scripts/text-flavour-card.sh [MODEL_DIR] [CORPUS_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="$(cd "${1:-$ROOT/models/text-flavour}" && pwd)"
CORPUS="${2:-$(dirname "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["training"]["settings"]["data"])' "$MODEL/manifest.json")")}"
ID="$(basename "$MODEL")"
V=("$ROOT/vaecreative")
[[ -d "$CORPUS/heldout" ]] || { echo "text-flavour-card: no $CORPUS/heldout; run scripts/extract-flavour-text.py --out $CORPUS first" >&2; exit 2; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
# The held-out game lines: every package's held-out file but the fortunes.
mkdir -p "$work/games"
for f in "$CORPUS"/heldout/*.txt; do [[ "$(basename "$f")" == fortunes.txt || ! -s "$f" ]] || ln -s "$f" "$work/games/"; done
curve="0,0.25,0.5,0.6,0.7,0.75,0.8,0.9,1"
write() { mv "$work/$1" "$MODEL/$1"; echo "wrote $MODEL/$1" >&2; }
# KEEP=1 keeps figures already in the model's folder (to finish an interrupted run).
have() { [[ "${KEEP:-0}" == 1 && -s "$MODEL/$1" ]]; }
have eval-variations-games.json || { "${V[@]}" eval --variations --model "$MODEL" --data "$work/games" --max-examples 400 --curve "$curve" --json > "$work/eval-variations-games.json"; write eval-variations-games.json; }
have eval-variations-games-slerp.json || { "${V[@]}" eval --variations --model "$MODEL" --data "$work/games" --max-examples 200 --curve 0,0.5,0.75,0.9,1 --neighbourhood slerp --json > "$work/eval-variations-games-slerp.json"; write eval-variations-games-slerp.json; }
have eval-variations-heldout.json || { "${V[@]}" eval --variations --model "$MODEL" --data "$CORPUS/heldout" --max-examples 200 --json > "$work/eval-variations-heldout.json"; write eval-variations-heldout.json; }
have eval-variations-unlike.json || { "${V[@]}" eval --variations --model "$MODEL" --data "$CORPUS/unlike/debian-descriptions.txt" --max-examples 200 --json > "$work/eval-variations-unlike.json"; write eval-variations-unlike.json; }
# Prior samples against real lines: 200 samples (rng 1, the default temperature) scored by the language-model baseline
# that scripts/text-routes.sh trains (bench/results/text-routes/lm), beside its score of the held-out lines.
LM="$ROOT/bench/results/text-routes/lm"
if [[ -f "$LM/manifest.json" ]]; then
  have eval-samples.json || {
    "${V[@]}" sample --model "$MODEL" --count 200 --rng 1 --out "$work/samples.txt" --force >&2
    "${V[@]}" eval --model "$LM" --data "$work/samples.txt" --json > "$work/eval-samples.json"; write eval-samples.json; }
  for t in 0.25 1; do
    have "eval-samples-t$t.json" || {
      "${V[@]}" sample --model "$MODEL" --count 200 --rng 1 --temperature "$t" --out "$work/samples-t$t.txt" --force >&2
      "${V[@]}" eval --model "$LM" --data "$work/samples-t$t.txt" --json > "$work/eval-samples-t$t.json"; write "eval-samples-t$t.json"; }
  done
else
  echo "text-flavour-card: no language model in $LM (scripts/text-routes.sh trains it); prior samples are not scored" >&2
fi
have eval-heldout.json || { "${V[@]}" eval --model "$MODEL" --data "$CORPUS/heldout" --max-examples 300 --importance-samples 20 --json > "$work/eval-heldout.json"; write eval-heldout.json; }
/usr/bin/python3 "$ROOT/scripts/plot-similarity-curve.py" "$MODEL/$ID-curve.png" "$MODEL/eval-variations-games.json" "$MODEL/eval-variations-games-slerp.json"
echo "wrote $MODEL/$ID-curve.png" >&2

# The corpus the model was trained on: each package's version, licences and counts, from the extraction's sources.json.
/usr/bin/python3 - "$CORPUS/sources.json" > "$work/corpus.md" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("| package | version | licences (its copyright file) | files (held out) | train sentences | held-out sentences |")
print("|---|---|---|---:|---:|---:|")
for name in sorted(d["packages"]):
    p = d["packages"][name]; t = p["totals"]
    lic = ", ".join(p["licenses"]) if p["licenses"] else p.get("note", "").split("it mentions: ")[-1] + " (named in prose)"
    print(f"| {name} | {p['version']} | {lic} | {t['files']:,} ({t['heldout_files']}) | {t['train']:,} | {t['heldout']:,} |")
tt = d["totals"]
print(f"| total | | | {tt.get('files', 0):,} | {tt['train']:,} | {tt['heldout']:,} |")
PY
write corpus.md

# Ten held-out game seeds, spread over the packages' files (every n-th line), with fixed --rng.
cat "$work"/games/*.txt | awk 'length($0) <= 120' > "$work/lines.txt"
total=$(wc -l < "$work/lines.txt")
{
  for k in $(seq 0 9); do
    seed="$(sed -n "$(( k * total / 10 + 1 ))p" "$work/lines.txt")"
    echo "seed: $seed"
    "${V[@]}" vary --model "$MODEL" --text "$seed" --count 8 --rng 1 | sed 's/^/  - /'
  done
  a="$(sed -n "$(( total / 20 + 1 ))p" "$work/lines.txt")"; b="$(sed -n "$(( total / 2 + 1 ))p" "$work/lines.txt")"
  c="$(sed -n "$(( total * 3 / 10 + 7 ))p" "$work/lines.txt")"; d="$(sed -n "$(( total * 9 / 10 + 3 ))p" "$work/lines.txt")"
  for pair in "$a|$b" "$c|$d"; do
    from="${pair%%|*}"; to="${pair#*|}"
    echo "homotopy: \"$from\" → \"$to\""
    "${V[@]}" interpolate --model "$MODEL" --from-text "$from" --to-text "$to" --steps 6 | sed 's/^/  - /'
  done
  echo "prior samples (temperature 0.5):"
  "${V[@]}" sample --model "$MODEL" --count 5 --rng 1 | sed 's/^/  - /'
} > "$work/examples.txt"
write examples.txt

# The card itself: the template's prose with the figures above, the routes table and the quick text bench.
if [[ "$MODEL" == "$ROOT/models/text-flavour" ]]; then
  /usr/bin/python3 "$ROOT/scripts/render-text-flavour-card.py" "$MODEL" > "$work/card.md"
  mv "$work/card.md" "$MODEL/README.md"
  echo "wrote $MODEL/README.md" >&2
fi
