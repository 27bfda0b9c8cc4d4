using TorchSharp;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
using VaeCreative.Core.Variation;
using static TorchSharp.torch;

namespace VaeCreative.Image.Models;

/// <summary>
/// An image VAE with a spatial latent: Stable Diffusion's <see cref="AutoencoderKl"/>, fully convolutional, so an image
/// of any size (sides multiples of the <see cref="SpatialImageVaeOptions.Downsampling"/>) is encoded to a latent
/// [latent_channels, height / d, width / d] and decoded at its own size. Its decoder gives a
/// <see cref="LogisticMixture"/> per pixel, whose mode is one of its components' colours rather than a blend of them.
/// </summary>
/// <remarks>
/// <para>
/// Inputs and outputs are [batch, channels, height, width] of values in [0, 1] on the 256-level grid, as the image
/// modality's encoding writes them; the network sees them in [−1, 1], as Stable Diffusion's VAE does. Latents keep their
/// spatial shape all the way through the variation engine (<see cref="IVaeModel.LatentShape"/>).
/// </para>
/// <para>
/// With <see cref="SpatialImageVaeOptions.Components"/> 0 the decoder gives the image itself (a Stable Diffusion VAE's
/// weights): such a model encodes, decodes and varies, but has no likelihood to train or score.
/// </para>
/// </remarks>
public sealed class SpatialImageVae : IVaeModel
{
    /// <summary>The manifest's model kind.</summary>
    public const string KindName = "autoencoder-kl";

    private readonly AutoencoderKl network;
    private readonly LogisticMixture? mixture;

    /// <summary>An untrained model of <paramref name="options"/> (PyTorch's default initialisation from libtorch's global generator).</summary>
    public SpatialImageVae(SpatialImageVaeOptions options)
    {
        Settings = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        network = new AutoencoderKl(options.ToConfig());
        mixture = options.Components == 0 ? null : new LogisticMixture(options.Channels, options.Components);
    }

    /// <summary>A model around <paramref name="network"/>, already built (a Stable Diffusion VAE read from its files): <paramref name="options"/> must describe it.</summary>
    public SpatialImageVae(SpatialImageVaeOptions options, AutoencoderKl network)
    {
        Settings = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        this.network = network ?? throw new ArgumentNullException(nameof(network));
        var expected = options.ToConfig();
        if (network.Config.InChannels != expected.InChannels || network.Config.OutChannels != expected.OutChannels
            || network.Config.LatentChannels != expected.LatentChannels || !network.Config.BlockOutChannels.SequenceEqual(expected.BlockOutChannels))
            throw new ArgumentException("the network's shape does not match the options.", nameof(network));
        mixture = options.Components == 0 ? null : new LogisticMixture(options.Channels, options.Components);
    }

    /// <summary>The model's shape.</summary>
    public SpatialImageVaeOptions Settings { get; }

    /// <summary>The network, under diffusers' parameter names.</summary>
    public AutoencoderKl Network => network;

    /// <summary>Whether the decoder gives a likelihood (trainable, scorable) rather than the image itself.</summary>
    public bool HasLikelihood => mixture is not null;

    /// <inheritdoc />
    public string Kind => KindName;

    /// <summary>Latent values of a prior sample at the training side: latent_channels × (side / d)².</summary>
    public int LatentSize => (int)LatentShape.Aggregate(1L, (a, b) => a * b);

    /// <inheritdoc />
    public long[] LatentShape => [Settings.LatentChannels, Settings.Side / Settings.Downsampling, Settings.Side / Settings.Downsampling];

    /// <inheritdoc />
    public nn.Module Module => network;

    /// <inheritdoc />
    public object Options => Settings;

    /// <inheritdoc />
    public long[] RowNoiseShape => [1 + Settings.Channels, Settings.Side, Settings.Side];

    /// <inheritdoc />
    public long[] RowNoiseShapeOf(Tensor codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var d = Settings.Downsampling;
        return [1 + Settings.Channels, codes.shape[^2] * d, codes.shape[^1] * d];
    }

