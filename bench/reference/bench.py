#!/usr/bin/python3
"""PyTorch side of the benchmark suite; each phase prints one JSON object (see bench/run.sh).

Runs with Debian's python3-torch. The melody model is bench/reference/melody_vae.py, the identical twin of
the C# SequenceVae at the default (cat-mel_2bar_small) configuration; the text phases (text-*) use
bench/reference/text_vae.py, the twin of the C# SentenceVae or SpanLatentVae (the kind the C# side exports), with the
shape and weights the C# side exports.
"""
import argparse
import json
import math
import os
import resource
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from melody_vae import MelodyVae, elbo_loss, kl, load_safetensors, vary  # noqa: E402
from hier_vae import HierarchicalMelodyVae  # noqa: E402
import text_vae  # noqa: E402
import image_vae  # noqa: E402


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def windows(path, count, steps=32):
    data = np.fromfile(path, dtype=np.int64)
    return torch.from_numpy(data[: count * steps].copy()).view(count, steps)


def make_model(directory):
    """The twin at the shape the C# side wrote into the folder (shape.json: the drums model, or with "kind":
    "hierarchical" the 16-bar melody model), else the 2-bar melody model's."""
    path = os.path.join(directory, "shape.json")
    if os.path.exists(path):
        with open(path) as f:
            shape = json.load(f)
        if shape.pop("kind", None) == "hierarchical":
            return HierarchicalMelodyVae(**shape)
        return MelodyVae(**shape)
    return MelodyVae()


def equivalence(args):
    spec = json.load(open(os.path.join(args.dir, "spec.json")))
    steps, batch, latent = spec["steps"], spec["batch"], spec["latent"]
    model = make_model(args.dir)
    state = load_safetensors(os.path.join(args.dir, "init.safetensors"))
    missing = set(model.state_dict()) ^ set(state)
    if missing:
        raise SystemExit(f"parameter names differ between C# and PyTorch: {sorted(missing)}")
    model.load_state_dict(state)
    tokens = windows(os.path.join(args.dir, "tokens.i64"), steps * batch, model.steps)
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
    model = make_model(args.dir)
    model.load_state_dict(load_safetensors(os.path.join(args.dir, "model.safetensors")))
    model.eval()
    return model


def seed_tokens(args):
    with open(os.path.join(args.dir, "seed.json")) as f:
        return torch.tensor(json.load(f), dtype=torch.int64).view(1, -1)


