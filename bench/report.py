#!/usr/bin/python3
"""Merges the phase results of bench/run.sh into latest.json and latest.md (and prints the table).

    report.py RESULTS_DIR --full|--quick OUT_DIR [--text-only | --image-only | --music-only]

With --text-only (bench/run.sh --text-only) only the text phases ran: a full run replaces the "text" object of
OUT_DIR/latest.json and the text section of latest.md, keeping the other figures as they were measured; a quick run
writes OUT_DIR/text-quick.{json,md}. --image-only does the same for the "image" object and section (image-quick.*),
--music-only for the "music" object and section, the drums and 16-bar melody models (music-quick.*).
"""
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys


def load(d, name):
    with open(os.path.join(d, name + ".json")) as f:
        return json.load(f)


def figure(name, unit, cs, py, higher_is_better, target=None):
    speedup = None
    if cs is not None and py is not None and cs > 0 and py > 0:
        speedup = cs / py if higher_is_better else py / cs
    f = {"name": name, "unit": unit, "csharp": cs, "pytorch": py, "speedup": speedup}
    if target:
        f["target"] = target
    return f


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


TEXT_HEADING = "## Text"
IMAGE_HEADING = "## Images"
MUSIC_HEADING = "## Drums and 16-bar melodies"
MUSIC_MODELS = (
    ("drums", "models/drums-2bar (`SequenceVae`, MusicVAE's cat-drums_2bar_small shape, encoder 256)", "bench/reference/melody_vae.py",
     "the demo seed's first 2-bar window (samples/seed-drums.mid)"),
    ("melody16", "models/melody-16bar (`HierarchicalSequenceVae`, 16 bars)", "bench/reference/hier_vae.py",
     "the first held-out 16-bar Nottingham window"),
)
# Relative, on each step's loss. Text is held tighter than the melody's 1e-4: its KL term is about 1e-4 of the loss
# at initialisation, so a twin without free bits still came within 1e-4 (9.6e-5); last-bit differences give 6.5e-8.
TEXT_EQUIVALENCE_TOLERANCE = 1e-6
TEXT_KINDS = {"sentence-vae": "SentenceVae", "span-latent-vae": "SpanLatentVae"}


def text_model_words(export):
    """What the text section calls the model, and how its variations draw their codes (from text-export's object;
    exports before the span kind held a sentence-vae)."""
    kind = export.get("model_kind", "sentence-vae")
    name = f"`{TEXT_KINDS.get(kind, kind)}`"
    if kind == "span-latent-vae":
        spans = export["spans"]
        name += (f", {spans} codes of {export['latent_size'] // spans} (one per {export['span_tokens']} "
                 f"token{'s' if export['span_tokens'] != 1 else ''})")
    if export.get("neighbourhood") == "posterior-noise":
        codes = f"posterior noise μ + {export['posterior_noise_spread']:g} × (1 − similarity) × σ ⊙ ε"
    else:
        codes = "slerp"
    return name, codes


def fmt(v):
    if v is None:
        return "–"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}"


def figure_table(figures):
    lines = ["| figure | unit | C# | PyTorch | speedup | target |", "|---|---|---:|---:|---:|---|"]
    for f in figures:
        sp = "–" if f["speedup"] is None else f"{f['speedup']:.2f}×"
        lines.append(f"| {f['name']} | {f['unit']} | {fmt(f['csharp'])} | {fmt(f['pytorch'])} | {sp} | {f.get('target', '')} |")
    return lines


