using static TorchSharp.torch;

namespace VaeCreative.Core.Models;

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
