using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Models;
using VaeCreative.Core.Posteriors;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VaeCreative.Image.Models;

/// <summary>
/// A convolutional VAE for images with values in [0, 1], shape [batch, channels, height, width]:
/// stride-2 convolutions down to a feature map, dense layers to μ and log σ², and the mirror image with
/// transposed convolutions back up. Pixel values are independent given z: Bernoullis (a logit per value) for binary
/// images, or discretised logistics (a mean and a log-scale per value, <see cref="DiscretizedLogistic"/>) for 8-bit
/// colour and alpha (<see cref="ConvVaeOptions.Likelihood"/>).
/// </summary>
public sealed class ConvVae : nn.Module<Tensor, Tensor>, IVaeModel
{
    private readonly Sequential encoder;
    private readonly Linear toMean;
    private readonly Linear toLogVariance;
    private readonly Linear fromLatent;
    private readonly Sequential decoder;
    private readonly long[] featureShape;

    /// <summary>
    /// Builds the model with freshly initialised weights: PyTorch's defaults, drawn from <paramref name="initialization"/>
    /// when given (layer by layer, encoder first), else from libtorch's global generator. A run that passes its own
    /// generator gets the same weights whatever other threads draw meanwhile.
    /// </summary>
    public ConvVae(ConvVaeOptions options, Generator? initialization = null) : base(nameof(ConvVae))
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
            var outChannels = i == 0 ? options.Channels * options.ParametersPerChannel : channels[i - 1];
            up.Add(($"deconv{i}", nn.ConvTranspose2d(channels[i], outChannels, 4, stride: 2, padding: 1)));
            if (i > 0) up.Add(($"act{i}", nn.ReLU()));
        }
        decoder = nn.Sequential(up);
        RegisterComponents();
        if (initialization is not null) Initialize(initialization);
    }

    /// <summary>
    /// PyTorch's default initialisation (uniform ±1/√fan-in for weights and biases, which is kaiming_uniform with
    /// a = √5), from <paramref name="generator"/>, weight then bias, layer by layer in <see cref="InitializationOrder"/>.
    /// A transposed convolution's fan-in is taken from its weight's second dimension, as PyTorch does.
    /// </summary>
    private void Initialize(Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var (weight, bias) in InitializationOrder())
        {
            var fanIn = weight.shape[1] * (weight.dim() > 2 ? weight.shape[2] * weight.shape[3] : 1);
            var bound = 1.0 / Math.Sqrt(fanIn);
            weight.uniform_(-bound, bound, generator);
            bias.uniform_(-bound, bound, generator);
        }
    }

    /// <summary>
    /// The layers in the order their initial weights are drawn: the dense layers (μ, log σ², then the decoder's input),
    /// the encoder's convolutions, then the decoder's transposed convolutions. This is the order TorchSharp's
    /// <c>modules()</c> listed them in when the bundled models were trained; it is spelled out so that a seeded run
    /// keeps drawing the same weights (bench/reference/image_vae.py follows it).
    /// </summary>
    private IEnumerable<(Tensor Weight, Tensor Bias)> InitializationOrder()
    {
        yield return (toMean.weight!, toMean.bias!);
        yield return (toLogVariance.weight!, toLogVariance.bias!);
        yield return (fromLatent.weight!, fromLatent.bias!);
        foreach (var layer in encoder.children().OfType<Conv2d>()) yield return (layer.weight!, layer.bias!);
        foreach (var layer in decoder.children().OfType<ConvTranspose2d>()) yield return (layer.weight!, layer.bias!);
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

    /// <inheritdoc />
    public long? DimensionsPerExample => (long)Settings.Channels * Settings.Height * Settings.Width;

    /// <summary>The decoder's output with z = μ: logits (Bernoulli), or means then log-scales along the channels (logistic).</summary>
    public override Tensor forward(Tensor images) => Decode(Encode(images).Mean);

    /// <inheritdoc />
    public DiagonalGaussian Encode(Tensor images)
    {
        CheckImages(images);
        var h = encoder.forward(InWeightType(images)).flatten(1);
        return new DiagonalGaussian(toMean.forward(h), toLogVariance.forward(h));
    }

    /// <summary>
    /// The decoder's output for z: pixel logits [batch, channels, height, width] (Bernoulli), or [batch, 2 × channels,
    /// height, width] holding the logistics' means (on [−1, 1]) then their log-scales (logistic).
    /// </summary>
    public Tensor Decode(Tensor z)
    {
        var h = F.relu(fromLatent.forward(z)).view(z.shape[0], featureShape[0], featureShape[1], featureShape[2]);
        return decoder.forward(h);
    }

    /// <inheritdoc />
    public Reconstruction Reconstruct(Tensor images, Tensor z, ReconstructionSettings settings)
    {
        CheckImages(images);
        var output = Decode(z);
        images = InWeightType(images);
        if (Settings.Likelihood == ConvVaeOptions.Logistic)
        {
            var (mean, logScale) = Split(output);
            return new Reconstruction(DiscretizedLogistic.LogProbability(images, mean, logScale).flatten(1).sum(1).neg(), null, null);
        }
        var nll = F.binary_cross_entropy_with_logits(output, images, reduction: nn.Reduction.None).flatten(1).sum(1);
        return new Reconstruction(nll, null, null);
    }

    /// <summary>
    /// Pixel values in [0, 1]. Bernoulli: the probabilities (temperature 0), or a Bernoulli draw of them. Logistic: the
    /// logistics' centres on the 256 levels (temperature 0, the mode), or draws with their scales multiplied by the
    /// temperature.
    /// </summary>
    public Tensor Generate(Tensor z, GenerationSettings settings)
    {
        var output = Decode(z);
        if (Settings.Likelihood == ConvVaeOptions.Logistic)
        {
            var (mean, logScale) = Split(output);
            if (settings.Uniform is { } noise)
                return DiscretizedLogistic.Sample(mean, logScale, noise,
                    settings.Temperatures ?? throw new ArgumentException("per-row noise needs per-row temperatures."));
            using var temperature = settings.Temperature.ToScalar(); // held, not temporary: see Scalars
            var uniform = rand(mean.shape, dtype: mean.dtype, device: mean.device, generator: settings.Generator);
            return DiscretizedLogistic.Sample(mean, logScale, uniform, full(mean.shape[0], temperature, dtype: mean.dtype, device: mean.device));
        }
        var probabilities = sigmoid(output);
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

    /// <summary>The logistic decoder's output split into means and log-scales, each [batch, channels, height, width].</summary>
    private (Tensor Mean, Tensor LogScale) Split(Tensor output)
    {
        var parts = output.split(Settings.Channels, 1);
        return (parts[0], parts[1]);
    }

    /// <summary>Images in the weights' type: float32 data meets bfloat16 weights when the model serves in bfloat16.</summary>
    private Tensor InWeightType(Tensor images) => images.dtype == toMean.weight!.dtype ? images : images.to(toMean.weight!.dtype);

    private void CheckImages(Tensor images)
    {
        var s = Settings;
        if (images.dim() != 4 || images.shape[1] != s.Channels || images.shape[2] != s.Height || images.shape[3] != s.Width)
            throw new ArgumentException(
                $"expected images of shape [batch, {s.Channels}, {s.Height}, {s.Width}]; got [{string.Join(", ", images.shape)}].");
    }
}