def commit_and_date():
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return commit, datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def text_section(d, mode, blas):
    """The text model beside its PyTorch twin: (result object, markdown lines, equivalence passed)."""
    export = load(d, "cs_text_export")
    eq_cs, eq_py = load(d, "cs_text_equivalence"), load(d, "py_text_equivalence")
    tr_cs, tr_py = load(d, "cs_text_train_b64"), load(d, "py_text_train_b64")
    lat_cs, lat_py = load(d, "cs_text_latency"), load(d, "py_text_latency")
    figures = [
        figure("text_train_examples_per_s_b64", "examples/s", tr_cs["examples_per_s"], tr_py["examples_per_s"], True),
        figure("text_train_target_tokens_per_s_b64", "tokens/s", tr_cs["target_tokens_per_s"], tr_py["target_tokens_per_s"], True),
        figure("text_vary8_latency_ms_p50", "ms", lat_cs["p50_ms"], lat_py["p50_ms"], False),
        figure("text_vary8_latency_ms_p95", "ms", lat_cs["p95_ms"], lat_py["p95_ms"], False),
        figure("text_vary8_latency_ms_p99", "ms", lat_cs["p99_ms"], lat_py["p99_ms"], False),
        # The C# engine through its fp32 modules: the twin's exact work, token for token.
        figure("text_vary8_fp32_modules_latency_ms_p50", "ms", lat_cs["modules_p50_ms"], lat_py["p50_ms"], False),
        figure("text_vary8_fp32_modules_latency_ms_p99", "ms", lat_cs["modules_p99_ms"], lat_py["p99_ms"], False),
        # C# only: the whole text path (tokenise, vary, redraw copies, detokenise); the twin starts from token ids.
        figure("text_vary8_text_in_out_ms_p50", "ms", lat_cs["text_p50_ms"], None, False),
        figure("text_vary8_text_in_out_ms_p95", "ms", lat_cs["text_p95_ms"], None, False),
        figure("peak_rss_mb_text_train", "MB", tr_cs["peak_rss_mb"], tr_py["peak_rss_mb"], False),
    ]
    same_work = lat_cs["modules_generated_tokens"] == lat_py["generated_tokens"]
    passed = eq_py["max_relative_difference"] <= TEXT_EQUIVALENCE_TOLERANCE
    same_tokens = eq_py["vary_positions_differing"] == 0
    load_avg = load(d, "text_load") if os.path.exists(os.path.join(d, "text_load.json")) else None
    model_name, codes = text_model_words(export)
    result = dict(section_header(mode, blas, load_avg), model=export, figures=figures)
    commit, date = result["commit"], result["date"]
    result.update({
        "latency": {"runs": lat_cs["runs"], "generated_tokens": {"csharp": lat_cs["generated_tokens"], "csharp_fp32_modules": lat_cs["modules_generated_tokens"], "pytorch": lat_py["generated_tokens"]},
                    "same_work": same_work},
        "equivalence": {
            "csharp_losses": eq_cs["losses"],
            "pytorch_losses": eq_py["pytorch_losses"],
            "kl_nats": eq_cs["kl_nats"],
            "rows_over_free_nats": eq_cs["rows_over_free_nats"],
            "batch": eq_cs["batch"],
            "widths": eq_cs["widths"],
            "max_abs_difference": eq_py["max_abs_difference"],
            "max_relative_difference": eq_py["max_relative_difference"],
            "weights_max_abs_difference": eq_py["weights_max_abs_difference"],
            "seed_mean_max_abs_difference": eq_py["seed_mean_max_abs_difference"],
            "seed_stddev_max_abs_difference": eq_py.get("seed_stddev_max_abs_difference"),
            "vary_positions": eq_py["vary_positions"],
            "vary_positions_differing": eq_py["vary_positions_differing"],
            "rng_streams_identical": eq_py["rng_streams_identical"],
            "first_step_gradient_max_abs_difference": eq_py["first_step_gradient_max_abs_difference"],
            "beta": eq_cs["beta"],
            "free_bits": eq_cs["free_bits"],
            "passed": passed,
            "vary_tokens_identical": same_tokens,
        },
    })
    e = result["equivalence"]
    grads = e["first_step_gradient_max_abs_difference"]
    losses = lambda xs: ", ".join(f"{x:.6f}" for x in xs)
    lines = [
        TEXT_HEADING,
        "",
        f"The text model ({model_name}) beside its PyTorch twin (`bench/reference/text_vae.py`); "
        f"mode: {result['mode']}; commit {commit}; {date}; {result['cpu']}, {result['threads_used']} threads"
        + (f"; 1-minute load average {load_avg['start']} when the text phases began, {load_avg['end']} when they ended"
           f" (2 would be these phases alone)." if load_avg else "."),
        "",
        *figure_table(figures),
        "",
        f"Model: {export['weights']} weights ({export['model_dir']}), {export['parameters']:,} parameters, "
        f"{export['vocabulary']:,} tokens, rows of at most {export['max_tokens']} positions. Training data: {export['rows']:,} of the "
        f"{export['snippets_train']:,} training snippets of Debian's fortunes, tokenised with the model's tokenizer "
        f"({export['mean_tokens']:.1f} targets — tokens and EOS — each on average), in a fixed shuffled order; batches of 64 as wide as their longest row; "
        f"the recipe's step (word dropout, free bits, clipping, Adam). Seed: \"{export['seed_text']}\".",
        f"Latency: 8 variations (similarity 0.75, temperature 0.5: encode, {codes}, decode), {lat_cs['runs']} runs after 10 warm-up; "
        f"no posterior-mean cache. The twin decodes, each run, the noise the C# engine drew for it: generated tokens C# "
        f"{lat_cs['modules_generated_tokens']:,} through its fp32 modules, PyTorch {lat_py['generated_tokens']:,} "
        f"({'the same work' if same_work else 'NOT the same work'}). By default C# steps through fp16 copies of the decoder's "
        f"weights packed for FBGEMM (one TorchScript call a step; {lat_cs['generated_tokens']:,} tokens generated, since rounded "
        f"logits sometimes sample another token); Debian's PyTorch is built without FBGEMM, so the twin has no such path.",
        f"Equivalence: same initial weights, 3 batches of {e['batch']} snippets (widths {', '.join(map(str, e['widths']))}), "
        f"reparameterisation noise and word-dropout draws; β {e['beta']:g}, free bits {e['free_bits']:g} (rows above the free nats per step: "
        f"{', '.join(map(str, e['rows_over_free_nats']))}); 3 Adam steps — C# losses {losses(e['csharp_losses'])}, "
        f"PyTorch {losses(e['pytorch_losses'])}; max abs difference {e['max_abs_difference']:.2e}, relative "
        f"{e['max_relative_difference']:.2e}; first-step gradients differ by at most {max(grads.values()):.2e} ({max(grads, key=grads.get)}), "
        f"weights after 3 steps by at most {e['weights_max_abs_difference']:.2e}. "
        f"One vary of the seed on the exported model from the C# engine's noise: posterior means differ by at most "
        f"{e['seed_mean_max_abs_difference']:.2e}"
        + (f" (standard deviations by at most {e['seed_stddev_max_abs_difference']:.2e})"
           if e["seed_stddev_max_abs_difference"] is not None else "")
        + f", {e['vary_positions_differing']} of {e['vary_positions']} token positions differ "
        f"({'passed' if passed else 'FAILED'}: relative loss tolerance {TEXT_EQUIVALENCE_TOLERANCE:g}). "
        f"PyTorch {blas['torch']}'s generator {'draws the same numbers as' if e['rng_streams_identical'] else 'draws other numbers than'} "
        f"TorchSharp's for the same seed.",
    ]
    if e["max_abs_difference"] > 0 or e["weights_max_abs_difference"] > 0 or e["seed_mean_max_abs_difference"] > 0:
        lines.append(
            "Differences are in the last bits of float32: the two sides are different builds (the libtorch of TorchSharp "
            f"{export.get('torchsharp', '?')}, with MKL, against Debian's torch {blas['torch']} with OpenBLAS) whose kernels add some sums in another "
            "order; PyTorch alone gives a seed's posterior mean other last bits in a batch of 64 than alone. The melody "
            "model (one-hot inputs: no embedding, packing or tied output layer) stays bit-identical.")
    return result, lines, passed


