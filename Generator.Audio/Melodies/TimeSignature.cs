namespace VaeCreative.Audio.Melodies;

/// <summary>A metre such as 4/4 or 6/8.</summary>
/// <param name="Numerator">Beats per bar.</param>
/// <param name="Denominator">Beat unit (a power of two).</param>
public readonly record struct TimeSignature(int Numerator, int Denominator)
{
    /// <summary>Common time.</summary>
    public static TimeSignature Common { get; } = new(4, 4);

    /// <inheritdoc />
    public override string ToString() => $"{Numerator}/{Denominator}";
}
