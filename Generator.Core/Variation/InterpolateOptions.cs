using VaeCreative.Core.Serving;
using VaeCreative.Core.Validation;

namespace VaeCreative.Core.Variation;

/// <summary>Settings of an interpolation request.</summary>
public sealed record InterpolateOptions
{
    /// <summary>Points including both ends. Default 5. Range 2–<see cref="GenerationLimits.MaxCount"/>.</summary>
    public int Steps { get; init; } = GenerationLimits.DefaultSteps;

    /// <summary>Decoding temperature; 0 is argmax. Default 0. Range 0–10.</summary>
    public double Temperature { get; init; }

    /// <summary>Nucleus mass. Default 1 (off). Range (0, 1].</summary>
    public double TopP { get; init; } = GenerationLimits.DefaultTopP;

    /// <summary>Random seed. Default 0.</summary>
    public long Rng { get; init; }

    /// <summary>Inference precision. Default float32.</summary>
    public InferencePrecision Precision { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a setting is out of range.</summary>
    public InterpolateOptions Validate()
    {
        Preconditions.InRange(Steps, GenerationLimits.MinSteps, GenerationLimits.MaxCount, "steps");
        GenerationLimits.CheckTemperature(Temperature);
        GenerationLimits.CheckTopP(TopP);
        return this;
    }
}