def train(args):
    batch = args.batch
    warmup = (1 if batch >= 512 else 2) if args.quick else (2 if batch >= 512 else 5)
    timed = (2 if batch >= 512 else 8) if args.quick else (8 if batch >= 512 else 40)
    torch.manual_seed(1)
    model = make_model(args.dir)
    tokens = windows(os.path.join(args.dir, "tokens.i64"), batch * 8, model.steps)
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
    return {"torch": torch.__version__, "blas": target, "matmul_1024_ms": ms, "threads": torch.get_num_threads(),
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default")}


def percentiles(times, *ps):
    times = sorted(times)
    return [times[min(len(times) - 1, int(np.ceil(p * len(times))) - 1)] for p in ps]


def text_spec(d):
    with open(os.path.join(d, "text.json")) as f:
        return json.load(f)


def text_rows(path, count, width):
    data = np.fromfile(path, dtype=np.int64)
    return torch.from_numpy(data[: count * width].copy()).view(count, width)


def text_batch(rows, pad):
    """A training batch as the C# TextDataset gives one: as wide as its longest row."""
    width = int(rows.ne(pad).sum(1).max())
    return rows.narrow(1, 0, width).contiguous()


def floats(path, shape=None):
    t = torch.from_numpy(np.fromfile(path, dtype=np.float32).copy())
    return t if shape is None else t.view(*shape)


def check_neighbourhood(model, variation):
    """The C# engine's neighbourhood for this model (exported) must be the one the twin's vary_codes draws in."""
    neighbourhood = variation.get("neighbourhood", "prior-slerp")
    if neighbourhood != model.neighbourhood:
        raise SystemExit(f"the C# engine varies a {model.kind} by {neighbourhood}; the twin by {model.neighbourhood}")
    return variation.get("posterior_noise_spread", text_vae.POSTERIOR_NOISE_SPREAD)


def load_text_model(spec, path):
    model = text_vae.from_spec(spec["model"])
    state = load_safetensors(path)
    differ = set(model.state_dict()) ^ set(state)
    if differ:
        raise SystemExit(f"parameter names differ between C# and PyTorch: {sorted(differ)}")
    model.load_state_dict(state)
    return model


def ordered_parameters(model, spec):
    """The parameters in the C# module's order: the gradient-clipping norm sums their norms in this order."""
    named = dict(model.named_parameters())
    return [named[n] for n in spec["parameter_order"]]


def gradient_differences(spec, params, flat):
    """Per parameter (C# order), the largest difference between its gradient here and the C# side's."""
    out, offset = {}, 0
    for name, p in zip(spec["parameter_order"], params):
        n = p.numel()
        out[name] = float((p.grad.reshape(-1) - flat[offset : offset + n]).abs().max())
        offset += n
    if offset != flat.numel():
        raise SystemExit("the C# gradients do not match the parameter shapes")
    return out


def text_equivalence(args):
    """Same initial weights, batches, reparameterisation noise and word-dropout uniforms as the C# side; Adam steps;
    then the C# side's exported model varies the seed from the C# side's noise and the twin decodes the same."""
    d = args.dir
    with open(os.path.join(d, "spec.json")) as f:
        spec = json.load(f)
    m = spec["model"]
    steps, batch, pad = spec["steps"], spec["batch"], m["pad"]
    model = load_text_model(spec, os.path.join(d, "init.safetensors"))
    params = ordered_parameters(model, spec)
    rows = text_rows(os.path.join(d, "tokens.i64"), steps * batch, m["max_tokens"])
    eps = floats(os.path.join(d, "eps.f32"), (steps, batch, model.code_size))
    dropout = floats(os.path.join(d, "dropout.f32"))
    opt = torch.optim.Adam(params, lr=spec["lr"])
    losses, widths, offset = [], [], 0
    model.train()
    for s in range(steps):
        x = text_batch(rows[s * batch : (s + 1) * batch], pad)
        widths.append(x.shape[1])
        n = batch * (x.shape[1] - 1)
        u = dropout[offset : offset + n].view(batch, x.shape[1] - 1)
        offset += n
        opt.zero_grad()
        mean, logvar = model.encode(x)
        z = mean + logvar.mul(0.5).exp() * eps[s]
        nll, _, _ = model.reconstruct(x, z, dropout_uniform=u)
        loss = text_vae.elbo_loss(nll, text_vae.kl(mean, logvar), spec["beta"], spec["free_bits"])
        loss.backward()
        if s == 0:
            gradient_diff = gradient_differences(spec, params, floats(os.path.join(d, "gradients0.f32")))
        torch.nn.utils.clip_grad_norm_(params, spec["clip"])
        opt.step()
        losses.append(loss.item())
    if widths != spec["widths"] or offset != dropout.numel():
        raise SystemExit(f"batch widths differ: C# {spec['widths']}, PyTorch {widths}")
    after = load_safetensors(os.path.join(d, "after.safetensors"))
    with torch.no_grad():
        weights_diff = max(float((p - after[n]).abs().max()) for n, p in model.state_dict().items())

    # Generation: the exported model, the C# side's code noise and per-position uniforms.
    v = spec["vary"]
    shared = load_text_model(spec, v["weights"])
    shared.eval()
    spread = check_neighbourhood(shared, v)
    count, latent, width = v["count"], shared.code_size, m["max_tokens"]
    noise = floats(os.path.join(d, "vary_noise.f32"), (count, latent))
    uniform = floats(os.path.join(d, "vary_uniform.f32"), (count, width))
    cs_tokens = text_rows(os.path.join(d, "vary_tokens.i64"), count, width)
    seed = torch.tensor(v["seed"], dtype=torch.int64).view(1, width)
    with torch.inference_mode():
        mean, logvar = shared.encode(seed)
        z = text_vae.vary_codes(shared, seed, count, v["similarity"], noise, spread)
        tokens = shared.generate(z, uniform, torch.full([count], v["temperature"]))
        g = torch.Generator().manual_seed(v["rng"])
        same_streams = bool(torch.equal(torch.randn([count, latent], generator=g), noise)
                            and torch.equal(torch.rand([count, width], generator=g), uniform))
    cs_mean = floats(os.path.join(d, "vary_mean.f32"))
    cs_stddev_path = os.path.join(d, "vary_stddev.f32")
    stddev_diff = float((logvar.mul(0.5).exp().view(-1) - floats(cs_stddev_path)).abs().max()) \
        if os.path.exists(cs_stddev_path) else None
    abs_diff = [abs(a - b) for a, b in zip(losses, spec["losses"])]
    rel = [x / abs(b) for x, b in zip(abs_diff, spec["losses"])]
    return {
        "pytorch_losses": losses,
        "csharp_losses": spec["losses"],
        "max_abs_difference": max(abs_diff),
        "max_relative_difference": max(rel),
        "weights_max_abs_difference": weights_diff,
        "model_kind": shared.kind,
        "neighbourhood": shared.neighbourhood,
        "seed_mean_max_abs_difference": float((mean.view(-1) - cs_mean).abs().max()),
        "seed_stddev_max_abs_difference": stddev_diff,
        "vary_positions": int(tokens.numel()),
        "vary_positions_differing": int(tokens.ne(cs_tokens).sum()),
        "rng_streams_identical": same_streams,
        "first_step_gradient_max_abs_difference": gradient_diff,
    }


def text_train(args):
    spec = text_spec(args.dir)
    m = spec["model"]
    batch = args.batch
    warmup, timed = (2, 8) if args.quick else (5, 40)
    rows = text_rows(os.path.join(args.dir, "tokens.i64"), batch * 8, m["max_tokens"])
    torch.manual_seed(1)
    model = text_vae.from_spec(m)
    params = ordered_parameters(model, spec)
    t = spec["training"]
    opt = torch.optim.Adam(params, lr=t["learning_rate"])
    g = torch.Generator().manual_seed(3)
    model.train()
    start, targets = None, 0
    for s in range(warmup + timed):
        if s == warmup:
            start = time.perf_counter()
        x = text_batch(rows[(s % 8) * batch : (s % 8 + 1) * batch], m["pad"])
        opt.zero_grad()
        mean, logvar = model.encode(x)
        z = mean + logvar.mul(0.5).exp() * torch.randn(mean.shape, generator=g)
        nll, _, total = model.reconstruct(x, z, generator=g)
        loss = text_vae.elbo_loss(nll, text_vae.kl(mean, logvar), t["beta"], t["free_bits"])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, t["clip"])
        opt.step()
        loss.item()
        if s >= warmup:
            targets += total
    elapsed = time.perf_counter() - start
    return {"batch": batch, "steps": timed, "examples_per_s": timed * batch / elapsed,
            "target_tokens_per_s": targets / elapsed, "peak_rss_mb": peak_rss_mb()}


