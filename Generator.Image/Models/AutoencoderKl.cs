using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Posteriors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VaeCreative.Image.Models;

/// <summary>
/// Stable Diffusion's VAE, diffusers' <c>AutoencoderKL</c>: a fully convolutional encoder and decoder of residual
/// blocks with group norm and SiLU, self-attention in the middle, and a diagonal-Gaussian latent of
/// <see cref="AutoencoderKlConfig.LatentChannels"/> channels at 1/<see cref="AutoencoderKlConfig.Downsampling"/> of the
/// image's size. Parameters carry diffusers' state-dict names, so a Stable Diffusion VAE's weights load as they are
/// (<see cref="AutoencoderKlWeights"/>).
/// </summary>
/// <remarks>
/// Any image size goes through; a side that is not a multiple of the downsampling comes out rounded as diffusers rounds
/// it (each level pads its bottom and right edges by one and convolves with stride 2). Callers that need the seed's own
/// size pad first (<see cref="PadToMultiple"/>) and crop after.
/// </remarks>
public sealed class AutoencoderKl : nn.Module
{
    /// <summary>Submodules are registered by hand, under diffusers\' names: fields are not registered again under theirs.</summary>
    protected override void RegisterComponents() { }

    private readonly KlEncoder encoder;
    private readonly KlDecoder decoder;
    private readonly Conv2d? quantConv;
    private readonly Conv2d? postQuantConv;

    /// <summary>Builds the network of <paramref name="config"/> with PyTorch's default initialisation.</summary>
    public AutoencoderKl(AutoencoderKlConfig config) : base(nameof(AutoencoderKl))
    {
        Config = (config ?? throw new ArgumentNullException(nameof(config))).Validate();
        var latent = config.LatentChannels;
        encoder = new KlEncoder(config);
        decoder = new KlDecoder(config);
        register_module("encoder", encoder);
        register_module("decoder", decoder);
        if (config.UseQuantConv) register_module("quant_conv", quantConv = nn.Conv2d(2 * latent, 2 * latent, 1));
        if (config.UsePostQuantConv) register_module("post_quant_conv", postQuantConv = nn.Conv2d(latent, latent, 1));
        // TorchSharp 0.107's GroupNorm leaves its affine weights as allocated (torch.empty: whatever the memory held,
        // NaN at times); PyTorch starts them at 1 and 0.
        using var noGrad = no_grad();
        foreach (var norm in modules().OfType<GroupNorm>())
        {
            norm.weight.fill_(1.0);
            norm.bias?.zero_();
        }
    }

    /// <summary>The network's shape.</summary>
    public AutoencoderKlConfig Config { get; }

    /// <summary>
    /// q(z|x) for images [batch, in_channels, height, width] in [−1, 1]: mean and log-variance [batch, latent_channels,
    /// ⌈height/d⌉, ⌈width/d⌉] for sides that are multiples of d = the downsampling. The log-variance is clamped to
    /// [−30, 20], as diffusers clamps it.
    /// </summary>
    public DiagonalGaussian Encode(Tensor images)
    {
        CheckImages(images, Config.InChannels, "images");
        return Posterior(Moments(images));
    }

    /// <summary>
    /// <see cref="Encode"/> in overlapping tiles of <paramref name="tile"/> latent positions, blended
    /// (<see cref="LatentTiling.Encode"/>): for images too large to encode at once (sides multiples of the
    /// downsampling). No larger than a tile, the same as <see cref="Encode"/>.
    /// </summary>
    public DiagonalGaussian EncodeTiled(Tensor images, int tile = LatentTiling.DefaultTile, int overlap = LatentTiling.DefaultOverlap)
    {
        CheckImages(images, Config.InChannels, "images");
        return Posterior(LatentTiling.Encode(images, Config.Downsampling, Moments, tile, overlap));
    }

    private Tensor Moments(Tensor images)
    {
        var moments = encoder.call(images);
        return quantConv is null ? moments : quantConv.call(moments);
    }

    private static DiagonalGaussian Posterior(Tensor moments)
    {
        var halves = moments.chunk(2, 1);
        return new DiagonalGaussian(halves[0], halves[1].clamp(-30.0, 20.0));
    }

    /// <summary>Images [batch, out_channels, height × d, width × d] (about [−1, 1]) decoded from latents [batch, latent_channels, height, width].</summary>
    public Tensor Decode(Tensor latents)
    {
        CheckImages(latents, Config.LatentChannels, "latents");
        if (postQuantConv is not null) latents = postQuantConv.call(latents);
        return decoder.call(latents);
    }

