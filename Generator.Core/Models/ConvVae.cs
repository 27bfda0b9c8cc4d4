using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Posteriors;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VaeCreative.Core.Models;

/// <summary>
/// A convolutional VAE for images with values in [0, 1], shape [batch, channels, height, width]:
/// stride-2 convolutions down to a feature map, dense layers to μ and log σ², and the mirror image with
/// transposed convolutions back up. Pixels are modelled as independent Bernoullis (logits out).
/// </summary>
public sealed class ConvVae : nn.Module<Tensor, Tensor>, IVaeModel
{
    private readonly Sequential encoder;
    private readonly Linear toMean;
    private readonly Linear toLogVariance;
    private readonly Linear fromLatent;
    private readonly Sequential decoder;
    private readonly long[] featureShape;

    /// <summary>Builds the model with freshly initialised weights.</summary>
    public ConvVae(ConvVaeOptions options) : base(nameof(ConvVae))
    {
        Settings = options.Validate();
        var channels = options.ConvChannels;
        var down = new List<(string, nn.Module<Tensor, Tensor>)>();
        var inChannels = (long)options.Channels;
        for (var i = 0; i < channels.Length; i++)
        {
            down.Add(($"conv{i}", nn.Conv2d(inChannels, channels[i], 4, stride: 2, padding: 1)));
            down.Add(($"act{i}", nn.ReLU()));
            inChannels = channels[i];
        }
        encoder = nn.Sequential(down);
        var factor = 1 << channels.Length;
        featureShape = [channels[^1], options.Height / factor, options.Width / factor];
        var features = featureShape[0] * featureShape[1] * featureShape[2];
        toMean = nn.Linear(features, options.LatentSize);
        toLogVariance = nn.Linear(features, options.LatentSize);
        fromLatent = nn.Linear(options.LatentSize, features);
        var up = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (var i = channels.Length - 1; i >= 0; i--)
        {
            var outChannels = i == 0 ? options.Channels : channels[i - 1];
            up.Add(($"deconv{i}", nn.ConvTranspose2d(channels[i], outChannels, 4, stride: 2, padding: 1)));
            if (i > 0) up.Add(($"act{i}", nn.ReLU()));
        }
        decoder = nn.Sequential(up);
        RegisterComponents();
    }

    /// <summary>The model's sizes.</summary>
    public ConvVaeOptions Settings { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <summary>The kind's name in manifests.</summary>
    public const string KindName = "conv-vae";

    /// <inheritdoc />
    public int LatentSize => Settings.LatentSize;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    object IVaeModel.Options => Settings;

    /// <summary>Reconstruction logits with z = μ.</summary>
    public override Tensor forward(Tensor images) => Decode(Encode(images).Mean);

    /// <inheritdoc />
    public DiagonalGaussian Encode(Tensor images)
    {
        CheckImages(images);
        var h = encoder.forward(images).flatten(1);
        return new DiagonalGaussian(toMean.forward(h), toLogVariance.forward(h));
    }

    /// <summary>Pixel logits [batch, channels, height, width] for z.</summary>
    public Tensor Decode(Tensor z)
    {
        var h = F.relu(fromLatent.forward(z)).view(z.shape[0], featureShape[0], featureShape[1], featureShape[2]);
        return decoder.forward(h);
    }

    /// <inheritdoc />
    public Reconstruction Reconstruct(Tensor images, Tensor z, ReconstructionSettings settings)
    {
        CheckImages(images);
        var logits = Decode(z);
        var nll = F.binary_cross_entropy_with_logits(logits, images, reduction: nn.Reduction.None).flatten(1).sum(1);
        return new Reconstruction(nll, null, null);
    }

    /// <summary>Pixel probabilities in [0, 1] (temperature 0), or a Bernoulli draw of them (temperature &gt; 0).</summary>
    public Tensor Generate(Tensor z, GenerationSettings settings)
    {
        var probabilities = sigmoid(Decode(z));
        if (settings.Uniform is { } u)
        {
            using var zero = 0.ToScalar(); // held, not temporary: see Scalars
            var sampleRow = (settings.Temperatures ?? throw new ArgumentException("per-row noise needs per-row temperatures."))
                .gt(zero).view(-1, 1, 1, 1);
            return where(sampleRow, u.lt(probabilities).to(probabilities.dtype), probabilities);
        }
        return settings.Temperature <= 0 ? probabilities : probabilities.bernoulli(settings.Generator);
    }

    /// <inheritdoc />
    public long[] RowNoiseShape => [Settings.Channels, Settings.Height, Settings.Width];

    private void CheckImages(Tensor images)
    {
        var s = Settings;
        if (images.dim() != 4 || images.shape[1] != s.Channels || images.shape[2] != s.Height || images.shape[3] != s.Width)
            throw new ArgumentException(
                $"expected images of shape [batch, {s.Channels}, {s.Height}, {s.Width}]; got [{string.Join(", ", images.shape)}].");
    }
}
