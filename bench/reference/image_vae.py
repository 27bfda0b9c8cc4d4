"""PyTorch twin of VaeCreative's ConvVae (Generator.Core/Models/ConvVae.cs) and its image objective.

Same layers and parameter names (so TorchSharp's safetensors load as-is), same maths, operation for operation:
stride-2 4x4 convolutions (padding 1) with ReLU down to a feature map, dense layers to mu and log-variance, a dense
layer (ReLU) back to the feature map and transposed convolutions up, ReLU between them. Pixels are independent given
z: Bernoulli (one logit per value; binary_cross_entropy_with_logits) or a discretised logistic per value (means then
log-scales along the channels; Core's DiscretizedLogistic, after PixelCNN++). Initialisation is PyTorch's default,
uniform +-1/sqrt(fan-in) for weights and biases, drawn from one generator in the C# model's order (initialization_order):
libtorch's CPU generator draws the same numbers in PyTorch 1.13 as in TorchSharp, so ConvVae(..., generator=seeded(s))
holds the C# model's initial weights for seed s. (The twin run still loads the C# side's exported weights.)
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from latent import elbo_loss, kl, slerp  # noqa: F401 (kl and elbo_loss are used through this module too)

MIN_LOG_SCALE = -7.0


class ConvVae(nn.Module):
    def __init__(self, channels=1, height=28, width=28, conv_channels=(32, 64), latent=32, likelihood="bernoulli",
                 generator=None):
        super().__init__()
        if likelihood not in ("bernoulli", "logistic"):
            raise ValueError(f"unknown likelihood {likelihood!r}")
        self.channels, self.height, self.width, self.latent = channels, height, width, latent
        self.likelihood = likelihood
        per_channel = 2 if likelihood == "logistic" else 1
        # Same registration order and names as the C# fields (the safetensors names are the field names).
        down, c_in = [], channels
        for i, c in enumerate(conv_channels):
            down.append((f"conv{i}", nn.Conv2d(c_in, c, 4, stride=2, padding=1)))
            down.append((f"act{i}", nn.ReLU()))
            c_in = c
        self.encoder = nn.Sequential(_ordered(down))
        factor = 1 << len(conv_channels)
        self.feature_shape = (conv_channels[-1], height // factor, width // factor)
        features = self.feature_shape[0] * self.feature_shape[1] * self.feature_shape[2]
        self.toMean = nn.Linear(features, latent)
        self.toLogVariance = nn.Linear(features, latent)
        self.fromLatent = nn.Linear(latent, features)
        up = []
        for i in range(len(conv_channels) - 1, -1, -1):
            c_out = channels * per_channel if i == 0 else conv_channels[i - 1]
            up.append((f"deconv{i}", nn.ConvTranspose2d(conv_channels[i], c_out, 4, stride=2, padding=1)))
            if i > 0:
                up.append((f"act{i}", nn.ReLU()))
        self.decoder = nn.Sequential(_ordered(up))
        if generator is not None:
            self.initialize(generator)

    @staticmethod
    def from_spec(spec, generator=None):
        return ConvVae(spec["channels"], spec["height"], spec["width"], tuple(spec["convChannels"]), spec["latentSize"],
                       spec["likelihood"], generator)

    def initialization_order(self):
        """The weighted layers in the order the C# ConvVae draws their initial weights (ConvVae.InitializationOrder):
        the dense layers (mu, log-variance, decoder input), the encoder's convolutions, the decoder's."""
        convs = [m for m in self.encoder if isinstance(m, nn.Conv2d)]
        deconvs = [m for m in self.decoder if isinstance(m, nn.ConvTranspose2d)]
        return [self.toMean, self.toLogVariance, self.fromLatent] + convs + deconvs

    def initialize(self, generator):
        """Uniform +-1/sqrt(fan-in), weight then bias, layer by layer (a transposed convolution's fan-in is its
        weight's second dimension times the kernel area, as PyTorch computes it)."""
        with torch.no_grad():
            for m in self.initialization_order():
                w = m.weight
                fan_in = w.shape[1] * (w.shape[2] * w.shape[3] if w.dim() > 2 else 1)
                bound = 1.0 / math.sqrt(fan_in)
                w.uniform_(-bound, bound, generator=generator)
                m.bias.uniform_(-bound, bound, generator=generator)

    def encode(self, images):
        h = self.encoder(images).flatten(1)
        return self.toMean(h), self.toLogVariance(h)

    def decode(self, z):
        h = F.relu(self.fromLatent(z)).view(z.shape[0], *self.feature_shape)
        return self.decoder(h)

    def reconstruction_nll(self, images, z):
        """-log p(x | z) per image [batch]."""
        out = self.decode(z)
        if self.likelihood == "logistic":
            mean, log_scale = out.split(self.channels, 1)
            return discretized_logistic_log_prob(images, mean, log_scale).flatten(1).sum(1).neg()
        return F.binary_cross_entropy_with_logits(out, images, reduction="none").flatten(1).sum(1)

    def generate(self, z, uniform, temperatures):
        """Pixel values in [0, 1], as the C# Generate with per-row noise: Bernoulli probabilities (temperature 0) or
        draws u < p; logistic centres on the 256 levels (temperature 0) or draws with scaled scales."""
        out = self.decode(z)
        if self.likelihood == "logistic":
            mean, log_scale = out.split(self.channels, 1)
            return discretized_logistic_sample(mean, log_scale, uniform, temperatures)
        p = torch.sigmoid(out)
        sample_row = temperatures.gt(0).view(-1, 1, 1, 1)
        return torch.where(sample_row, uniform.lt(p).to(p.dtype), p)


def _ordered(items):
    from collections import OrderedDict
    return OrderedDict(items)


def discretized_logistic_log_prob(values, mean, log_scale):
    """Core's DiscretizedLogistic.LogProbability, operation for operation."""
    x = values.mul(2.0).sub(1.0)
    clamped = log_scale.clamp_min(MIN_LOG_SCALE)
    centred = x.sub(mean)
    inverse_scale = clamped.neg().exp()
    plus_in = inverse_scale.mul(centred.add(1.0 / 255.0))
    minus_in = inverse_scale.mul(centred.sub(1.0 / 255.0))
    log_cdf_plus = plus_in.sub(F.softplus(plus_in))
    log_one_minus_cdf_minus = F.softplus(minus_in).neg()
    cdf_delta = plus_in.sigmoid().sub(minus_in.sigmoid())
    middle_in = inverse_scale.mul(centred)
    log_pdf_middle = middle_in.sub(clamped).sub(F.softplus(middle_in).mul(2.0))
    inner = torch.where(cdf_delta.gt(1e-5), cdf_delta.clamp_min(1e-12).log(), log_pdf_middle.sub(math.log(127.5)))
    return torch.where(x.lt(-0.999), log_cdf_plus, torch.where(x.gt(0.999), log_one_minus_cdf_minus, inner))


def discretized_logistic_sample(mean, log_scale, uniform, temperatures):
    u = uniform.clamp(1e-6, 1.0 - 1e-6)
    logistic = u.log().sub(u.neg().log1p())
    t = temperatures.to(mean.dtype).view(-1, *([1] * (mean.dim() - 1)))
    x = mean.add(log_scale.clamp_min(MIN_LOG_SCALE).exp().mul(logistic).mul(t)).clamp(-1.0, 1.0)
    return x.add(1.0).mul(0.5).mul(255.0).round().div(255.0)


def importance_weighted_nll(model, images, samples, generator, chunk=500):
    """-log p(x) per image [batch], estimated with `samples` draws from q(z | x) (Burda et al. 2016):
    -(logsumexp_k [log p(x | z_k) + log p(z_k) - log q(z_k | x)] - log K). Done in float64 after the decoder."""
    mean, logvar = model.encode(images)
    std = logvar.mul(0.5).exp()
    out = []
    half_log_2pi = 0.5 * math.log(2 * math.pi)
    for i in range(images.shape[0]):
        terms = []
        for start in range(0, samples, chunk):
            k = min(chunk, samples - start)
            eps = torch.randn([k, model.latent], generator=generator)
            z = mean[i].unsqueeze(0) + std[i].unsqueeze(0) * eps
            x = images[i].unsqueeze(0).expand(k, *images.shape[1:])
            log_px = model.reconstruction_nll(x, z).neg().double()
            log_pz = (z.double().pow(2).mul(-0.5) - half_log_2pi).sum(1)
            log_qz = (eps.double().pow(2).mul(-0.5) - logvar[i].double().mul(0.5) - half_log_2pi).sum(1)
            terms.append(log_px + log_pz - log_qz)
        w = torch.cat(terms)
        out.append(-(torch.logsumexp(w, 0) - math.log(samples)))
    return torch.stack(out)


def vary(model, seed, count, similarity, temperature, generator):
    """The variation engine's vary for an image seed [1, C, H, W]: encode, slerp(mu, eps, 1 - similarity), decode;
    its random numbers in its order (the code noise, then one uniform per row and value)."""
    mean, _ = model.encode(seed)
    means = mean.repeat(count, 1)
    noise = torch.randn(means.shape, generator=generator)
    z = slerp(means, noise, torch.full([count, 1], 1.0 - similarity))
    uniform = torch.rand([count, model.channels, model.height, model.width], generator=generator)
    return model.generate(z, uniform, torch.full([count], temperature))
