using VaeCreative.Core.Validation;
using VaeCreative.Core.Variation;

namespace VaeCreative.Core.Evaluation;

/// <summary>Settings of a <see cref="VariationEvaluation"/>.</summary>
public sealed record VariationEvaluationOptions
{
    /// <summary>The variation settings measured (count, similarity, temperature, rng). Default: the request defaults, with the modality's temperature.</summary>
    public required VaryOptions Variation { get; init; }

    /// <summary>
    /// Similarities at which the curve of similarity-to-seed is also measured (each with <see cref="Variation"/>'s
    /// other settings). Default none. Each in [0, 1].
    /// </summary>
    public IReadOnlyList<double> Curve { get; init; } = [];

    /// <summary>Checks the settings; throws <see cref="ArgumentOutOfRangeException"/>.</summary>
    public VariationEvaluationOptions Validate()
    {
        Variation.Validate();
        foreach (var s in Curve) Preconditions.InRange(s, 0, 1, "curve similarity");
        return this;
    }
}
