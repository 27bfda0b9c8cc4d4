#!/usr/bin/python3
"""Merges the phase results of bench/run.sh into latest.json and latest.md (and prints the table)."""
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


def main():
    d, mode, out = sys.argv[1], sys.argv[2], sys.argv[3]
    eq_cs, eq_py = load(d, "cs_equivalence"), load(d, "py_equivalence")
    blas, matmul, flops = load(d, "py_blas"), load(d, "cs_matmul"), load(d, "cs_flops")
    tr = {b: (load(d, f"cs_train_b{b}"), load(d, f"py_train_b{b}")) for b in (64, 512)}
    lat_cs, lat_py = load(d, "cs_latency"), load(d, "py_latency")
    lat_bf16, gen_bf16 = load(d, "cs_latency_bf16"), load(d, "cs_generation_bf16")
    gen_cs, gen_py = load(d, "cs_generation"), load(d, "py_generation")
    srv_cs, srv_py = load(d, "cs_serve"), load(d, "py_serve")
    cold = load(d, "cold")
    host = load(d, "cs_concurrency")["results"]

    peak = matmul["gflops"]
    fpe = flops["flops_per_training_example"]
    py_gflops = 2 * 1024 ** 3 / (blas["matmul_1024_ms"] / 1000) / 1e9
    pct = lambda eps: 100 * eps * fpe / (peak * 1e9)

    figures = [
        figure("train_examples_per_s_b64", "examples/s", tr[64][0]["examples_per_s"], tr[64][1]["examples_per_s"], True, ">= 3x PyTorch"),
        figure("train_examples_per_s_b512", "examples/s", tr[512][0]["examples_per_s"], tr[512][1]["examples_per_s"], True, ">= 3x PyTorch"),
        figure("vary8_latency_ms_p50", "ms", lat_cs["p50_ms"], lat_py["p50_ms"], False, "<= 5 ms and <= 0.25x PyTorch"),
        figure("vary8_latency_ms_p99", "ms", lat_cs["p99_ms"], lat_py["p99_ms"], False),
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
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    result = {
        "machine": {
            "cpu": cpu_model(),
            "cores": os.cpu_count(),
            "threads_used": blas["threads"],
            "mode": mode.lstrip("-"),
            "pytorch": blas["torch"],
            "pytorch_blas": blas["blas"],
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
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        },
        "figures": figures,
        "host": {"results": host, "batching_speedup_64_clients": batching_gain,
                 "targets": "batching >= 5x throughput of batching off at 64 clients; p99 < 250 ms at 64 clients"},
    }

    def fmt(v):
        if v is None:
            return "–"
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}"

    lines = [
        f"| figure | unit | C# | PyTorch | speedup | target |",
        "|---|---|---:|---:|---:|---|",
    ]
    for f in figures:
        sp = "–" if f["speedup"] is None else f"{f['speedup']:.2f}×"
        lines.append(f"| {f['name']} | {f['unit']} | {fmt(f['csharp'])} | {fmt(f['pytorch'])} | {sp} | {f.get('target', '')} |")
    m = result["machine"]
    eq = m["equivalence"]
    lines += [
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['threads_used']} threads; PyTorch {m['pytorch']} with BLAS `{m['pytorch_blas']}` "
        f"({m['pytorch_matmul_1024_ms']:.1f} ms per 1024³ matmul); mode: {m['mode']}; commit {m['commit']}; {m['date']}.",
        f"Equivalence: same initial weights, batches and noise, 3 Adam steps — C# losses {', '.join(f'{x:.6f}' for x in eq['csharp_losses'])}, "
        f"PyTorch {', '.join(f'{x:.6f}' for x in eq['pytorch_losses'])}; max relative difference {eq['max_relative_difference']:.2e} "
        f"({'passed' if eq['passed'] else 'FAILED'}, tolerance 1e-4).",
        f"Serving RSS growth from the first 10% of requests to the end: C# {m['serve_rss_growth_percent']['csharp']:.2f}% over {m['serve_requests']['csharp']} requests, "
        f"PyTorch {m['serve_rss_growth_percent']['pytorch']:.2f}% over {m['serve_requests']['pytorch']}.",
    ]
    lines += [
        "",
        "Generator host (`vaecreative serve`, 8 variations of a 2-bar seed per request, 24 distinct seeds, client and host on the same 2 cores):",
        "",
        *host_table,
        "",
        f"Batching at 64 clients: {batching_gain:.2f}× the throughput of batching off (target ≥ 5×); "
        f"p99 {by[(True, 64)]['p99_ms']:.0f} ms (target < 250 ms).",
    ]
    table = "\n".join(lines) + "\n"
    os.makedirs(out, exist_ok=True)
    for name, text in (("latest.json", json.dumps(result, indent=2) + "\n"), ("latest.md", table)):
        tmp = os.path.join(out, f".{name}.tmp")
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, os.path.join(out, name))
    print(table)
    if not eq["passed"]:
        print("bench: numerical equivalence check FAILED", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
