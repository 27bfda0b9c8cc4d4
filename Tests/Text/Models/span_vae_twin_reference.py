#!/usr/bin/python3
"""Independent reference for SpanLatentVaeTwinTests: the PyTorch twin of SpanLatentVae (bench/reference/text_vae.py,
the model the text benchmark runs beside the C# one) computes the same small runs as the test, and this prints the
figures the test pins.

Both sides build their weights, token rows and noise from the closed-form formulas below (no random generator, so
nothing depends on libtorch's generators agreeing across versions; word dropout is off for that reason), take three
Adam steps with gradient clipping on the ELBO over a batch narrower than the model's rows (so the encoder pads to whole
spans, and the short row has spans wholly after its EOS), then encode the batch and decode fixed codes with fixed
uniforms at temperatures 0, 1 and 0.5, and draw posterior-noise codes (the variation engine's neighbourhood for
this kind) around the first row's posterior. The C# side must agree to float32 rounding, and on every decoded token.

Run: /usr/bin/python3 Tests/Text/Models/span_vae_twin_reference.py
(apt-get install -y python3-torch libopenblas0-pthread). The test pins the printed numbers.
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "bench", "reference"))
import text_vae  # noqa: E402

torch.set_num_threads(1)

SHAPE = dict(vocab=16, max_tokens=10, pad=0, bos=1, eos=2, embedding=6, encoder_hidden=5, decoder_hidden=7,
             decoder_layers=1, latent=3, word_dropout=0.0)
# The cases of the test (keep in step with SpanLatentVaeTwinTests.Cases): spans of 2 (5 spans, the last one padded)
# with LSTM cells, of 3 (3 spans) with GRU cells.
CASES = {"lstm-2": dict(cell="lstm", span_tokens=2), "gru-3": dict(cell="gru", span_tokens=3)}
LENGTHS = (3, 6, 5)  # tokens per row before EOS: the batch is 8 positions wide, the model's rows 10
STEPS, LR, CLIP, BETA, FREE_BITS = 3, 0.01, 1.0, 1.0, 0.25
SIMILARITY = 0.75


def weights(model):
    """Parameter k in name order (ordinal), element j: sin(0.37 j + 1.1 k + 0.2) x (3 / sqrt(columns) for a matrix,
    0.3 for a vector), computed in float64 and stored as float32."""
    with torch.no_grad():
        named = dict(model.named_parameters())
        for k, name in enumerate(sorted(named)):
            p = named[name]
            scale = 3 / math.sqrt(p.shape[1]) if p.dim() == 2 else 0.3
            j = torch.arange(p.numel(), dtype=torch.float64)
            p.copy_((torch.sin(0.37 * j + 1.1 * k + 0.2) * scale).view(p.shape).float())


def rows():
    """Row i: BOS, tokens 3 + (5 i + 3 t) mod 13 for t < LENGTHS[i], EOS, then padding to the longest row."""
    width = max(LENGTHS) + 2
    out = torch.full([len(LENGTHS), width], SHAPE["pad"], dtype=torch.int64)
    for i, n in enumerate(LENGTHS):
        out[i, 0] = SHAPE["bos"]
        for t in range(n):
            out[i, t + 1] = 3 + (5 * i + 3 * t) % 13
        out[i, n + 1] = SHAPE["eos"]
    return out


def noise(rows_, cols, phase):
    """Stand-ins for normal draws: 1.5 sin(0.9 r + 1.7 c + phase)."""
    r = torch.arange(rows_, dtype=torch.float64).view(-1, 1)
    c = torch.arange(cols, dtype=torch.float64).view(1, -1)
    return (1.5 * torch.sin(0.9 * r + 1.7 * c + phase)).float()


def uniform(shape):
    """Stand-ins for uniform draws in (0, 1): frac(0.6180339887 (e + 1)) for element e in order."""
    e = torch.arange(math.prod(shape), dtype=torch.float64)
    return torch.frac(0.6180339887 * (e + 1)).float().view(shape)


def run(name):
    model = text_vae.SpanLatentVae(**SHAPE, **CASES[name])
    weights(model)
    x = rows()
    params = list(model.parameters())
    opt = torch.optim.Adam(params, lr=LR)
    print(f"{name}: {model.spans} spans, code size {model.code_size}")
    model.train()
    for step in range(STEPS):
        opt.zero_grad()
        mean, logvar = model.encode(x)
        z = mean + logvar.mul(0.5).exp() * noise(x.shape[0], model.code_size, step)
        rec, _, _ = model.reconstruct(x, z)
        kl = text_vae.kl(mean, logvar)
        loss = text_vae.elbo_loss(rec, kl, BETA, FREE_BITS)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, CLIP)
        opt.step()
        print(f"  step {step}: loss {loss.item()!r} reconstruction {rec.mean().item()!r} kl {kl.mean().item()!r} "
              f"gradient norm {norm.item()!r}")
    model.eval()
    with torch.no_grad():
        mean, logvar = model.encode(x)
        print(f"  posterior mean sum {mean.double().sum().item()!r} log-variance sum {logvar.double().sum().item()!r}")
        empty = mean.view(x.shape[0], model.spans, model.latent).eq(0).all(2)
        print(f"  empty spans per row {empty.sum(1).tolist()}")
        temperatures = torch.tensor([0.0, 1.0, 0.5])
        decoded = model.generate(noise(3, model.code_size, 5.0), uniform([3, SHAPE["max_tokens"]]), temperatures)
        print(f"  decoded {decoded.tolist()}")
        # Posterior noise around row 0 (the variation engine's draw for this kind): mu + spread (1 - s) sigma eps.
        z = text_vae.vary_codes(model, x.narrow(0, 0, 1), 3, SIMILARITY, noise(3, model.code_size, 7.0))
        print(f"  varied code sum {z.double().sum().item()!r}")
        varied = model.generate(z, uniform([3, SHAPE["max_tokens"]]), torch.full([3], 0.5))
        print(f"  varied {varied.tolist()}")
        print(f"  weight sum {sum(p.double().sum() for p in params).item()!r}")


for case in CASES:
    run(case)
