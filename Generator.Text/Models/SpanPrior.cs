using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VaeCreative.Text.Models;

/// <summary>
/// The learned prior of a <see cref="SpanLatentVae"/> (<see cref="SentenceVaeOptions.PriorHidden"/>): each span's code
/// has the prior p(z_s | decoder state before the span, the token before it), from a small network of one tanh layer,
/// trained with the model through its KL (Chung et al. 2015's recurrent VAE prior). The prior is one diagonal Gaussian
/// or a mixture of <see cref="Components"/> (<see cref="SentenceVaeOptions.PriorComponents"/>). Its mean and variance
/// layers start at zero, so a one-Gaussian prior starts as N(0, I); a mixture's means start spread around 0, so its
/// components can tell themselves apart.
/// </summary>
/// <remarks>
/// Why: the codes carry the words, so N(0, I) draws for each span on its own decode to words that never met (word
/// salad). Conditioned on what the decoder has read and written so far, a span's prior puts its mass on the codes of
/// words that can follow, and the KL teaches the encoder to place codes where the prior can predict them. One Gaussian
/// must cover every word that can follow with one blob, and its draws fall between words; a mixture can put one
/// component on each. Two priors were not enough before this one: one fitted after training, with the codes fixed, and
/// one over the earlier codes alone (see the text model card).
/// </remarks>
internal sealed class SpanPrior : nn.Module
{
    /// <summary>log σ² of a span's prior is kept within these bounds (σ from 0.0025 to 20), so exp and division stay finite.</summary>
    private const double MinLogVariance = -12, MaxLogVariance = 6;

    /// <summary>Standard deviation of a mixture's initial component means around 0 (one Gaussian starts at 0).</summary>
    private const double InitialMeanSpread = 1.0;

    private readonly Linear layer;
    private readonly Linear toMean;
    private readonly Linear toLogVariance;
    private readonly Linear? toLogits;
    private readonly int latent;

    /// <summary>
    /// A prior for codes of <paramref name="latent"/> numbers read from a decoder state of <paramref name="state"/> units
    /// and a token embedding of <paramref name="embedding"/>, as a mixture of <paramref name="components"/> Gaussians.
    /// </summary>
    public SpanPrior(int state, int embedding, int hidden, int latent, int components = 1) : base(nameof(SpanPrior))
    {
        this.latent = latent;
        Components = components;
        layer = nn.Linear(state + embedding, hidden);
        toMean = nn.Linear(hidden, components * latent);
        toLogVariance = nn.Linear(hidden, components * latent);
        if (components > 1) toLogits = nn.Linear(hidden, components);
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var head in new[] { toMean, toLogVariance, toLogits })
        {
            if (head is null) continue;
            head.weight!.zero_();
            head.bias!.zero_();
        }
    }

    /// <summary>
    /// The temperature a prior sample's codes are drawn at (<see cref="SpanPriorMixture.Draw"/>) for rows sampled at
    /// <paramref name="temperatures"/> [rows]: the same, but never below <see cref="MinCodeTemperature"/>.
    /// </summary>
    /// <remarks>
    /// Why a floor: at 0 every row would take the likeliest component's mean at every step and decode the same line, so
    /// eight samples at temperature 0 would be one line eight times. At the floor the codes still differ while the
    /// tokens are argmax.
    /// </remarks>
    public static Tensor CodeTemperature(Tensor temperatures)
    {
        using var floor = MinCodeTemperature.ToScalar();
        return temperatures.clamp_min(floor);
    }

    /// <summary>Coolest draw of a prior sample's codes: 0.25, the coolest the pilot measured (bench/results/text-prior-pilots.json).</summary>
    public const double MinCodeTemperature = 0.25;

    /// <summary>
    /// Codes a prior sample follows per row by default (<see cref="PriorParticleDecoder"/>): 32, where the measured gain
    /// (bench/results/text-prior-particles.json) costs about 1.3 s more for eight samples on this machine's 2 cores;
    /// 64 reads better still at twice the cost.
    /// </summary>
    public const int SampleParticles = 32;

    /// <summary>Most codes a prior sample may follow per row (the memory of a step grows with rows × particles × vocabulary).</summary>
    public const int MaxSampleParticles = 256;

    /// <summary>The environment variable that replaces <see cref="SampleParticles"/> (for measurements: 1 is the sampler without particles).</summary>
    public const string SampleParticlesVariable = "VAECREATIVE_PRIOR_PARTICLES";

    /// <summary>
    /// <see cref="SampleParticles"/>, or the whole number 1–<see cref="MaxSampleParticles"/> in
    /// <see cref="SampleParticlesVariable"/> when it is set; <see cref="ArgumentException"/> for anything else there.
    /// </summary>
    public static int SampleParticlesFromEnvironment() => ParseSampleParticles(Environment.GetEnvironmentVariable(SampleParticlesVariable));

    /// <summary><see cref="SampleParticlesFromEnvironment"/> for the variable's value <paramref name="text"/> (null or empty: unset).</summary>
    internal static int ParseSampleParticles(string? text)
    {
        if (string.IsNullOrEmpty(text)) return SampleParticles;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var particles) || particles is < 1 or > MaxSampleParticles)
            throw new ArgumentException($"{SampleParticlesVariable} must be a whole number from 1 to {MaxSampleParticles}; got '{text}'.");
        return particles;
    }

    /// <summary>Gaussians in each span's prior (1: one Gaussian).</summary>
    public int Components { get; }

    /// <summary>The dense layer before the heads, for the model's seeded initialisation.</summary>
    public Linear Layer => layer;

    /// <summary>
    /// Spreads a mixture's component means around 0 (N(0, <see cref="InitialMeanSpread"/>²) for each, drawn from
    /// <paramref name="generator"/>, or torch's global RNG when null); a one-Gaussian prior stays at N(0, I). Identical
    /// components would get identical gradients and never part.
    /// </summary>
    public void SpreadComponents(Generator? generator)
    {
        if (Components == 1) return;
        using var noGrad = no_grad();
        toMean.bias!.normal_(0, InitialMeanSpread, generator);
    }

    /// <summary>The prior of the codes read next, from the decoder's state before the step [..., state] and the step's embedded input token [..., embedding].</summary>
    public SpanPriorMixture Of(Tensor stateBefore, Tensor embeddedInput)
    {
        var features = tanh(layer.call(cat([stateBefore, embeddedInput], -1)));
        long[] shape = [.. features.shape[..^1], Components, latent];
        var mean = toMean.call(features).view(shape);
        var logVariance = toLogVariance.call(features).clamp(MinLogVariance, MaxLogVariance).view(shape);
        var logWeights = toLogits is null
            ? zeros([.. features.shape[..^1], 1], dtype: features.dtype, device: features.device)
            : toLogits.call(features).log_softmax(-1);
        return new SpanPriorMixture(logWeights, mean, logVariance);
    }
}