    /// <summary>
    /// <see cref="Decode"/> in overlapping tiles of <paramref name="tile"/> latent positions, blended
    /// (<see cref="LatentTiling"/>): for latents too large to decode at once. No larger than a tile, the same as
    /// <see cref="Decode"/>.
    /// </summary>
    public Tensor DecodeTiled(Tensor latents, int tile = LatentTiling.DefaultTile, int overlap = LatentTiling.DefaultOverlap)
    {
        CheckImages(latents, Config.LatentChannels, "latents");
        return LatentTiling.Decode(latents, Config.Downsampling, Decode, tile, overlap);
    }

    /// <summary>
    /// <paramref name="images"/> padded on the bottom and right to the next multiple of the downsampling, repeating
    /// the edge pixels (what the convolutions then see at the edge is the image's own border, not black); crop the
    /// decode back to the original size.
    /// </summary>
    public Tensor PadToMultiple(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var d = Config.Downsampling;
        var (height, width) = (images.shape[^2], images.shape[^1]);
        var (bottom, right) = ((d - height % d) % d, (d - width % d) % d);
        return bottom == 0 && right == 0 ? images.alias() : F.pad(images, [0, right, 0, bottom], PaddingModes.Replicate);
    }

    private static void CheckImages(Tensor x, int channels, string what)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4 || x.shape[1] != channels)
            throw new ArgumentException($"{what} must be [batch, {channels}, height, width]; got [{string.Join(", ", x.shape)}].");
    }

    /// <summary>A residual block: two group-norm, SiLU, 3×3-convolution layers, and a 1×1 convolution on the skip where the channels change.</summary>
    private sealed class ResnetBlock : nn.Module<Tensor, Tensor>
    {
        protected override void RegisterComponents() { }

        private readonly GroupNorm norm1, norm2;
        private readonly Conv2d conv1, conv2;
        private readonly Conv2d? shortcut;

        public ResnetBlock(int channelsIn, int channelsOut, int groups) : base(nameof(ResnetBlock))
        {
            register_module("norm1", norm1 = nn.GroupNorm(groups, channelsIn, 1e-6));
            register_module("conv1", conv1 = nn.Conv2d(channelsIn, channelsOut, 3, padding: 1));
            register_module("norm2", norm2 = nn.GroupNorm(groups, channelsOut, 1e-6));
            register_module("conv2", conv2 = nn.Conv2d(channelsOut, channelsOut, 3, padding: 1));
            if (channelsIn != channelsOut) register_module("conv_shortcut", shortcut = nn.Conv2d(channelsIn, channelsOut, 1));
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var h = conv1.call(F.silu(norm1.call(x)));
            h = conv2.call(F.silu(norm2.call(h)));
            return (shortcut?.call(x) ?? x).add(h).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Single-head self-attention over every position, after a group norm, added to its input.</summary>
    private sealed class SelfAttention : nn.Module<Tensor, Tensor>
    {
        protected override void RegisterComponents() { }

        private readonly GroupNorm norm;
        private readonly Linear query, key, value, output;

        public SelfAttention(int channels, int groups) : base(nameof(SelfAttention))
        {
            register_module("group_norm", norm = nn.GroupNorm(groups, channels, 1e-6));
            register_module("to_q", query = nn.Linear(channels, channels));
            register_module("to_k", key = nn.Linear(channels, channels));
            register_module("to_v", value = nn.Linear(channels, channels));
            output = nn.Linear(channels, channels);
            register_module("to_out", nn.ModuleList(output)); // diffusers' to_out is [linear, dropout]: the linear is to_out.0
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var (batch, channels, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
            var sequence = norm.call(x).view(batch, channels, height * width).transpose(1, 2);
            var attended = F.scaled_dot_product_attention(query.call(sequence), key.call(sequence), value.call(sequence));
            var projected = output.call(attended).transpose(1, 2).reshape(batch, channels, height, width);
            return projected.add(x).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The middle: a residual block, self-attention (when configured) and another residual block.</summary>
    private sealed class MidBlock : nn.Module<Tensor, Tensor>
    {
        protected override void RegisterComponents() { }

        private readonly ModuleList<ResnetBlock> resnets;
        private readonly ModuleList<SelfAttention>? attentions;

        public MidBlock(int channels, int groups, bool attention) : base(nameof(MidBlock))
        {
            register_module("resnets", resnets = nn.ModuleList(new ResnetBlock(channels, channels, groups), new ResnetBlock(channels, channels, groups)));
            if (attention) register_module("attentions", attentions = nn.ModuleList(new SelfAttention(channels, groups)));
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            x = resnets[0].call(x);
            if (attentions is not null) x = attentions[0].call(x);
            return resnets[1].call(x).MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// One resolution level: residual blocks, then (except at the last level) a stride-2 3×3 convolution after padding
    /// the bottom and right by one (encoder), or a nearest-neighbour doubling and a 3×3 convolution (decoder).
    /// </summary>
    private sealed class Level : nn.Module<Tensor, Tensor>
    {
        protected override void RegisterComponents() { }

        private readonly ModuleList<ResnetBlock> resnets;
        private readonly Conv2d? downsample, upsample;

        public Level(int channelsIn, int channelsOut, int layers, int groups, bool down, bool up) : base(nameof(Level))
        {
            register_module("resnets", resnets = nn.ModuleList(
                Enumerable.Range(0, layers).Select(i => new ResnetBlock(i == 0 ? channelsIn : channelsOut, channelsOut, groups)).ToArray()));
            if (down)
            {
                downsample = nn.Conv2d(channelsOut, channelsOut, 3, stride: 2);
                register_module("downsamplers", nn.ModuleList(new Sampler(downsample)));
            }
            if (up)
            {
                upsample = nn.Conv2d(channelsOut, channelsOut, 3, padding: 1);
                register_module("upsamplers", nn.ModuleList(new Sampler(upsample)));
            }
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            foreach (var r in resnets) x = r.call(x);
            if (downsample is not null) x = downsample.call(F.pad(x, [0, 1, 0, 1]));
            if (upsample is not null) x = upsample.call(F.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest));
            return x.MoveToOuterDisposeScope();
        }
    }

    /// <summary>Holds a level's resampling convolution under diffusers' name (<c>downsamplers.0.conv</c>, <c>upsamplers.0.conv</c>).</summary>
    private sealed class Sampler : nn.Module
    {
        protected override void RegisterComponents() { }

        public Sampler(Conv2d conv) : base(nameof(Sampler)) => register_module("conv", conv);
    }

    private sealed class KlEncoder : nn.Module<Tensor, Tensor>
    {
        protected override void RegisterComponents() { }

        private readonly Conv2d convIn, convOut;
        private readonly ModuleList<Level> downBlocks;
        private readonly MidBlock midBlock;
        private readonly GroupNorm normOut;

        public KlEncoder(AutoencoderKlConfig c) : base(nameof(KlEncoder))
        {
            var channels = c.BlockOutChannels;
            register_module("conv_in", convIn = nn.Conv2d(c.InChannels, channels[0], 3, padding: 1));
            register_module("down_blocks", downBlocks = nn.ModuleList(Enumerable.Range(0, channels.Length).Select(i =>
                new Level(channels[Math.Max(0, i - 1)], channels[i], c.LayersPerBlock, c.NormNumGroups, down: i < channels.Length - 1, up: false)).ToArray()));
            register_module("mid_block", midBlock = new MidBlock(channels[^1], c.NormNumGroups, c.MidBlockAddAttention));
            register_module("conv_norm_out", normOut = nn.GroupNorm(c.NormNumGroups, channels[^1], 1e-6));
            register_module("conv_out", convOut = nn.Conv2d(channels[^1], 2 * c.LatentChannels, 3, padding: 1));
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            x = convIn.call(x);
            foreach (var level in downBlocks) x = level.call(x);
            return convOut.call(F.silu(normOut.call(midBlock.call(x)))).MoveToOuterDisposeScope();
        }
    }

    private sealed class KlDecoder : nn.Module<Tensor, Tensor>
    {
        protected override void RegisterComponents() { }

        private readonly Conv2d convIn, convOut;
        private readonly ModuleList<Level> upBlocks;
        private readonly MidBlock midBlock;
        private readonly GroupNorm normOut;

        public KlDecoder(AutoencoderKlConfig c) : base(nameof(KlDecoder))
        {
            var channels = c.BlockOutChannels.Reverse().ToArray();
            register_module("conv_in", convIn = nn.Conv2d(c.LatentChannels, channels[0], 3, padding: 1));
            register_module("mid_block", midBlock = new MidBlock(channels[0], c.NormNumGroups, c.MidBlockAddAttention));
            register_module("up_blocks", upBlocks = nn.ModuleList(Enumerable.Range(0, channels.Length).Select(i =>
                new Level(channels[Math.Max(0, i - 1)], channels[i], c.LayersPerBlock + 1, c.NormNumGroups, down: false, up: i < channels.Length - 1)).ToArray()));
            register_module("conv_norm_out", normOut = nn.GroupNorm(c.NormNumGroups, channels[^1], 1e-6));
            register_module("conv_out", convOut = nn.Conv2d(channels[^1], c.OutChannels, 3, padding: 1));
        }

        public override Tensor forward(Tensor z)
        {
            using var scope = NewDisposeScope();
            var x = midBlock.call(convIn.call(z));
            foreach (var level in upBlocks) x = level.call(x);
            return convOut.call(F.silu(normOut.call(x))).MoveToOuterDisposeScope();
        }
    }
}