def image_section(d, mode, blas):
    """The image model (models/fashion-28) beside its PyTorch twin: (result object, markdown lines, passed)."""
    export = load(d, "cs_image_export")
    tr_cs, tr_py = load(d, "cs_image_train_b128"), load(d, "py_image_train_b128")
    lat_cs, lat_py = load(d, "cs_image_latency"), load(d, "py_image_latency")
    figures = [
        figure("image_train_images_per_s_b128", "images/s", tr_cs["examples_per_s"], tr_py["examples_per_s"], True),
        figure("image_vary8_latency_ms_p50", "ms", lat_cs["p50_ms"], lat_py["p50_ms"], False),
        figure("image_vary8_latency_ms_p95", "ms", lat_cs["p95_ms"], lat_py["p95_ms"], False),
        figure("image_vary8_latency_ms_p99", "ms", lat_cs["p99_ms"], lat_py["p99_ms"], False),
        # C# only: the whole image path (decode the seed PNG, fit, vary, redraw copies, encode 8 PNGs).
        figure("image_vary8_png_in_out_ms_p50", "ms", lat_cs["image_p50_ms"], None, False),
        figure("image_vary8_png_in_out_ms_p95", "ms", lat_cs["image_p95_ms"], None, False),
        figure("peak_rss_mb_image_train", "MB", tr_cs["peak_rss_mb"], tr_py["peak_rss_mb"], False),
        figure("peak_rss_mb_image_vary", "MB", lat_cs["peak_rss_mb"], lat_py["peak_rss_mb"], False),
    ]
    load_avg = load(d, "image_load") if os.path.exists(os.path.join(d, "image_load.json")) else None
    result = dict(section_header(mode, blas, load_avg), model=export, figures=figures)
    commit, date = result["commit"], result["date"]
    result["latency_runs"] = lat_cs["runs"]
    lines = [
        IMAGE_HEADING,
        "",
        f"The image model (`ConvVae`, models/fashion-28: {export['parameters']:,} parameters) beside its PyTorch twin "
        f"(`bench/reference/image_vae.py`); mode: {result['mode']}; commit {commit}; {date}; {result['cpu']}, {result['threads_used']} threads"
        + (f"; 1-minute load average {load_avg['start']} when the image phases began, {load_avg['end']} when they ended." if load_avg else "."),
        "",
        *figure_table(figures),
        "",
        f"Training: 8 batches of 128 of the exported training images (28×28, binarised at 128) in turn, the recipe's step "
        f"(Bernoulli ELBO, β 1, clipping, Adam), from a fresh model. Latency: 8 variations of the first held-out image at the "
        f"image defaults (similarity 0.75, temperature 0: the decoder's probabilities), {lat_cs['runs']} runs after 10 warm-up, no "
        f"posterior-mean cache. The twin's held-out likelihood after the full 40,000-step run is in "
        f"bench/results/image-twin.json (scripts/image-twin.sh).",
    ]
    return result, lines, True


