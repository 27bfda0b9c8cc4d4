using TorchSharp;
using VaeCreative.Core.Posteriors;
using static TorchSharp.torch;

namespace VaeCreative.Core.Models;

/// <summary>
/// What the trainer and the variation engine need from a VAE, whatever the modality:
/// encode a batch to a posterior, score a reconstruction, and generate from latent codes.
/// </summary>
public interface IVaeModel : IDisposable
{
    /// <summary>The model kind written to manifests, e.g. <c>sequence-vae</c>.</summary>
    string Kind { get; }

    /// <summary>Size of z.</summary>
    int LatentSize { get; }

    /// <summary>
    /// Whether outputs depend on z. A model that ignores it (a language-model baseline, whose posterior is the prior)
    /// has no latent space: it can sample, but a seed cannot be varied or interpolated, and its importance-weighted NLL
    /// is exact with one sample.
    /// </summary>
    bool UsesLatent => true;

    /// <summary>The underlying TorchSharp module (parameters, train/eval, save/load).</summary>
    nn.Module Module { get; }

    /// <summary>The hyper-parameters as a JSON-serialisable object for the manifest.</summary>
    object Options { get; }

    /// <summary>q(z|x) for a batch of inputs.</summary>
    DiagonalGaussian Encode(Tensor input);

    /// <summary>
    /// Per-example reconstruction NLL in nats (shape [batch]) of <paramref name="input"/> given
    /// <paramref name="z"/>, plus per-element accuracy counts where the modality has discrete outputs.
    /// </summary>
    Reconstruction Reconstruct(Tensor input, Tensor z, ReconstructionSettings settings);

    /// <summary>Generates one output per row of <paramref name="z"/> (token ids, pixels, …).</summary>
    Tensor Generate(Tensor z, GenerationSettings settings);

    /// <summary>
    /// Shape of the uniform noise one row of <see cref="Generate"/> consumes when the caller supplies it
    /// (<see cref="GenerationSettings.Uniform"/>): [steps] for a token decoder (one uniform per step, see
    /// <see cref="TokenSampler"/>), [channels, height, width] for a pixel decoder.
    /// </summary>
    long[] RowNoiseShape { get; }

    /// <summary>
    /// The noise shape of one row of <see cref="Generate"/> for <paramref name="codes"/> [rows, ..]: <see cref="RowNoiseShape"/>
    /// unless the output's size follows the code's (a spatial image latent, whose output is as large as the latent allows).
    /// </summary>
    long[] RowNoiseShapeOf(Tensor codes) => RowNoiseShape;

    /// <summary>
    /// The shape of one example's code: [<see cref="LatentSize"/>] for a vector latent; [channels, height, width] for a
    /// spatial one, whose codes keep that shape through encoding, variation and decoding (and whose height and width follow
    /// the input's: this is the shape of a prior sample).
    /// </summary>
    long[] LatentShape => [LatentSize];

    /// <summary>
    /// Values one example holds, when every example holds the same number (an image's channels × height × width): what
    /// bits per dimension divide by. Null for sequences of varying length.
    /// </summary>
    long? DimensionsPerExample => null;

    /// <summary>
    /// The elements of <paramref name="input"/> the decoder predicts, as a bool tensor of its shape, for scoring a
    /// decode against its input (sampled accuracy); null when it predicts every element. A text model leaves out the
    /// BOS it is given and the padding after EOS.
    /// </summary>
    Tensor? PredictedElements(Tensor input) => null;

    /// <summary>Where the variation engine draws this model's variations (default: slerp toward a prior draw).</summary>
    Variation.VariationNeighbourhood Neighbourhood => Variation.VariationNeighbourhood.PriorSlerp;

    /// <summary>The model's learned prior, or null for N(0, I) (the default).</summary>
    ILearnedPrior? Prior => null;

    /// <summary>KL(q(z|x) ‖ p(z)) per example, shape [batch], under <see cref="Prior"/> (N(0, I) when there is none).</summary>
    Tensor Kl(Tensor input, DiagonalGaussian posterior, Tensor z) =>
        Prior is { } prior ? prior.Kl(input, posterior, z) : posterior.KlToStandardNormal();
}

/// <summary>Reconstruction terms for a batch.</summary>
/// <param name="Nll">Per-example negative log-likelihood in nats, shape [batch].</param>
/// <param name="Correct">Number of correctly predicted elements (teacher forced), or null for continuous outputs.</param>
/// <param name="Total">Number of predicted elements, or null for continuous outputs.</param>
public sealed record Reconstruction(Tensor Nll, long? Correct, long? Total);

/// <summary>Training-time options for <see cref="IVaeModel.Reconstruct"/>.</summary>
/// <param name="ScheduledSamplingRate">Probability of feeding the model's own sample instead of the true previous element (0 = pure teacher forcing).</param>
/// <param name="Generator">Random source for scheduled sampling.</param>
public sealed record ReconstructionSettings(double ScheduledSamplingRate = 0.0, Generator? Generator = null)
{
    /// <summary>Pure teacher forcing.</summary>
    public static ReconstructionSettings TeacherForced { get; } = new();
}

/// <summary>Decoding options.</summary>
/// <param name="Temperature">0 decodes by argmax; otherwise softmax(logits / T) sampling.</param>
/// <param name="Generator">Random source for sampling.</param>
/// <param name="TopP">Nucleus mass for token decoders (1 = the whole distribution).</param>
public sealed record GenerationSettings(double Temperature = 0.0, Generator? Generator = null, double TopP = 1.0)
{
    /// <summary>
    /// Caller-supplied uniform noise in (0, 1), shape [rows, ..<see cref="IVaeModel.RowNoiseShapeOf"/>(codes)]. When set,
    /// <see cref="Generator"/> and <see cref="Temperature"/> are ignored: each row samples from its own noise with
    /// its own temperature (<see cref="Temperatures"/>), so a row's output does not depend on which other rows share
    /// the batch — what lets a server decode many requests together and still honour each request's rng.
    /// </summary>
    public Tensor? Uniform { get; init; }

    /// <summary>Per-row temperatures, shape [rows]; required with <see cref="Uniform"/>.</summary>
    public Tensor? Temperatures { get; init; }

    /// <summary>Per-row nucleus masses, shape [rows], with <see cref="Uniform"/>; null samples from the whole distribution.</summary>
    public Tensor? TopPs { get; init; }

    /// <summary>
    /// For each output row, the seed it was drawn around: a variation's seed row, or an interpolation's two ends side by
    /// side along the second dimension; null for prior samples. A model whose decoding depends on the seed's content
    /// reads it (text lets a row spell its seed's words); others ignore it.
    /// </summary>
    public Tensor? SeedRows { get; init; }

    /// <summary>
    /// Whether z holds N(0, I) noise for the model's <see cref="IVaeModel.Prior"/> instead of codes: a prior sample. A
    /// model with a learned prior draws each part of its code from the prior as it decodes (the part's prior can depend
    /// on what was decoded before it), as μ + σ ⊙ noise; without one, the noise is the code (N(0, I) is the prior).
    /// </summary>
    public bool PriorNoise { get; init; }

    /// <summary>Settings for row-wise noise.</summary>
    public static GenerationSettings PerRow(Tensor uniform, Tensor temperatures, Tensor? topPs = null, Tensor? seedRows = null) =>
        new() { Uniform = uniform, Temperatures = temperatures, TopPs = topPs, SeedRows = seedRows };
}
