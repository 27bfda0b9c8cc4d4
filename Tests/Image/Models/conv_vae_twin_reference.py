#!/usr/bin/python3
"""Independent reference for ConvVaeTwinTests: the PyTorch twin (bench/reference/image_vae.py, the model the
Fashion-MNIST twin run trains) computes the same small runs as the test, and this prints the figures the test pins.

Both sides build their weights, images and noise from the closed-form formulas below (no random generator, so
nothing depends on libtorch's generators agreeing across versions), take three Adam steps with gradient clipping on
the ELBO, then decode fixed codes at temperature 0 and with fixed uniforms. The C# side must agree to float32 rounding.

Run: /usr/bin/python3 Tests/Core/Models/conv_vae_twin_reference.py
(apt-get install -y python3-torch libopenblas0-pthread). The test pins the printed numbers.
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "bench", "reference"))
import image_vae  # noqa: E402

torch.set_num_threads(1)

# The two cases of the test (keep in step with ConvVaeTwinTests.Cases).
CASES = {
    "bernoulli": dict(channels=1, size=8, conv=(4, 8), latent=3, batch=4),
    "logistic": dict(channels=4, size=8, conv=(4, 8), latent=3, batch=3),
}
STEPS, LR, CLIP, BETA, FREE_BITS = 3, 0.01, 1.0, 1.0, 0.25


def weights(model):
    """Parameter k in the model's parameter order (each layer's weight, then its bias), element j:
    sin(0.37 j + 1.1 k + 0.2) / sqrt(fan-in) (a bias takes its weight's fan-in), computed in float64, stored as float32."""
    fan_in = 1
    with torch.no_grad():
        for k, p in enumerate(model.parameters()):
            if p.dim() > 1:
                fan_in = p.shape[1] * (p.shape[2] * p.shape[3] if p.dim() > 2 else 1)
            j = torch.arange(p.numel(), dtype=torch.float64)
            p.copy_((torch.sin(0.37 * j + 1.1 * k + 0.2) / math.sqrt(fan_in)).view(p.shape).float())


def images(case, likelihood):
    c, s, n = case["channels"], case["size"], case["batch"]
    out = torch.zeros(n, c, s, s, dtype=torch.float32)
    for i in range(n):
        for ch in range(c):
            for y in range(s):
                for x in range(s):
                    if likelihood == "bernoulli":
                        out[i, ch, y, x] = 1.0 if (i * 7 + y * 3 + x * 5) % 3 == 0 else 0.0
                    else:
                        out[i, ch, y, x] = ((i * 37 + ch * 11 + y * 13 + x * 7) % 256) / 255.0
    return out


def noise(rows, cols, phase):
    """Stand-ins for normal draws: 1.5 sin(0.9 r + 1.7 c + phase)."""
    r = torch.arange(rows, dtype=torch.float64).view(-1, 1)
    c = torch.arange(cols, dtype=torch.float64).view(1, -1)
    return (1.5 * torch.sin(0.9 * r + 1.7 * c + phase)).float()


def uniform(shape):
    """Stand-ins for uniform draws in (0, 1): frac(0.6180339887 (e + 1)) for element e in order."""
    e = torch.arange(math.prod(shape), dtype=torch.float64)
    return torch.frac(0.6180339887 * (e + 1)).float().view(shape)


def run(likelihood):
    case = CASES[likelihood]
    model = image_vae.ConvVae(case["channels"], case["size"], case["size"], case["conv"], case["latent"], likelihood)
    weights(model)
    x = images(case, likelihood)
    params = list(model.parameters())
    opt = torch.optim.Adam(params, lr=LR)
    print(f"{likelihood}:")
    model.train()
    for step in range(STEPS):
        opt.zero_grad()
        mean, logvar = model.encode(x)
        z = mean + logvar.mul(0.5).exp() * noise(case["batch"], case["latent"], step)
        rec = model.reconstruction_nll(x, z)
        kl = image_vae.kl(mean, logvar)
        loss = image_vae.elbo_loss(rec, kl, BETA, FREE_BITS)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, CLIP)
        opt.step()
        print(f"  step {step}: loss {loss.item()!r} reconstruction {rec.mean().item()!r} kl {kl.mean().item()!r} "
              f"gradient norm {norm.item()!r}")
    model.eval()
    with torch.no_grad():
        z = noise(2, case["latent"], 5.0)
        mode = model.generate(z, uniform([2, case["channels"], case["size"], case["size"]]), torch.zeros(2))
        drawn = model.generate(z, uniform([2, case["channels"], case["size"], case["size"]]), torch.tensor([1.0, 0.5]))
        mean, logvar = model.encode(x)
        print(f"  posterior mean sum {mean.double().sum().item()!r} log-variance sum {logvar.double().sum().item()!r}")
        print(f"  temperature 0 sum {mode.double().sum().item()!r} first {mode.flatten()[0].item()!r} "
              f"last {mode.flatten()[-1].item()!r}")
        print(f"  drawn sum {drawn.double().sum().item()!r}")
        print(f"  weight sum {sum(p.double().sum() for p in params).item()!r}")


for name in CASES:
    run(name)
