using VaeCreative.Core.Validation;

namespace VaeCreative.Core.Evaluation;

/// <summary>
/// Settings of <see cref="LatentEvaluation.Run"/>. The defaults give the figures of a model card (Burda et al. 2016 and
/// He et al. 2019 report importance-weighted NLL with 500 samples); every value has its range here and nowhere else.
/// </summary>
public sealed record LatentEvaluationOptions
{
    /// <summary>Default of <see cref="ImportanceSamples"/>.</summary>
    public const int DefaultImportanceSamples = 500;

    /// <summary>Largest <see cref="ImportanceSamples"/>.</summary>
    public const int MaxImportanceSamples = 10_000;

    /// <summary>Samples z ~ q(z|x) per example for the importance-weighted NLL. Default 500. Range 1–10,000.</summary>
    public int ImportanceSamples { get; init; } = DefaultImportanceSamples;

    /// <summary>Examples read and encoded together. Default 32. Range 1–4096.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Most (example, sample) rows the decoder scores in one pass. Peak memory grows with it (for a token decoder, the
    /// logits are rows × steps × vocabulary floats). Passes hold the samples of whole examples when
    /// <see cref="ImportanceSamples"/> fits, else part of one example's. Default 256: on two cores the melody model
    /// takes 25.5 s per 100 examples at K = 500 with 256 rows per pass and 27.9 s with 1024 (larger passes fall out of
    /// cache; see LatentEvaluationTests.Timing_on_the_bundled_melody_model). Range 1–1,048,576.
    /// </summary>
    public int RowsPerPass { get; init; } = 256;

    /// <summary>Evaluate only the first this many examples of the data (in order); null evaluates all. Range ≥ 1.</summary>
    public int? MaxExamples { get; init; }

    /// <summary>Seed of the z samples. Default 0. Example i's samples depend only on the seed and i, so results do not
    /// change with <see cref="BatchSize"/>, <see cref="RowsPerPass"/> or the process.</summary>
    public long Seed { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    public LatentEvaluationOptions Validate()
    {
        Preconditions.InRange(ImportanceSamples, 1, MaxImportanceSamples);
        Preconditions.InRange(BatchSize, 1, 4096);
        Preconditions.InRange(RowsPerPass, 1, 1 << 20);
        if (MaxExamples is { } max) Preconditions.Positive(max);
        return this;
    }
}
