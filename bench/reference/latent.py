"""Core's objective and latent-space arithmetic in PyTorch, operation for operation, shared by the text and image
twins (bench/reference/text_vae.py, image_vae.py): the KL of a diagonal Gaussian posterior to N(0, I), the ELBO with
free bits (Core's ElboTerms) and spherical interpolation (Core's Slerp)."""
import math

import torch


def kl(mean, logvar):
    """KL(q || N(0, I)) per row, in the C# DiagonalGaussian's operation order."""
    return logvar.exp().add(mean.pow(2)).sub(1.0).sub(logvar).sum(-1).mul(0.5)


def elbo_loss(recon, kl_per, beta, free_bits):
    """Core's ElboTerms: mean over rows of reconstruction + beta * max(KL - free nats, 0)."""
    free_nats = free_bits * math.log(2.0)
    return recon.add(kl_per.sub(free_nats).clamp_min(0.0).mul(beta)).mean()


def slerp(a, b, t):
    """Core's Slerp.Interpolate with one t per row ([n, 1]), operation for operation."""
    a_unit = a / a.norm(dim=1, keepdim=True).clamp_min(1e-12)
    b_unit = b / b.norm(dim=1, keepdim=True).clamp_min(1e-12)
    cos = (a_unit * b_unit).sum(1, keepdim=True).clamp(-1.0, 1.0)
    omega = cos.acos()
    sin_omega = omega.sin()
    nearly_parallel = sin_omega.abs().lt(1e-6)
    safe_sin = torch.where(nearly_parallel, torch.ones_like(sin_omega), sin_omega)
    one_minus_t = t.neg().add(1.0)
    wa = torch.where(nearly_parallel, one_minus_t, (one_minus_t * omega).sin() / safe_sin)
    wb = torch.where(nearly_parallel, t, (t * omega).sin() / safe_sin)
    return (wa * a).add(wb * b)