def music_section(d, mode, blas):
    """The drums and 16-bar melody models beside their PyTorch twins: (result object, markdown lines, passed)."""
    load_avg = load(d, "music_load") if os.path.exists(os.path.join(d, "music_load.json")) else None
    result = dict(section_header(mode, blas, load_avg), models={})
    figures, notes, passed = [], [], True
    for key, name, twin, seed in MUSIC_MODELS:
        if not os.path.exists(os.path.join(d, f"cs_{key}_export.json")):
            notes.append(f"- `{key}`: not measured ({name} is not in models/).")
            continue
        export = load(d, f"cs_{key}_export")
        eq = load(d, f"py_{key}_equivalence")
        tr_cs, tr_py = load(d, f"cs_{key}_train_b64"), load(d, f"py_{key}_train_b64")
        lat_cs, lat_py = load(d, f"cs_{key}_latency"), load(d, f"py_{key}_latency")
        ok = eq["max_relative_difference"] <= 1e-4
        passed = passed and ok
        figures += [
            figure(f"{key}_train_examples_per_s_b64", "windows/s", tr_cs["examples_per_s"], tr_py["examples_per_s"], True),
            figure(f"{key}_vary8_latency_ms_p50", "ms", lat_cs["p50_ms"], lat_py["p50_ms"], False),
            figure(f"{key}_vary8_latency_ms_p99", "ms", lat_cs["p99_ms"], lat_py["p99_ms"], False),
        ]
        result["models"][key] = {"parameters": export["parameters"], "equivalence": dict(eq, passed=ok), "latency_runs": lat_cs["runs"]}
        notes.append(
            f"- `{key}`: {name}, {export['parameters']:,} parameters, twin `{twin}`. Equivalence (same initial weights, batches and "
            f"noise, 3 Adam steps): C# losses {', '.join(f'{x:.6f}' for x in eq['csharp_losses'])}, PyTorch "
            f"{', '.join(f'{x:.6f}' for x in eq['pytorch_losses'])}; max relative difference {eq['max_relative_difference']:.2e} "
            f"({'passed' if ok else 'FAILED'}, tolerance 1e-4). Latency: 8 variations of {seed} (similarity 0.75, temperature 0.5), "
            f"{lat_cs['runs']} runs after 10 warm-up, no posterior-mean cache.")
    result["figures"] = figures
    lines = [
        MUSIC_HEADING,
        "",
        f"The drums and 16-bar melody models beside their PyTorch twins; mode: {result['mode']}; commit {result['commit']}; {result['date']}; "
        f"{result['cpu']}, {result['threads_used']} threads"
        + (f"; 1-minute load average {load_avg['start']} when these phases began, {load_avg['end']} when they ended." if load_avg else "."),
        "",
        *figure_table(figures),
        "",
        "Training: 8 batches of 64 real training windows in turn, the trainer's step (ELBO, β 0.2, clipping, Adam) from a fresh model.",
        *notes,
    ]
    return result, lines, passed