def text_latency(args):
    """8 variations of the seed, per run: encode, draw the codes (slerp, or posterior noise for a span model),
    decode. Each run decodes the noise the C# engine draws for the same rng (exported), so both sides decode the same
    tokens for the same number of steps."""
    spec = text_spec(args.dir)
    m, lat = spec["model"], spec["latency"]
    model = load_text_model(spec, os.path.join(args.dir, "model.safetensors"))
    model.eval()
    spread = check_neighbourhood(model, spec.get("variation", {}))
    count, width, latent = lat["count"], m["max_tokens"], model.code_size
    warmup, runs = lat["warmup"], lat["quick_runs"] if args.quick else lat["runs"]
    per_run = count * (latent + width)
    noise = floats(os.path.join(args.dir, "latency_noise.f32"))
    if noise.numel() < (warmup + runs) * per_run:
        raise SystemExit("latency_noise.f32 holds fewer runs than asked")
    seed = torch.tensor(spec["seed"], dtype=torch.int64).view(1, width)
    temperatures = torch.full([count], lat["temperature"])
    times, generated = [], 0
    with torch.inference_mode():
        for i in range(warmup + runs):
            chunk = noise[i * per_run : (i + 1) * per_run]
            eps = chunk[: count * latent].view(count, latent)
            uniform = chunk[count * latent :].view(count, width)
            t0 = time.perf_counter()
            z = text_vae.vary_codes(model, seed, count, lat["similarity"], eps, spread)
            out = model.generate(z, uniform, temperatures)
            if i >= warmup:
                times.append((time.perf_counter() - t0) * 1000)
                generated += int(out.narrow(1, 1, width - 1).ne(m["pad"]).sum())
    p50, p95, p99 = percentiles(times, 0.5, 0.95, 0.99)
    return {"runs": runs, "p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "generated_tokens": generated}


MASK = (1 << 64) - 1


def _mix(state):
    z = (state + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def stable_seed(seed, stream, index):
    """Core's StableSeed.Derive (SplitMix64 over seed, stream and index), as the unsigned seed a generator takes."""
    return _mix(_mix(_mix(seed & MASK) ^ (stream & MASK)) ^ (index & MASK))


def image_spec(d):
    with open(os.path.join(d, "image.json")) as f:
        return json.load(f)


def image_data(d, name, spec, count=None):
    """Exported images (one byte k per value) as float32 k / 255, [n, C, H, W]."""
    m = spec["model"]
    per = m["channels"] * m["height"] * m["width"]
    raw = np.fromfile(os.path.join(d, name), dtype=np.uint8)
    n = raw.size // per if count is None else count
    return torch.from_numpy(raw[: n * per].copy()).view(n, m["channels"], m["height"], m["width"]).float().div_(255.0)


def load_image_model(spec, path):
    model = image_vae.ConvVae.from_spec(spec["model"])
    state = load_safetensors(path)
    differ = set(model.state_dict()) ^ set(state)
    if differ:
        raise SystemExit(f"parameter names differ between C# and PyTorch: {sorted(differ)}")
    model.load_state_dict(state)
    return model


def held_out_figures(model, images, batch=1000):
    """-ELBO, reconstruction and KL per image at z = mu (the C# trainer's validation: no sampling), means."""
    model.eval()
    recon = kl_sum = 0.0
    with torch.inference_mode():
        for s in range(0, images.shape[0], batch):
            x = images[s : s + batch]
            mean, logvar = model.encode(x)
            recon += float(model.reconstruction_nll(x, mean).double().sum())
            kl_sum += float(image_vae.kl(mean, logvar).double().sum())
    n = images.shape[0]
    return {"elbo_nats": (recon + kl_sum) / n, "reconstruction_nats": recon / n, "kl_nats": kl_sum / n}


def importance_weighted(model, images, samples, seed, dims):
    """The importance-weighted NLL of every image (Burda et al.), with its mean, bits/dim and the sampled -ELBO."""
    model.eval()
    g = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    with torch.inference_mode():
        nll = torch.cat([image_vae.importance_weighted_nll(model, images[s : s + 100], samples, g)
                         for s in range(0, images.shape[0], 100)])
    mean = float(nll.mean())
    return {"importance_samples": samples, "nll_nats": mean, "bits_per_dim": mean / (dims * math.log(2)),
            "seconds": time.perf_counter() - t0}


def image_twin(args):
    """Trains the PyTorch twin as the C# run trained: from the exported initial weights, on the exported batches,
    with the C# trainer's reparameterisation noise (a generator seeded with StableSeed(seed, sampling, step)),
    learning-rate schedule, beta, free bits and clipping; then evaluates the twin and the C# model's exported weights
    with the same importance-weighted estimator on the held-out images."""
    d, out = args.dir, args.out
    os.makedirs(out, exist_ok=True)
    spec = image_spec(d)
    t, m = spec["training"], spec["model"]
    steps = args.steps or t["steps"]
    model = load_image_model(spec, os.path.join(d, "init.safetensors"))
    params = [dict(model.named_parameters())[n] for n in spec["parameter_order"]]
    train_images = image_data(d, "train.u8", spec)
    held = image_data(d, "test.u8", spec)
    order = np.memmap(os.path.join(d, "order.i32"), dtype=np.int32, mode="r").reshape(-1, t["batch"])
    if order.shape[0] < steps:
        raise SystemExit(f"order.i32 holds {order.shape[0]} steps; asked for {steps}")
    opt = torch.optim.Adam(params, lr=t["learning_rate"])
    curve = open(os.path.join(out, "twin-metrics.jsonl"), "w")
    model.train()
    t0 = time.perf_counter()
    window = []
    for step in range(steps):
        lr = max(t["min_learning_rate"], t["learning_rate"] * t["learning_rate_decay"] ** step)
        for group in opt.param_groups:
            group["lr"] = lr
        x = train_images.index_select(0, torch.from_numpy(order[step].astype(np.int64)))
        g = torch.Generator().manual_seed(stable_seed(t["seed"], t["sampling_stream"], step))
        opt.zero_grad()
        mean, logvar = model.encode(x)
        z = mean + logvar.mul(0.5).exp() * torch.randn(mean.shape, generator=g)
        rec = model.reconstruction_nll(x, z)
        kl_per = image_vae.kl(mean, logvar)
        loss = image_vae.elbo_loss(rec, kl_per, t["beta"], t["free_bits"])
        loss.backward()
        if t["clip"] > 0:
            torch.nn.utils.clip_grad_norm_(params, t["clip"])
        opt.step()
        window.append(loss.item())
        done = step + 1
        line = None
        if done <= 10 or done % 100 == 0:
            line = {"step": done, "loss": window[-1] if done <= 10 else sum(window) / len(window), "learning_rate": lr,
                    "examples_per_s": done * t["batch"] / (time.perf_counter() - t0)}
            window = []
        if done % t["validate_every"] == 0 or done == steps:
            line = dict(line or {"step": done}, split="validation", **held_out_figures(model, held))
            model.train()
        if line:
            curve.write(json.dumps(line) + "\n")
            curve.flush()
            if done % 1000 == 0 or done == steps:
                print(json.dumps(line), file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - t0
    curve.close()
    torch.save(model.state_dict(), os.path.join(out, "twin.pt"))
    dims = spec["dimensions"]
    twin = dict(held_out_figures(model, held), **importance_weighted(model, held, args.samples, 1, dims))
    csharp_model = load_image_model(spec, os.path.join(d, "model.safetensors"))
    csharp = dict(held_out_figures(csharp_model, held), **importance_weighted(csharp_model, held, args.samples, 1, dims))
    return {"steps": steps, "batch": t["batch"], "train_seconds": elapsed, "held_out_images": held.shape[0],
            "dimensions": dims, "twin": twin, "csharp_weights": csharp,
            "nll_relative_difference": (csharp["nll_nats"] - twin["nll_nats"]) / twin["nll_nats"]}


def image_eval(args):
    """The importance-weighted held-out NLL of the exported trained C# weights (or --weights) with the twin's estimator."""
    spec = image_spec(args.dir)
    model = load_image_model(spec, args.weights or os.path.join(args.dir, "model.safetensors"))
    held = image_data(args.dir, "test.u8", spec)
    return dict(held_out_figures(model, held), **importance_weighted(model, held, args.samples, 1, spec["dimensions"]))


def image_train(args):
    spec = image_spec(args.dir)
    t = spec["training"]
    batch = args.batch
    warmup, timed = (2, 10) if args.quick else (5, 60)
    images = image_data(args.dir, "train.u8", spec, batch * 8)
    model = image_vae.ConvVae.from_spec(spec["model"], torch.Generator().manual_seed(1))
    params = [dict(model.named_parameters())[n] for n in spec["parameter_order"]]
    opt = torch.optim.Adam(params, lr=t["learning_rate"])
    g = torch.Generator().manual_seed(3)
    model.train()
    start = None
    for s in range(warmup + timed):
        if s == warmup:
            start = time.perf_counter()
        x = images[(s % 8) * batch : (s % 8 + 1) * batch]
        opt.zero_grad()
        mean, logvar = model.encode(x)
        z = mean + logvar.mul(0.5).exp() * torch.randn(mean.shape, generator=g)
        loss = image_vae.elbo_loss(model.reconstruction_nll(x, z), image_vae.kl(mean, logvar), t["beta"], t["free_bits"])
        loss.backward()
        if t["clip"] > 0:
            torch.nn.utils.clip_grad_norm_(params, t["clip"])
        opt.step()
        loss.item()
    elapsed = time.perf_counter() - start
    return {"batch": batch, "steps": timed, "examples_per_s": timed * batch / elapsed, "peak_rss_mb": peak_rss_mb()}


def image_latency(args):
    """8 variations of the first held-out image with the trained weights: encode, slerp, decode."""
    spec = image_spec(args.dir)
    lat = spec["latency"]
    model = load_image_model(spec, os.path.join(args.dir, "model.safetensors"))
    model.eval()
    seed = image_data(args.dir, "test.u8", spec, 1)
    runs = lat["quick_runs"] if args.quick else lat["runs"]
    times = []
    with torch.inference_mode():
        for i in range(lat["warmup"] + runs):
            g = torch.Generator().manual_seed(i)
            t0 = time.perf_counter()
            image_vae.vary(model, seed, lat["count"], lat["similarity"], lat["temperature"], g)
            if i >= lat["warmup"]:
                times.append((time.perf_counter() - t0) * 1000)
    p50, p95, p99 = percentiles(times, 0.5, 0.95, 0.99)
    return {"runs": runs, "p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "peak_rss_mb": peak_rss_mb()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("phase")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--dir")
    p.add_argument("--out")
    p.add_argument("--steps", type=int, default=0)
    p.add_argument("--samples", type=int, default=500)
    p.add_argument("--weights")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    phases = {"equivalence": equivalence, "train": train, "latency": latency, "generation": generation,
              "serve": serve, "cold": cold, "blas": blas,
              "text-equivalence": text_equivalence, "text-train": text_train, "text-latency": text_latency,
              "image-twin": image_twin, "image-eval": image_eval, "image-train": image_train, "image-latency": image_latency}
    print(json.dumps(phases[args.phase](args)))


if __name__ == "__main__":
    main()
