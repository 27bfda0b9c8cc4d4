#!/usr/bin/env bash
# The rate/fidelity table of the text model card: trains each route to a latent that carries the sentence for the same
# 1,000 steps on the flavour corpus, then measures it with eval --variations (200 held-out game lines, default settings)
# and eval (KL, mutual information, active units: 300 held-out lines, K = 20). Writes OUT/<route>/ (the models),
# OUT/<route>-variations.json, OUT/<route>-eval.json and OUT/table.md. A route already trained is resumed (a no-op).
#   ./scripts/text-routes.sh CORPUS_DIR [OUT_DIR]     (CORPUS_DIR from scripts/extract-flavour-text.py --out)
# Routes:
#   span      the bundled kind (span-latent-vae: one code of 8 per token) with N(0, I) for every span, β 1 and 200
#             free bits (the defaults before the learned prior)
#   sentence  one global code (sentence-vae, z 128) at the same high rate: the same free bits (200) and β
#   lm        the language model of the span route's decoder (sentence-lm: no z), for the NLL comparison; it cannot vary
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS="$(cd "${1:?usage: text-routes.sh CORPUS_DIR [OUT_DIR]}" && pwd)"
OUT="${2:-$ROOT/bench/results/text-routes}"
mkdir -p "$OUT"
V=("$ROOT/vaecreative")
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/games"
for f in "$CORPUS"/heldout/*.txt; do [[ "$(basename "$f")" == fortunes.txt || ! -s "$f" ]] || ln -s "$f" "$work/games/"; done
common=(--modality text --data "$CORPUS/train" --steps 1000 --validation-fraction 0.05 --rng 1 --threads 2)
# The routes were compared before the learned prior: both latent routes at β 1 with 200 free bits and N(0, I).
declare -A args=([span]="--size default --prior-hidden 0 --beta constant:1 --free-bits 200"
                 [sentence]="--size sentence --latent 128 --vocab-size 16000 --beta constant:1 --free-bits 200" [lm]="--size lm")
for route in span sentence lm; do
  dir="$OUT/$route"
  if [[ -f "$dir/run.json" ]]; then "${V[@]}" train --resume --out "$dir" --steps 1000 --threads 2 >&2
  else
    # shellcheck disable=SC2086
    "${V[@]}" train "${common[@]}" ${args[$route]} --out "$dir" >&2
  fi
  [[ $route == lm ]] || "${V[@]}" eval --variations --model "$dir" --data "$work/games" --max-examples 200 --json > "$OUT/$route-variations.json"
  "${V[@]}" eval --model "$dir" --data "$CORPUS/heldout" --max-examples 300 --importance-samples 20 --json > "$OUT/$route-eval.json"
done
python3 - "$OUT" <<'PY' > "$OUT/table.md"
import json, sys
out = sys.argv[1]
print("| route | latent | NLL (nats, K = 20) | KL (nats) | mutual information (nats) | active units | reconstruction chrF | variation chrF to seed | to an unrelated seed | words from the dictionary or the seed | distinct of 8 |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
names = {"span": "sequence of latents (`span-latent-vae`, one code of 8 per token)", "sentence": "one global code (`sentence-vae`, z 128)",
         "lm": "no latent (`sentence-lm`, the span route's decoder)"}
for route in ("span", "sentence", "lm"):
    e = json.load(open(f"{out}/{route}-eval.json"))
    if route == "lm":
        print(f"| {names[route]} | – | {e['nll_nats']:.2f} | – | – | – | – | – | – | – | – |")
        continue
    v = json.load(open(f"{out}/{route}-variations.json"))
    print(f"| {names[route]} | {e['latent_size']} | {e['nll_nats']:.2f} | {e['kl_nats']:.1f} | {e['mutual_information_nats']:.2f} | {e['active_units']} | "
          f"{v['reconstruction_chrf']:.3f} | {v['variation_chrf_to_seed']:.3f} | {v['variation_chrf_to_unrelated']:.3f} | {v['word_rate']:.1%} | {v['distinct_per_seed']:.2f} |")
PY
cat "$OUT/table.md"
