#!/usr/bin/python3
"""Independent reference for LatentEvaluationTests.Matches_the_PyTorch_reference.

Recomputes LatentEvaluation's figures for the toy linear-Gaussian VAE of the test with PyTorch's own
distributions (torch.distributions.Normal log-densities and KL, He et al. 2019's calc_mi written as they
broadcast it), drawing the same samples: example i's epsilon is randn([K, D], float64) from a CPU generator
seeded with StableSeed.Derive(seed, LatentEvaluation.SamplingStream, i) (SplitMix64, reimplemented below).
libtorch's CPU normal generator gives the same numbers in PyTorch 1.13 (Debian's python3-torch) as in
TorchSharp 0.107, so the figures must agree to float64 rounding.

Run: /usr/bin/python3 Tests/Core/Evaluation/latent_evaluation_reference.py
(apt-get install -y python3-torch libopenblas0-pthread). The test pins the printed numbers.
"""
import math

import torch
from torch.distributions import Normal, kl_divergence

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix(state):
    z = (state + GOLDEN) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def derive(seed, stream, index):
    v = mix(mix(mix(seed & MASK) ^ stream) ^ index)
    return v - (1 << 64) if v >= 1 << 63 else v  # C#'s (long) cast


# The toy model and data of the test (keep in step with LatentEvaluationTests.ReferenceModel / ReferenceData).
N, D, K, SEED, STREAM = 10, 3, 16, 7, 0x1E5A
A = torch.tensor([0.5, 0.8, 0.02], dtype=torch.float64)    # posterior mean = A * x
B = torch.tensor([0.25, -0.1, 0.0], dtype=torch.float64)   # log-variance = C + B * x
C = torch.tensor([-1.0, -0.5, -2.0], dtype=torch.float64)
S2 = 0.5                                                     # p(x|z) = N(z, S2 I), p(z) = N(0, I)
x = torch.tensor([[1.5 * math.sin(1.3 * i + 0.7 * d + 0.1) for d in range(D)] for i in range(N)], dtype=torch.float64)

mu = A * x
logvar = C + B * x
sigma = (0.5 * logvar).exp()
prior = Normal(torch.zeros(D, dtype=torch.float64), torch.ones(D, dtype=torch.float64))

nll, recon, first = [], [], []
g = torch.Generator()
for i in range(N):
    g.manual_seed(derive(SEED, STREAM, i))
    eps = torch.randn(K, D, dtype=torch.float64, generator=g)
    z = mu[i] + sigma[i] * eps
    first.append(z[0])
    log_px_z = Normal(z, math.sqrt(S2)).log_prob(x[i]).sum(-1)
    log_w = log_px_z + prior.log_prob(z).sum(-1) - Normal(mu[i], sigma[i]).log_prob(z).sum(-1)
    nll.append(-(torch.logsumexp(log_w, 0) - math.log(K)))
    recon.append(-log_px_z.mean())
nll = torch.stack(nll)
kl = kl_divergence(Normal(mu, sigma), Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1)

# He et al. (2019), calc_mi, over all N examples; z_samples are each example's first importance sample.
z_samples = torch.stack(first).unsqueeze(1)                   # [N, 1, D]
neg_entropy = (-0.5 * D * math.log(2 * math.pi) - 0.5 * (1 + logvar).sum(-1)).mean()
dev = z_samples - mu.unsqueeze(0)                            # [N, N, D]
log_density = -0.5 * ((dev ** 2) / logvar.exp().unsqueeze(0)).sum(-1) - 0.5 * (D * math.log(2 * math.pi) + logvar.sum(-1).unsqueeze(0))
log_qz = torch.logsumexp(log_density, 1) - math.log(N)
mi = neg_entropy - log_qz.mean()

exact = (0.5 * D * math.log(2 * math.pi * (1 + S2)) + (x ** 2).sum(-1) / (2 * (1 + S2))).mean()
print("torch", torch.__version__)
print("nll_nats", repr(nll.mean().item()))
print("kl_nats", repr(kl.mean().item()))
print("elbo_nats", repr((torch.stack(recon) + kl).mean().item()))
print("mutual_information_nats", repr(mi.item()))
print("posterior_mean_variances", [repr(v) for v in mu.var(0, unbiased=True).tolist()])
print("exact_nll_nats", repr(exact.item()))
