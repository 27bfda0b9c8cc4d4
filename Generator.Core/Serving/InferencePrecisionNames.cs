namespace VaeCreative.Core.Serving;

/// <summary>
/// The names an <see cref="InferencePrecision"/> goes by on the command line, in the host's model list and in eval's
/// JSON: <c>fp32</c> and <c>bf16</c>. One place, so that every surface spells them alike.
/// </summary>
public static class InferencePrecisionNames
{
    /// <summary>The name of <see cref="InferencePrecision.Float32"/>.</summary>
    public const string Float32 = "fp32";

    /// <summary>The name of <see cref="InferencePrecision.BFloat16"/>.</summary>
    public const string BFloat16 = "bf16";

    /// <summary>Every name, in the order help texts list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Float32, BFloat16];

    /// <summary>The name of <paramref name="precision"/>.</summary>
    public static string NameOf(InferencePrecision precision) => precision switch
    {
        InferencePrecision.Float32 => Float32,
        InferencePrecision.BFloat16 => BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision"),
    };

    /// <summary>The precision named <paramref name="name"/>; <see cref="ArgumentException"/> for any other name.</summary>
    public static InferencePrecision Parse(string name) => name switch
    {
        Float32 => InferencePrecision.Float32,
        BFloat16 => InferencePrecision.BFloat16,
        _ => throw new ArgumentException($"unknown precision '{name}' (use {Float32} or {BFloat16}).", nameof(name)),
    };
}
