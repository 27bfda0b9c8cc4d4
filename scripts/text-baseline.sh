#!/usr/bin/env bash
# Bowman et al. (2016)'s comparison for a text model (the text-fortunes card, removed in dc814bb; docs/text.md):
# trains the language-model baseline (`--size lm`: the same decoder, tokenizer data, steps, batch and word dropout,
# no z) unless it is already there,
# evaluates both on every held-out snippet, and writes bench/results/text-baseline/{vae,lm}-eval.json, the LM's
# run settings and curve, and table.md.
#   ./scripts/text-baseline.sh VAE_MODEL [LM_DIR]
# Written for the earlier bundled text-fortunes (a sentence VAE on the fortunes; its figures are in
# bench/results/text-baseline/). For text-flavour, scripts/text-routes.sh trains and measures its language model.
# About 29 minutes to train the LM and 46 minutes for the VAE's eval (500 importance samples per snippet) on 2 cores;
# the LM's NLL is exact with one sample. DATA=… overrides the corpus (default /usr/share/games/fortunes).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAE="${1:?usage: text-baseline.sh VAE_MODEL [LM_DIR] (a sentence VAE trained on DATA)}"
LM="${2:-${TMPDIR:-/tmp}/vaecreative-text-fortunes-lm}"
DATA="${DATA:-/usr/share/games/fortunes}"
OUT="$ROOT/bench/results/text-baseline"
V=("$ROOT/vaecreative")
mkdir -p "$OUT"
if [[ ! -f "$LM/model.weights" ]]; then
  "${V[@]}" train --modality text --size lm --data "$DATA" --out "$LM" --rng 1 --threads 2
fi
vae_dir="$VAE"; [[ -d "$vae_dir" ]] || vae_dir="$ROOT/models/$VAE"
sha() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["encoding"]["tokenizerSha256"])' "$1/manifest.json"; }
if [[ "$(sha "$vae_dir")" != "$(sha "$LM")" ]]; then
  echo "text-baseline: the two models' tokenizers differ; retrain the LM on the VAE's data (same --rng)" >&2
  exit 1
fi
"${V[@]}" eval --model "$LM" --data "$DATA" --split validation --json > "$OUT/lm-eval.json.tmp" && mv "$OUT/lm-eval.json.tmp" "$OUT/lm-eval.json"
"${V[@]}" eval --model "$VAE" --data "$DATA" --split validation --json > "$OUT/vae-eval.json.tmp" && mv "$OUT/vae-eval.json.tmp" "$OUT/vae-eval.json"
cp "$LM/run.json" "$OUT/lm-run.json"
cp "$LM/metrics.jsonl" "$OUT/lm-metrics.jsonl"
python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
lm, vae = (json.load(open(os.path.join(out, f))) for f in ("lm-eval.json", "vae-eval.json"))
assert lm["snippets"] == vae["snippets"] and lm["tokens"] == vae["tokens"], "the two evals saw different snippets"
rows = [("LSTM language model (`sentence-lm`)", lm), ("sentence VAE (`sentence-vae`)", vae)]
lines = [f"Held-out fortunes: {lm['snippets']:,} snippets, {lm['tokens']:,} predicted tokens (end of snippet included).", "",
         "| model | NLL (nats/snippet) | perplexity | KL (nats) | mutual information (nats) | active units | token accuracy (teacher-forced) |",
         "|---|---:|---:|---:|---:|---:|---:|"]
for name, r in rows:
    au = f"{r['active_units']} of {r['latent_size']}" if r["latent_size"] > 1 else "–"
    lines.append(f"| {name} | {r['nll_nats']:.2f}{'' if r['importance_samples'] == 1 else ' (IW, K = ' + str(r['importance_samples']) + ')'} | {r['perplexity']:.1f} | "
                 f"{r['kl_nats']:.2f} | {r['mutual_information_nats']:.2f} | {au} | {r['reconstruction_token_accuracy']:.3f} |")
lines += ["", f"VAE NLL relative to the LM: {100 * (vae['nll_nats'] / lm['nll_nats'] - 1):+.2f}%"]
open(os.path.join(out, "table.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
