using VaeCreative.Core.Serving;
using VaeCreative.Core.Validation;

namespace VaeCreative.Core.Variation;

/// <summary>Settings of a variation request.</summary>
public sealed record VaryOptions
{
    /// <summary>Number of variations. Default 8. Range 1–<see cref="GenerationLimits.MaxCount"/>.</summary>
    public int Count { get; init; } = GenerationLimits.DefaultCount;

    /// <summary>1 keeps the seed's latent mean, 0 draws from the prior. Default 0.75. Range 0–1.</summary>
    public double Similarity { get; init; } = GenerationLimits.DefaultSimilarity;

    /// <summary>Decoding temperature; 0 is argmax. Default 0.5. Range 0–10.</summary>
    public double Temperature { get; init; } = GenerationLimits.DefaultTemperature;

    /// <summary>Nucleus sampling: sample only from the most likely tokens holding this much probability. Default 1 (off). Range (0, 1].</summary>
    public double TopP { get; init; } = GenerationLimits.DefaultTopP;

    /// <summary>Random seed; the same seed gives the same variations. Default 0.</summary>
    public long Rng { get; init; }

    /// <summary>Inference precision. Default float32.</summary>
    public InferencePrecision Precision { get; init; }

    /// <summary>
    /// Attribute steering: name → strength, in multiples of the model's attribute vector (+1 moves every code by one
    /// whole vector towards the attribute's top quarter; −0.5 half a vector towards its bottom). Default none. Range
    /// ±<see cref="Attributes.AttributeDirections.MaxStrength"/>; the names are the model's (see its attributes.json).
    /// </summary>
    public IReadOnlyDictionary<string, double> Attributes { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a setting is out of range.</summary>
    public VaryOptions Validate()
    {
        GenerationLimits.CheckCount(Count);
        Preconditions.InRange(Similarity, 0, 1, "similarity");
        GenerationLimits.CheckTemperature(Temperature);
        GenerationLimits.CheckTopP(TopP);
        foreach (var (name, strength) in Attributes) Core.Attributes.AttributeDirections.CheckStrength(name, strength);
        return this;
    }
}
