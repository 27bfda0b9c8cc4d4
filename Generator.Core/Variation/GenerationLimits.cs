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
