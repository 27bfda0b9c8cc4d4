#!/usr/bin/python3
"""PyTorch twin of the sprite model's variation path (scripts/sprites-twin.sh drives it).

Reads what `vaecreative-bench sprites-export` wrote: the network in diffusers' format (config.json and
diffusion_pytorch_model.safetensors, loaded into bench/reference/autoencoder_kl.py's AutoencoderKL), the likelihood's
shape (sprites.json), the seeds as the model sees them (seeds.f32) and the C# model's temperature-0 reconstruction of
each (reconstructions.f32).

- Equivalence: this twin's reconstruction (encode, decode the posterior mean, the mixture's mode) must give the same
  8-bit values as the C# model's; it reports how many values differ and by how many levels at most.
- Latency: 8 variations of each seed, as the C# engine makes them: encode, μ + spread × (1 − similarity) × σ ⊙ ε for
  each of the 8, decode in one batch, each pixel's likeliest component's centre.

    python3 bench/reference/sprites_twin.py --dir DIR [--threads 2]
Prints one JSON object.
"""

import argparse
import json
import os
import struct
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from autoencoder_kl import AutoencoderKL  # noqa: E402

MIN_LOG_SCALE = -7.0


def load_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", f"{name}: {entry['dtype']}"
        start, end = entry["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[start:end]), dtype=torch.float32).reshape(entry["shape"])
    return out


def mixture_mode(parameters, channels, components):
    """Each pixel's likeliest component's centre (Generator.Image's LogisticMixture.Mode), values in [-1, 1]."""
    k = components
    component = parameters[:, :k].argmax(1, keepdim=True)

    def pick(offset):
        return parameters[:, offset:offset + k].gather(1, component)

    values = []
    for c in range(channels):
        mean = pick(k * (1 + c))
        index = c * (c - 1) // 2
        for earlier in range(c):
            mean = mean + torch.tanh(pick(k * (1 + 2 * channels + index))) * values[earlier]
            index += 1
        values.append(((mean.clamp(-1, 1) + 1) * 127.5).round() / 127.5 - 1)
    return torch.cat(values, 1)


def vary(model, seed, spec, generator):
    mean, log_variance = model.encode(seed * 2 - 1)
    std = (0.5 * log_variance).exp()
    count = spec["count"]
    noise = torch.randn((count,) + tuple(mean.shape[1:]), generator=generator)
    z = mean + spec["spread"] * (1 - spec["similarity"]) * std * noise
    parameters = model.decode(z)
    return (mixture_mode(parameters, spec["channels"], spec["components"]) + 1) / 2


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    spec = json.load(open(os.path.join(args.dir, "sprites.json")))
    config = json.load(open(os.path.join(args.dir, "config.json")))
    model = AutoencoderKL(config)
    state = load_safetensors(os.path.join(args.dir, "diffusion_pytorch_model.safetensors"))
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        sys.exit(f"sprites_twin: weights do not match the architecture (missing {missing}, unexpected {unexpected})")
    model.eval()
    n, c, side = len(spec["seeds"]), spec["channels"], spec["side"]
    seeds = torch.from_file(os.path.join(args.dir, "seeds.f32"), size=n * c * side * side, dtype=torch.float32).view(n, c, side, side)
    expected = torch.from_file(os.path.join(args.dir, "reconstructions.f32"), size=n * c * side * side, dtype=torch.float32).view(n, c, side, side)
    with torch.inference_mode():
        mean, _ = model.encode(seeds * 2 - 1)
        mine = (mixture_mode(model.decode(mean), c, spec["components"]) + 1) / 2
        levels = ((mine - expected) * 255).round().abs()
        times = []
        for s in range(n):
            seed = seeds[s:s + 1]
            for i in range(spec["warmup"] + spec["runs"]):
                g = torch.Generator().manual_seed(i)
                t0 = time.perf_counter()
                vary(model, seed, spec, g)
                if i >= spec["warmup"]:
                    times.append((time.perf_counter() - t0) * 1000)
    times.sort()

    def percentile(q):
        return times[min(len(times) - 1, int(q * len(times)))]

    print(json.dumps({
        "seeds": n,
        "runs_per_seed": spec["runs"],
        "values": int(levels.numel()),
        "values_differing": int((levels > 0).sum()),
        "max_level_difference": int(levels.max()),
        "p50_ms": percentile(0.5),
        "p90_ms": percentile(0.9),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
