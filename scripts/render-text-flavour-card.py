#!/usr/bin/env python3
"""Renders models/text-flavour/README.md (the model's card) from its template (scripts/text-flavour-card.md.in) and the
figures that scripts/text-flavour-card.sh, scripts/text-routes.sh, scripts/text-prior-particles.sh and
bench/run.sh --quick --text-only wrote. Every
number and example in the card comes from those files; the template holds the prose.

  python3 scripts/render-text-flavour-card.py [MODEL_DIR] > models/text-flavour/README.md
"""
import gzip
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "models", "text-flavour")
ROUTES = os.path.join(ROOT, "bench", "results", "text-routes")
BENCH = os.path.join(ROOT, "bench", "results", "text-quick.json")
TEMPLATE = os.path.join(ROOT, "scripts", "text-flavour-card.md.in")
# Variations per seed quoted from examples.txt (all of them are in the file).
QUOTED_VARIATIONS = 4


def load(*parts):
    with open(os.path.join(*parts), encoding="utf-8") as f:
        return json.load(f)


def bench_figure(bench, name):
    found = [f for f in bench["figures"] if f["name"] == name]
    if not found:
        raise SystemExit(f"render-text-flavour-card: {BENCH} has no figure {name}; run bench/run.sh --quick --text-only")
    return found[0]


def validation_table():
    """The validation rows (z = mu) of the model's training log, metrics.jsonl.gz (or metrics.jsonl as train wrote it)."""
    path = os.path.join(MODEL, "metrics.jsonl.gz")
    lines = gzip.open(path, "rt", encoding="utf-8") if os.path.exists(path) else open(os.path.join(MODEL, "metrics.jsonl"), encoding="utf-8")
    rows = [json.loads(line) for line in lines if '"split":"validation"' in line]
    out = ["| step | −ELBO (nats) | reconstruction | KL | token accuracy (teacher-forced) |", "|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['step']:,} | {r['elbo_nats']:.2f} | {r['reconstruction_nats']:.2f} | {r['kl_nats']:.2f} | {r['accuracy_teacher_forced']:.3f} |")
    return "\n".join(out)


def examples(path):
    """examples.txt with each seed's first QUOTED_VARIATIONS variations; homotopies and samples whole."""
    out, kept, in_seed = [], 0, False
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if not line.startswith("  - "):
                in_seed, kept = line.startswith("seed: "), 0
                out.append(line)
            elif not in_seed or kept < QUOTED_VARIATIONS:
                out.append(line)
                kept += 1
    return "\n".join(out)


def particles_table():
    """The sampler's particles against the link grammar parser's figures (bench/results/text-prior-particles.json)."""
    d = load(ROOT, "bench", "results", "text-prior-particles.json")
    h = d["heldout_lines"]
    out = ["| lines | temperature | parse whole | words skipped | seconds for 200 |", "|---|---:|---:|---:|---:|",
           f"| 200 held-out lines | | {h['parse_whole'] * 100:.1f}% | {h['words_skipped'] * 100:.1f}% | |"]
    for r in d["samples"]:
        name = "one code per position" if r["particles"] == 1 else f"{r['particles']} particles"
        if r["particles"] == 32:
            name += " (default)"
        out.append(f"| prior samples, {name} | {r['temperature']} | {r['parse_whole'] * 100:.1f}% | {r['words_skipped'] * 100:.1f}% | {r['seconds_for_200']:.0f} |")
    return "\n".join(out)


