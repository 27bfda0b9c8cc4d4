"""PyTorch twin of Stable Diffusion's VAE (diffusers' AutoencoderKL), written here from the architecture, with the
parameter names of diffusers' state dict, so that its weights load into the C# model (Generator.Image's
AutoencoderKl) and both can be compared.

Run as a script it writes the loading fixture the tests read (Tests/Image/Fixtures/autoencoder-kl-tiny):
    python3 bench/reference/autoencoder_kl.py [OUT_DIR]
- config.json and diffusion_pytorch_model.safetensors: a tiny random configuration, as diffusers saves a model;
- expected.safetensors: an input image batch (odd sizes: not multiples of the downsampling) and what this twin gives
  for it: the posterior's mean and log-variance, the decoded mean, and the decode of a given latent.

Needs only PyTorch (Debian's python3-torch 1.13); safetensors are written by hand (the format is a JSON header).
"""

import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class ResnetBlock2D(nn.Module):
    def __init__(self, channels_in, channels_out, groups, eps=1e-6):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, channels_in, eps=eps)
        self.conv1 = nn.Conv2d(channels_in, channels_out, 3, padding=1)
        self.norm2 = nn.GroupNorm(groups, channels_out, eps=eps)
        self.conv2 = nn.Conv2d(channels_out, channels_out, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(channels_in, channels_out, 1) if channels_in != channels_out else None

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.conv_shortcut(x) if self.conv_shortcut is not None else x) + h


class Attention(nn.Module):
    """One head over all positions, with a group norm before and the input added after (the VAE's mid-block attention)."""

    def __init__(self, channels, groups, eps=1e-6):
        super().__init__()
        self.group_norm = nn.GroupNorm(groups, channels, eps=eps)
        self.to_q = nn.Linear(channels, channels)
        self.to_k = nn.Linear(channels, channels)
        self.to_v = nn.Linear(channels, channels)
        self.to_out = nn.ModuleList([nn.Linear(channels, channels)])

    def forward(self, x):
        b, c, h, w = x.shape
        seq = self.group_norm(x).view(b, c, h * w).transpose(1, 2)
        q, k, v = self.to_q(seq), self.to_k(seq), self.to_v(seq)
        weights = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(c), dim=-1)
        out = self.to_out[0](weights @ v).transpose(1, 2).reshape(b, c, h, w)
        return out + x


class MidBlock(nn.Module):
    def __init__(self, channels, groups, attention=True):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(channels, channels, groups), ResnetBlock2D(channels, channels, groups)])
        self.attentions = nn.ModuleList([Attention(channels, groups)]) if attention else None

    def forward(self, x):
        x = self.resnets[0](x)
        if self.attentions is not None:
            x = self.attentions[0](x)
        return self.resnets[1](x)


