using VaeCreative.Core.Serving;
using VaeCreative.Core.Validation;

namespace VaeCreative.Core.Variation;

/// <summary>
/// The one place for the defaults and ranges of generation settings, whatever the modality. The CLI, the host and
/// the client contracts take their defaults from here; a host may set a lower per-request count limit of its own.
/// </summary>
public static class GenerationLimits
{
    /// <summary>Most outputs (variations, samples or interpolation points) one request may ask for.</summary>
    public const int MaxCount = 1024;

    /// <summary>Default number of variations or samples.</summary>
    public const int DefaultCount = 8;

    /// <summary>Default similarity of variations to their seed.</summary>
    public const double DefaultSimilarity = 0.75;

    /// <summary>Default temperature of variations and samples (interpolations default to 0: the path itself).</summary>
    public const double DefaultTemperature = 0.5;

    /// <summary>Highest decoding temperature.</summary>
    public const double MaxTemperature = 10;

    /// <summary>Default points of an interpolation, both ends included.</summary>
    public const int DefaultSteps = 5;

    /// <summary>Fewest points of an interpolation (its two ends).</summary>
    public const int MinSteps = 2;

    /// <summary>Default nucleus (top-p) mass: 1 samples from the whole distribution.</summary>
    public const double DefaultTopP = 1.0;

    internal static void CheckCount(int count, string name = "count") => Preconditions.InRange(count, 1, MaxCount, name);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <c>temperature</c> when it is outside 0–<see cref="MaxTemperature"/>.</summary>
    public static void CheckTemperature(double temperature) => Preconditions.InRange(temperature, 0, MaxTemperature, "temperature");

    internal static void CheckTopP(double topP)
    {
        if (!(topP > 0 && topP <= 1)) throw new ArgumentOutOfRangeException("topP", topP, $"topP must be above 0 and at most 1; got {topP}.");
    }
}

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