def main():
    g = load(MODEL, "eval-variations-games.json")
    sl = load(MODEL, "eval-variations-games-slerp.json")
    h = load(MODEL, "eval-variations-heldout.json")
    u = load(MODEL, "eval-variations-unlike.json")
    e = load(MODEL, "eval-heldout.json")
    samples = load(MODEL, "eval-samples.json")
    manifest = load(MODEL, "manifest.json")
    lm = load(ROUTES, "lm-eval.json")
    span = load(ROUTES, "span-eval.json")
    bench = json.load(open(BENCH, encoding="utf-8"))
    packed = bench_figure(bench, "text_vary8_latency_ms_p50")
    modules = bench_figure(bench, "text_vary8_fp32_modules_latency_ms_p50")
    text_io = bench_figure(bench, "text_vary8_text_in_out_ms_p50")

    parameters = manifest["parameters"]

    def pct(x):
        return f"{x * 100:.1f}%"

    def f3(x):
        return f"{x:.3f}"

    scurve = {c["similarity"]: c["chrf_to_seed"] for c in sl["curve"]}
    values = {
        "g_rec": f3(g["reconstruction_chrf"]), "g_seed": f3(g["variation_chrf_to_seed"]),
        "g_unrel": f3(g["variation_chrf_to_unrelated"]), "g_words": pct(g["word_rate"]),
        "g_dist": f"{g['distinct_per_seed']:.2f}", "g_lat": f"{g['latency_ms_p50']:.1f}",
        "g_lat90": f"{g['latency_ms_p90']:.0f}",
        "g_lat_status": "met" if g["latency_ms_p50"] <= 50 else "not met",
        "h_rec": f3(h["reconstruction_chrf"]), "h_seed": f3(h["variation_chrf_to_seed"]),
        "h_unrel": f3(h["variation_chrf_to_unrelated"]), "h_words": pct(h["word_rate"]),
        "h_dist": f"{h['distinct_per_seed']:.2f}", "h_lat": f"{h['latency_ms_p50']:.1f}",
        "u_rec": f3(u["reconstruction_chrf"]), "u_seed": f3(u["variation_chrf_to_seed"]),
        "u_unrel": f3(u["variation_chrf_to_unrelated"]), "u_words": pct(u["word_rate"]),
        "u_dist": f"{u['distinct_per_seed']:.2f}", "u_lat": f"{u['latency_ms_p50']:.1f}",
        "s_seed": f3(sl["variation_chrf_to_seed"]), "s_unrel": f3(sl["variation_chrf_to_unrelated"]),
        "s_words": pct(sl["word_rate"]), "s_dist": f"{sl['distinct_per_seed']:.2f}",
        "s0": f"{scurve[0]:.2f}", "s05": f"{scurve[0.5]:.2f}", "s075": f"{scurve[0.75]:.2f}", "s09": f"{scurve[0.9]:.2f}",
        "curve": ", ".join(f"{c['chrf_to_seed']:.2f}" for c in reversed(g["curve"])),
        "g_rec_words": pct(g["reconstruction_word_rate"]),
        "kl": f"{e['kl_nats']:.1f}", "mi": f"{e['mutual_information_nats']:.2f}", "active": str(e["active_units"]),
        "nll": f"{e['nll_nats']:.1f}", "acc_tf": f"{e['accuracy_teacher_forced']:.3f}", "acc_s": f"{e['accuracy_sampled']:.3f}",
        "train_min": f"{manifest['training']['elapsedSeconds'] / 60:.1f}", "train_rate": f"{manifest['training']['examplesPerSecond']:.1f}",
        "validation_table": validation_table(),
        "particles_table": particles_table(),
        "samp_ppl": f"{samples['perplexity']:,.0f}",
        "samp_ppl_cool": f"{load(MODEL, 'eval-samples-t0.25.json')['perplexity']:,.0f}",
        "samp_ppl_warm": f"{load(MODEL, 'eval-samples-t1.json')['perplexity']:,.0f}",
        "params": f"{parameters:,}", "weights_mb": f"{os.path.getsize(os.path.join(MODEL, 'model.weights')) / 1e6:.1f}",
        "samp_n": str(samples["snippets"]), "lm_ppl": f"{lm['perplexity']:.0f}",
        "lm_nll": f"{lm['nll_nats']:.2f}", "span_nll": f"{span['nll_nats']:.2f}", "lm_gap": f"{span['nll_nats'] - lm['nll_nats']:.1f}",
        "bench_cs": f"{packed['csharp']:.1f}", "bench_py": f"{packed['pytorch']:.1f}", "bench_speedup": f"{packed['speedup']:.2f}",
        "bench_modules": f"{modules['csharp']:.1f}", "bench_modules_speedup": f"{modules['speedup']:.2f}",
        "bench_io": f"{text_io['csharp']:.1f}", "bench_commit": bench.get("commit", "?"),
        "examples": examples(os.path.join(MODEL, "examples.txt")),
    }
    with open(os.path.join(ROUTES, "table.md"), encoding="utf-8") as f:
        table = f.read().strip().split("\n")
    values["routes_table"] = "\n".join(["| route (1,000 steps)" + table[0][len("| route"):]] + table[1:])
    with open(TEMPLATE, encoding="utf-8") as f:
        text = f.read()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    left = re.findall(r"\{\{\w+\}\}", text)
    if left:
        raise SystemExit(f"render-text-flavour-card: the template names unknown figures: {', '.join(sorted(set(left)))}")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