    /// <inheritdoc />
    public long? DimensionsPerExample => (long)Settings.Channels * Settings.Side * Settings.Side;

    /// <inheritdoc />
    /// <remarks>
    /// Noise scaled by each latent value's posterior σ: a spatial latent's values each say what is at one place, and σ
    /// says how much the decoder cares; slerp toward a prior draw would move every place at once.
    /// </remarks>
    public VariationNeighbourhood Neighbourhood => VariationNeighbourhood.PosteriorNoise;

    /// <inheritdoc />
    public DiagonalGaussian Encode(Tensor input)
    {
        CheckImages(input);
        using var scope = NewDisposeScope();
        var posterior = network.EncodeTiled(input.mul(2).sub(1), Settings.Tile, Settings.TileOverlap);
        return new DiagonalGaussian(posterior.Mean.MoveToOuterDisposeScope(), posterior.LogVariance.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    /// <remarks>KL summed over every latent value (channels and places).</remarks>
    public Tensor Kl(Tensor input, DiagonalGaussian posterior, Tensor z)
    {
        ArgumentNullException.ThrowIfNull(posterior);
        using var scope = NewDisposeScope();
        return new DiagonalGaussian(posterior.Mean.flatten(1), posterior.LogVariance.flatten(1)).KlToStandardNormal().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Reconstruction Reconstruct(Tensor input, Tensor z, ReconstructionSettings settings)
    {
        CheckImages(input);
        var likelihood = mixture ?? throw new NotSupportedException("this model's decoder gives images, not a likelihood (a Stable Diffusion VAE): it cannot be trained or scored here.");
        using var scope = NewDisposeScope();
        var parameters = network.Decode(z);
        return new Reconstruction(likelihood.Nll(parameters, input.mul(2).sub(1)).MoveToOuterDisposeScope(), null, null);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Temperature 0 gives each pixel's mode; above it, each pixel is drawn with its scale times the temperature. Latents
    /// larger than <see cref="SpatialImageVaeOptions.Tile"/> places are decoded in blended tiles (as images that large are encoded).
    /// </remarks>
    public Tensor Generate(Tensor z, GenerationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(settings);
        using var scope = NewDisposeScope();
        var decoded = network.DecodeTiled(z, Settings.Tile, Settings.TileOverlap);
        Tensor images;
        if (mixture is null)
        {
            images = decoded.clamp(-1, 1).add(1).mul(127.5).round().div(255);
            return images.MoveToOuterDisposeScope();
        }
        if (settings.Uniform is { } uniform)
        {
            var temperatures = settings.Temperatures?.to(ScalarType.Float64).cpu().data<double>().ToArray()
                ?? throw new ArgumentException("per-row noise needs per-row temperatures.", nameof(settings));
            if (temperatures.All(t => t <= 0)) images = mixture.Mode(decoded);
            else
            {
                // Rows sample at their own temperatures, from their own noise: a row's output does not depend on its batch.
                var rows = new Tensor[temperatures.Length];
                for (var r = 0; r < rows.Length; r++)
                    rows[r] = mixture.Sample(decoded.narrow(0, r, 1), temperatures[r], uniform.narrow(0, r, 1).to(decoded.dtype));
                images = cat(rows, 0);
            }
        }
        else
        {
            images = mixture.Sample(decoded, settings.Temperature, generator: settings.Generator);
        }
        return images.add(1).mul(0.5).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the network's tensors.</summary>
    public void Dispose() => network.Dispose();

    private void CheckImages(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var d = Settings.Downsampling;
        if (input.dim() != 4 || input.shape[1] != Settings.Channels)
            throw new ArgumentException($"images must be [batch, {Settings.Channels}, height, width]; got [{string.Join(", ", input.shape)}].");
        if (input.shape[2] % d != 0 || input.shape[3] % d != 0)
            throw new ArgumentException($"image sides must be multiples of {d} (pad them first); got {input.shape[3]}×{input.shape[2]}.");
    }
}
