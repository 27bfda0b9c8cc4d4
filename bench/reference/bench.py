#!/usr/bin/python3
"""PyTorch side of the benchmark suite; each phase prints one JSON object (see bench/run.sh).

Runs with Debian's python3-torch. The model is bench/reference/melody_vae.py, the identical twin of
the C# SequenceVae at the default (cat-mel_2bar_small) configuration.
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from melody_vae import MelodyVae, elbo_loss, kl, load_safetensors, vary  # noqa: E402


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def windows(path, count):
    data = np.fromfile(path, dtype=np.int64)
    return torch.from_numpy(data[: count * 32].copy()).view(count, 32)


def equivalence(args):
    spec = json.load(open(os.path.join(args.dir, "spec.json")))
    steps, batch, latent = spec["steps"], spec["batch"], spec["latent"]
    model = MelodyVae()
    state = load_safetensors(os.path.join(args.dir, "init.safetensors"))
    missing = set(model.state_dict()) ^ set(state)
    if missing:
        raise SystemExit(f"parameter names differ between C# and PyTorch: {sorted(missing)}")
    model.load_state_dict(state)
    tokens = windows(os.path.join(args.dir, "tokens.i64"), steps * batch)
    eps = torch.from_numpy(np.fromfile(os.path.join(args.dir, "eps.f32"), dtype=np.float32)).view(steps, batch, latent)
    opt = torch.optim.Adam(model.parameters(), lr=spec["lr"])
    losses = []
    model.train()
    for s in range(steps):
        x = tokens[s * batch : (s + 1) * batch]
        opt.zero_grad()
        mean, logvar = model.encode(x)
        z = mean + (logvar * 0.5).exp() * eps[s]
        loss = elbo_loss(model.reconstruction_nll(x, z), kl(mean, logvar), spec["beta"], spec["free_bits"])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), spec["clip"])
        opt.step()
        losses.append(loss.item())
    rel = [abs(a - b) / abs(b) for a, b in zip(losses, spec["losses"])]
    return {"pytorch_losses": losses, "csharp_losses": spec["losses"], "max_relative_difference": max(rel)}


def load_model(args):
    model = MelodyVae()
    model.load_state_dict(load_safetensors(os.path.join(args.dir, "model.safetensors")))
    model.eval()
    return model


def seed_tokens(args):
    with open(os.path.join(args.dir, "seed.json")) as f:
        return torch.tensor(json.load(f), dtype=torch.int64).view(1, 32)


def train(args):
    batch = args.batch
    warmup = (1 if batch >= 512 else 2) if args.quick else (2 if batch >= 512 else 5)
    timed = (2 if batch >= 512 else 8) if args.quick else (8 if batch >= 512 else 40)
    tokens = windows(os.path.join(args.dir, "tokens.i64"), batch * 8)
    torch.manual_seed(1)
    model = MelodyVae()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(3)
    model.train()
    start = None
    for s in range(warmup + timed):
        if s == warmup:
            start = time.perf_counter()
        x = tokens[(s % 8) * batch : (s % 8 + 1) * batch]
        opt.zero_grad()
        mean, logvar = model.encode(x)
        z = mean + (logvar * 0.5).exp() * torch.randn(mean.shape, generator=g)
        loss = elbo_loss(model.reconstruction_nll(x, z), kl(mean, logvar), 0.2, 0.0)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    elapsed = time.perf_counter() - start
    return {"batch": batch, "steps": timed, "examples_per_s": timed * batch / elapsed, "peak_rss_mb": peak_rss_mb()}


def latency(args):
    model, seed = load_model(args), seed_tokens(args)
    runs = 50 if args.quick else 200
    times = []
    with torch.inference_mode():
        for i in range(10 + runs):
            g = torch.Generator().manual_seed(i)
            t0 = time.perf_counter()
            vary(model, seed, 8, 0.75, 0.5, g)
            if i >= 10:
                times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    pct = lambda p: times[min(len(times) - 1, int(np.ceil(p * len(times))) - 1)]
    return {"runs": runs, "p50_ms": pct(0.5), "p99_ms": pct(0.99)}


def generation(args):
    model, seed = load_model(args), seed_tokens(args)
    out = {}
    with torch.inference_mode():
        for b in (1, 8, 64, 256):
            reps = max(3, (64 if args.quick else 1024) // b)
            vary(model, seed, b, 0.75, 0.5, torch.Generator().manual_seed(0))
            t0 = time.perf_counter()
            for i in range(reps):
                vary(model, seed, b, 0.75, 0.5, torch.Generator().manual_seed(i))
            out[f"b{b}"] = reps * b / (time.perf_counter() - t0)
    return out


def serve(args):
    model, seed = load_model(args), seed_tokens(args)
    requests = 200 if args.quick else 1000
    with torch.inference_mode():
        vary(model, seed, 8, 0.75, 0.5, torch.Generator().manual_seed(0))
        before, tenth = rss_mb(), 0.0
        for i in range(requests):
            vary(model, seed, 8, 0.75, 0.5, torch.Generator().manual_seed(i))
            if i == requests // 10:
                tenth = rss_mb()
    after = rss_mb()
    return {"requests": requests, "rss_mb_before": before, "rss_mb_after_warm": tenth, "rss_mb_after": after,
            "rss_growth_percent": 100 * (after - tenth) / tenth, "peak_rss_mb": peak_rss_mb()}


def cold(args):
    """Process start to first variation: import torch, load the weights, vary a seed 8 times."""
    model, seed = load_model(args), seed_tokens(args)
    with torch.inference_mode():
        vary(model, seed, 8, 0.75, 0.5, torch.Generator().manual_seed(0))
    return {"ok": True}


def blas(args):
    link = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu"
    target = os.path.realpath(link) if os.path.exists(link) else "unknown"
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    a @ b
    t0 = time.perf_counter()
    for _ in range(3):
        a @ b
    ms = (time.perf_counter() - t0) / 3 * 1000
    return {"torch": torch.__version__, "blas": target, "matmul_1024_ms": ms, "threads": torch.get_num_threads()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("phase")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--dir")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    phases = {"equivalence": equivalence, "train": train, "latency": latency, "generation": generation,
              "serve": serve, "cold": cold, "blas": blas}
    print(json.dumps(phases[args.phase](args)))


if __name__ == "__main__":
    main()