class Downsample(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class Upsample(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Block(nn.Module):
    def __init__(self, channels_in, channels_out, layers, groups, down=False, up=False):
        super().__init__()
        self.resnets = nn.ModuleList(
            [ResnetBlock2D(channels_in if i == 0 else channels_out, channels_out, groups) for i in range(layers)])
        if down:
            self.downsamplers = nn.ModuleList([Downsample(channels_out)])
        if up:
            self.upsamplers = nn.ModuleList([Upsample(channels_out)])

    def forward(self, x):
        for r in self.resnets:
            x = r(x)
        for s in getattr(self, "downsamplers", []) or getattr(self, "upsamplers", []):
            x = s(x)
        return x


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        ch = c["block_out_channels"]
        groups = c["norm_num_groups"]
        self.conv_in = nn.Conv2d(c["in_channels"], ch[0], 3, padding=1)
        self.down_blocks = nn.ModuleList()
        out = ch[0]
        for i in range(len(ch)):
            inp, out = out, ch[i]
            self.down_blocks.append(Block(inp, out, c["layers_per_block"], groups, down=i < len(ch) - 1))
        self.mid_block = MidBlock(ch[-1], groups, c.get("mid_block_add_attention", True))
        self.conv_norm_out = nn.GroupNorm(groups, ch[-1], eps=1e-6)
        self.conv_out = nn.Conv2d(ch[-1], 2 * c["latent_channels"], 3, padding=1)

    def forward(self, x):
        x = self.conv_in(x)
        for b in self.down_blocks:
            x = b(x)
        return self.conv_out(F.silu(self.conv_norm_out(self.mid_block(x))))


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        ch = list(reversed(c["block_out_channels"]))
        groups = c["norm_num_groups"]
        self.conv_in = nn.Conv2d(c["latent_channels"], ch[0], 3, padding=1)
        self.mid_block = MidBlock(ch[0], groups, c.get("mid_block_add_attention", True))
        self.up_blocks = nn.ModuleList()
        out = ch[0]
        for i in range(len(ch)):
            inp, out = out, ch[i]
            self.up_blocks.append(Block(inp, out, c["layers_per_block"] + 1, groups, up=i < len(ch) - 1))
        self.conv_norm_out = nn.GroupNorm(groups, ch[-1], eps=1e-6)
        self.conv_out = nn.Conv2d(ch[-1], c["out_channels"], 3, padding=1)

    def forward(self, z):
        x = self.mid_block(self.conv_in(z))
        for b in self.up_blocks:
            x = b(x)
        return self.conv_out(F.silu(self.conv_norm_out(x)))


class AutoencoderKL(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        latent = config["latent_channels"]
        self.encoder = Encoder(config)
        self.decoder = Decoder(config)
        self.quant_conv = nn.Conv2d(2 * latent, 2 * latent, 1) if config.get("use_quant_conv", True) else None
        self.post_quant_conv = nn.Conv2d(latent, latent, 1) if config.get("use_post_quant_conv", True) else None

    def encode(self, x):
        """The posterior's mean and log-variance (clamped to [-30, 20], as diffusers does)."""
        h = self.encoder(x)
        if self.quant_conv is not None:
            h = self.quant_conv(h)
        mean, log_variance = h.chunk(2, dim=1)
        return mean, log_variance.clamp(-30.0, 20.0)

    def decode(self, z):
        if self.post_quant_conv is not None:
            z = self.post_quant_conv(z)
        return self.decoder(z)


DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}


def save_safetensors(path, tensors, metadata=None):
    """Writes tensors in the safetensors layout: u64 header length, JSON header, then each tensor's bytes."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        data = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


TINY = {
    "_class_name": "AutoencoderKL",
    "_diffusers_version": "0.30.0",
    "in_channels": 3,
    "out_channels": 3,
    "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
    "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"],
    "block_out_channels": [8, 16, 16],
    "layers_per_block": 1,
    "act_fn": "silu",
    "latent_channels": 4,
    "norm_num_groups": 4,
    "sample_size": 32,
    "scaling_factor": 0.18215,
    "force_upcast": True,
}


def main(out_dir):
    torch.manual_seed(20261207)
    model = AutoencoderKL(TINY).eval()
    with torch.no_grad():
        # Random but not tiny weights, so a misplaced parameter changes the figures by far more than rounding.
        for p in model.parameters():
            p.uniform_(-0.4, 0.4)
        images = torch.rand(2, 3, 13, 10) * 2 - 1  # odd sizes: not multiples of the downsampling
        mean, log_variance = model.encode(images)
        decoded = model.decode(mean)
        latent = torch.randn(1, 4, 3, 5)
        from_latent = model.decode(latent)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(TINY, f, indent=2)
        f.write("\n")
    save_safetensors(os.path.join(out_dir, "diffusion_pytorch_model.safetensors"), model.state_dict(), {"format": "pt"})
    save_safetensors(os.path.join(out_dir, "expected.safetensors"), {
        "images": images, "mean": mean, "log_variance": log_variance, "decoded": decoded,
        "latent": latent, "from_latent": from_latent,
    }, {"torch": torch.__version__})
    print(f"wrote {out_dir}: {sum(p.numel() for p in model.parameters())} parameters; "
          f"mean {tuple(mean.shape)}, decoded {tuple(decoded.shape)}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Image", "Fixtures", "autoencoder-kl-tiny"))
