"""PyTorch twin of VaeCreative's SequenceVae (Generator.Core/Models/SequenceVae.cs).

Same layers, same parameter names (so TorchSharp's safetensors load as-is), same maths:
BiLSTM encoder -> mu, log-variance; z -> tanh(dense) -> decoder initial (h, c); z concatenated to
every decoder input; previous-token one-hot inputs (zeros at t = 0); LSTM decoder; linear logits.
"""
import json
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class MelodyVae(nn.Module):
    def __init__(self, vocab=90, steps=32, enc_hidden=512, enc_layers=1, dec_hidden=256, dec_layers=2, latent=256):
        super().__init__()
        self.vocab, self.steps, self.latent = vocab, steps, latent
        self.dec_hidden, self.dec_layers = dec_hidden, dec_layers
        self.encoder = nn.LSTM(vocab, enc_hidden, enc_layers, batch_first=True, bidirectional=True)
        self.toMean = nn.Linear(2 * enc_hidden, latent)
        self.toLogVariance = nn.Linear(2 * enc_hidden, latent)
        self.toDecoderState = nn.Linear(latent, 2 * dec_layers * dec_hidden)
        self.decoder = nn.LSTM(vocab + latent, dec_hidden, dec_layers, batch_first=True)
        self.toLogits = nn.Linear(dec_hidden, vocab)

    def one_hot(self, tokens):
        return F.one_hot(tokens, self.vocab).to(self.toLogits.weight.dtype)

    def encode(self, tokens):
        _, (h, _) = self.encoder(self.one_hot(tokens))
        summary = torch.cat([h[-2], h[-1]], 1)
        return self.toMean(summary), self.toLogVariance(summary)

    def initial_state(self, z):
        s = torch.tanh(self.toDecoderState(z)).view(z.shape[0], 2, self.dec_layers, self.dec_hidden).permute(1, 2, 0, 3)
        return s[0].contiguous(), s[1].contiguous()

    def teacher_forced_logits(self, tokens, z):
        b, t = tokens.shape
        previous = F.pad(self.one_hot(tokens)[:, : t - 1, :], (0, 0, 1, 0))
        inputs = torch.cat([previous, z.unsqueeze(1).expand(b, t, z.shape[1])], 2)
        out, _ = self.decoder(inputs, self.initial_state(z))
        return self.toLogits(out)

    def reconstruction_nll(self, tokens, z):
        logits = self.teacher_forced_logits(tokens, z)
        nll = F.cross_entropy(logits.reshape(-1, self.vocab), tokens.reshape(-1), reduction="none")
        return nll.view(tokens.shape).sum(1)

    def generate(self, z, temperature=0.0, generator=None):
        return decode(self, z, self.initial_state(z), self.steps, temperature, generator)


def decode(model, code, state, steps, temperature, generator):
    """Autoregressive decoding shared by the twins: each row starts from an empty input, `code` goes with every
    input, the next token is the argmax (temperature 0) or a sample at `temperature`. Returns [rows, steps]."""
    inp = torch.zeros(code.shape[0], 1, model.vocab, dtype=code.dtype)
    step = code.unsqueeze(1)
    out_tokens = []
    for _ in range(steps):
        out, state = model.decoder(torch.cat([inp, step], 2), state)
        logits = model.toLogits(out.squeeze(1))
        if temperature <= 0:
            nxt = logits.argmax(-1)
        else:
            nxt = torch.multinomial(F.softmax(logits / temperature, -1), 1, generator=generator).squeeze(-1)
        out_tokens.append(nxt)
        inp = model.one_hot(nxt.unsqueeze(1))
    return torch.stack(out_tokens, 1)


def kl(mean, logvar):
    return 0.5 * (logvar.exp() + mean.square() - 1.0 - logvar).sum(-1)


def elbo_loss(recon, kl_per, beta, free_bits):
    free_nats = free_bits * np.log(2.0)
    return (recon + beta * (kl_per - free_nats).clamp_min(0.0)).mean()


def slerp(a, b, t):
    au = a / a.norm(dim=1, keepdim=True).clamp_min(1e-12)
    bu = b / b.norm(dim=1, keepdim=True).clamp_min(1e-12)
    omega = (au * bu).sum(1, keepdim=True).clamp(-1, 1).acos()
    so = omega.sin()
    parallel = so.abs() < 1e-6
    safe = torch.where(parallel, torch.ones_like(so), so)
    wa = torch.where(parallel, 1 - t * torch.ones_like(so), ((1 - t) * omega).sin() / safe)
    wb = torch.where(parallel, t * torch.ones_like(so), (t * omega).sin() / safe)
    return wa * a + wb * b


def vary(model, seed_tokens, count, similarity, temperature, generator):
    mean, _ = model.encode(seed_tokens)
    means = mean.repeat(count, 1)
    noise = torch.randn(means.shape, generator=generator)
    z = slerp(means, noise, 1.0 - similarity)
    return model.generate(z, temperature, generator)


_DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "F16": np.float16}


def load_safetensors(path):
    """Minimal safetensors reader (8-byte little-endian header length, JSON header, raw data)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    data = raw[8 + n :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        arr = np.frombuffer(data[start:end], dtype=_DTYPES[info["dtype"]]).reshape(info["shape"])
        tensors[name] = torch.from_numpy(arr.copy())
    return tensors