def section_header(mode, blas, load_avg):
    """What every twin section records about its run: mode, commit, date, machine and PyTorch's setup."""
    commit, date = commit_and_date()
    return {
        "mode": mode.lstrip("-"),
        "commit": commit,
        "date": date,
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "threads_used": blas["threads"],
        "pytorch": blas["torch"],
        "pytorch_blas": blas["blas"],
        "pytorch_omp_wait_policy": blas.get("omp_wait_policy", "default"),
        "load_average_1min": load_avg,
    }


def write_atomically(out, files):
    os.makedirs(out, exist_ok=True)
    for name, text in files:
        tmp = os.path.join(out, f".{name}.tmp")
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, os.path.join(out, name))


def section_only(d, mode, out, key, heading, section, quick_name):
    """Writes one section's figures: a quick run to QUICK_NAME.{json,md}; a full run into latest.{json,md}, replacing
    that section and keeping the others as they were measured."""
    blas = load(d, "py_blas")
    result, lines, passed = section(d, mode, blas)
    table = "\n".join(lines) + "\n"
    if mode == "--quick":
        write_atomically(out, ((f"{quick_name}.json", json.dumps(result, indent=2) + "\n"), (f"{quick_name}.md", table)))
    else:
        latest_json, latest_md = os.path.join(out, "latest.json"), os.path.join(out, "latest.md")
        whole = json.load(open(latest_json)) if os.path.exists(latest_json) else {}
        whole[key] = result
        md = open(latest_md).read() if os.path.exists(latest_md) else ""
        start = md.find("\n" + heading + "\n")
        if start >= 0:
            # The section runs to the next "## " heading (or the end).
            end = md.find("\n## ", start + 1)
            md = md[: start + 1] + (md[end + 1 :] if end >= 0 else "")
        md = md.rstrip("\n")
        md = (md + "\n\n" if md else "") + table
        write_atomically(out, (("latest.json", json.dumps(whole, indent=2) + "\n"), ("latest.md", md)))
    print(table)
    return result, passed


def text_only(d, mode, out):
    text, passed = section_only(d, mode, out, "text", TEXT_HEADING, text_section, "text-quick")
    if not text["equivalence"]["vary_tokens_identical"]:
        print("bench: the text twin decoded other tokens than the C# engine from the same noise", file=sys.stderr)
    if not passed:
        print("bench: text numerical equivalence check FAILED", file=sys.stderr)
        sys.exit(1)


