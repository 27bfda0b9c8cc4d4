using VaeCreative.Core.Serving;

namespace VaeCreative.Core.Variation;

/// <summary>Settings of a prior-sample request.</summary>
public sealed record SampleOptions
{
    /// <summary>Number of samples. Default 8. Range 1–<see cref="GenerationLimits.MaxCount"/>.</summary>
    public int Count { get; init; } = GenerationLimits.DefaultCount;

    /// <summary>Decoding temperature; 0 is argmax. Default 0.5. Range 0–10.</summary>
    public double Temperature { get; init; } = GenerationLimits.DefaultTemperature;

    /// <summary>Nucleus mass. Default 1 (off). Range (0, 1].</summary>
    public double TopP { get; init; } = GenerationLimits.DefaultTopP;

    /// <summary>Random seed. Default 0.</summary>
    public long Rng { get; init; }

    /// <summary>Inference precision. Default float32.</summary>
    public InferencePrecision Precision { get; init; }

    /// <summary>Modality-specific settings of the outputs (e.g. a melody's <c>tempoQpm</c>); the modality checks them.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a setting is out of range.</summary>
    public SampleOptions Validate()
    {
        GenerationLimits.CheckCount(Count);
        GenerationLimits.CheckTemperature(Temperature);
        GenerationLimits.CheckTopP(TopP);
        return this;
    }

    /// <summary>
    /// <see cref="Validate"/>, and an <see cref="ArgumentException"/> when properties are given to a modality whose samples
    /// take none (<paramref name="modality"/> names it in the message).
    /// </summary>
    public SampleOptions ValidateWithoutProperties(string modality)
    {
        Validate();
        if (Properties.Count > 0)
            throw new ArgumentException($"{modality} samples take no properties; got '{Properties.Keys.First()}'.");
        return this;
    }
}