def main():
    d, mode, out = sys.argv[1], sys.argv[2], sys.argv[3]
    if "--text-only" in sys.argv[4:]:
        text_only(d, mode, out)
        return
    if "--image-only" in sys.argv[4:]:
        section_only(d, mode, out, "image", IMAGE_HEADING, image_section, "image-quick")
        return
    if "--music-only" in sys.argv[4:]:
        _, passed = section_only(d, mode, out, "music", MUSIC_HEADING, music_section, "music-quick")
        if not passed:
            print("bench: drums or 16-bar numerical equivalence check FAILED", file=sys.stderr)
            sys.exit(1)
        return
    eq_cs, eq_py = load(d, "cs_equivalence"), load(d, "py_equivalence")
    blas, matmul, flops = load(d, "py_blas"), load(d, "cs_matmul"), load(d, "cs_flops")
    tr = {b: (load(d, f"cs_train_b{b}"), load(d, f"py_train_b{b}")) for b in (64, 512)}
    lat_cs, lat_py = load(d, "cs_latency"), load(d, "py_latency")
    lat_bf16, gen_bf16 = load(d, "cs_latency_bf16"), load(d, "cs_generation_bf16")
    gen_cs, gen_py = load(d, "cs_generation"), load(d, "py_generation")
    srv_cs, srv_py = load(d, "cs_serve"), load(d, "py_serve")
    cold = load(d, "cold")
    conc = load(d, "cs_concurrency")
    host = conc["results"]

    peak = matmul["gflops"]
    fpe = flops["flops_per_training_example"]
    py_gflops = 2 * 1024 ** 3 / (blas["matmul_1024_ms"] / 1000) / 1e9
    pct = lambda eps: 100 * eps * fpe / (peak * 1e9)

    figures = [
        figure("train_examples_per_s_b64", "examples/s", tr[64][0]["examples_per_s"], tr[64][1]["examples_per_s"], True, ">= 3x PyTorch"),
        figure("train_examples_per_s_b512", "examples/s", tr[512][0]["examples_per_s"], tr[512][1]["examples_per_s"], True, ">= 3x PyTorch"),
        figure("vary8_latency_ms_p50", "ms", lat_cs["p50_ms"], lat_py["p50_ms"], False, "<= 5 ms and <= 0.25x PyTorch"),
        figure("vary8_latency_ms_p99", "ms", lat_cs["p99_ms"], lat_py["p99_ms"], False),
        # C# only: the same 8 variations through MelodyGenerator (copies redrawn, windows stitched), as the CLI and host run them.
        figure("vary8_melody_generator_ms_p50", "ms", lat_cs.get("melody_p50_ms"), None, False),
    ]
    for b in (1, 8, 64, 256):
        figures.append(figure(f"gen_variations_per_s_b{b}", "variations/s", gen_cs[f"b{b}"], gen_py[f"b{b}"], True))
    figures += [
        figure("peak_rss_mb_train", "MB", tr[64][0]["peak_rss_mb"], tr[64][1]["peak_rss_mb"], False),
        figure("peak_rss_mb_serve", "MB", srv_cs["peak_rss_mb"], srv_py["peak_rss_mb"], False, "growth < 5% over the requests"),
        figure("live_tensors_delta_1000_requests", "tensors", srv_cs["live_tensors_after"] - srv_cs["live_tensors_before"], None, False, "0"),
        figure("cold_start_ms", "ms", statistics.median(cold["csharp_ms"]), statistics.median(cold["pytorch_ms"]), False),
        figure("matmul_gflops", "GFLOP/s", peak, py_gflops, True),
        figure("train_percent_of_peak", "%", pct(tr[64][0]["examples_per_s"]), pct(tr[64][1]["examples_per_s"]), True, ">= 70%"),
        # Extra: the same C# figures with bfloat16 inference (--precision bf16); the PyTorch twin runs float32 only.
        figure("vary8_latency_ms_p50_bf16", "ms", lat_bf16["p50_ms"], None, False),
        figure("vary8_latency_ms_p99_bf16", "ms", lat_bf16["p99_ms"], None, False),
        figure("gen_variations_per_s_b8_bf16", "variations/s", gen_bf16["b8"], None, True),
        figure("gen_variations_per_s_b256_bf16", "variations/s", gen_bf16["b256"], None, True),
    ]
    # The generator host (vaecreative serve) under load: C# only, batching on vs off.
    by = {(r["batching"], r["clients"]): r for r in host}
    host_table = ["| clients | batching | requests/s | variations/s | p50 ms | p99 ms | errors |", "|---:|---|---:|---:|---:|---:|---:|"]
    for c in (1, 8, 64):
        for b in (True, False):
            r = by[(b, c)]
            host_table.append(f"| {c} | {'on' if b else 'off'} | {r['requests_per_s']:.1f} | {r['variations_per_s']:.0f} | {r['p50_ms']:.0f} | {r['p99_ms']:.0f} | {r['Errors']} |")
    batching_gain = by[(True, 64)]["requests_per_s"] / by[(False, 64)]["requests_per_s"]
    commit, date = commit_and_date()
    text, text_lines, text_passed = text_section(d, mode, blas)
    image, image_lines, _ = image_section(d, mode, blas)
    music, music_lines, music_passed = music_section(d, mode, blas)
    result = {
        "machine": {
            "cpu": cpu_model(),
            "cores": os.cpu_count(),
            "threads_used": blas["threads"],
            "mode": mode.lstrip("-"),
            "pytorch": blas["torch"],
            "pytorch_blas": blas["blas"],
            "pytorch_omp_wait_policy": blas.get("omp_wait_policy", "default"),
            "pytorch_matmul_1024_ms": blas["matmul_1024_ms"],
            "flops_per_training_example": fpe,
            "serve_rss_growth_percent": {"csharp": srv_cs["rss_growth_percent"], "pytorch": srv_py["rss_growth_percent"]},
            "serve_requests": {"csharp": srv_cs["requests"], "pytorch": srv_py["requests"]},
            "equivalence": {
                "csharp_losses": eq_cs["losses"],
                "pytorch_losses": eq_py["pytorch_losses"],
                "max_relative_difference": eq_py["max_relative_difference"],
                "passed": eq_py["max_relative_difference"] <= 1e-4,
            },
            "commit": commit,
            "date": date,
        },
        "figures": figures,
        "host": {"results": host, "batching_speedup_64_clients": batching_gain,
                 "targets": "batching >= 5x throughput of batching off at 64 clients; p99 < 250 ms at 64 clients"},
        "text": text,
        "image": image,
        "music": music,
    }

    lines = figure_table(figures)
    m = result["machine"]
    eq = m["equivalence"]
    lines += [
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['threads_used']} threads; PyTorch {m['pytorch']} with BLAS `{m['pytorch_blas']}` "
        f"({m['pytorch_matmul_1024_ms']:.1f} ms per 1024³ matmul) and OMP_WAIT_POLICY={m['pytorch_omp_wait_policy']}; mode: {m['mode']}; commit {m['commit']}; {m['date']}.",
        f"Equivalence: same initial weights, batches and noise, 3 Adam steps — C# losses {', '.join(f'{x:.6f}' for x in eq['csharp_losses'])}, "
        f"PyTorch {', '.join(f'{x:.6f}' for x in eq['pytorch_losses'])}; max relative difference {eq['max_relative_difference']:.2e} "
        f"({'passed' if eq['passed'] else 'FAILED'}, tolerance 1e-4).",
        f"Serving RSS growth from the first 10% of requests to the end: C# {m['serve_rss_growth_percent']['csharp']:.2f}% over {m['serve_requests']['csharp']} requests, "
        f"PyTorch {m['serve_rss_growth_percent']['pytorch']:.2f}% over {m['serve_requests']['pytorch']}.",
    ]
    lines += [
        "",
        f"Generator host (`vaecreative serve` with its defaults: {conc.get('precision', '?')}, {conc.get('host_threads', '?')} libtorch thread(s); "
        "8 variations of a 2-bar seed per request, 24 distinct seeds, client and host on the same 2 cores):",
        "",
        *host_table,
        "",
        f"Batching at 64 clients: {batching_gain:.2f}× the throughput of batching off (target ≥ 5×); "
        f"p99 {by[(True, 64)]['p99_ms']:.0f} ms (target < 250 ms).",
        "",
        *text_lines,
        "",
        *image_lines,
        "",
        *music_lines,
    ]
    table = "\n".join(lines) + "\n"
    write_atomically(out, (("latest.json", json.dumps(result, indent=2) + "\n"), ("latest.md", table)))
    print(table)
    if not eq["passed"]:
        print("bench: numerical equivalence check FAILED", file=sys.stderr)
    if not text_passed:
        print("bench: text numerical equivalence check FAILED", file=sys.stderr)
    if not music_passed:
        print("bench: drums or 16-bar numerical equivalence check FAILED", file=sys.stderr)
    if not (eq["passed"] and text_passed and music_passed):
        sys.exit(1)


if __name__ == "__main__":
    main()
