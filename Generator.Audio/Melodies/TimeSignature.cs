namespace VaeCreative.Audio.Melodies;

/// <summary>A metre such as 4/4 or 6/8.</summary>
/// <param name="Numerator">Beats per bar.</param>
/// <param name="Denominator">Beat unit (a power of two).</param>
public readonly record struct TimeSignature(int Numerator, int Denominator)
{
    /// <summary>Common time.</summary>
    public static TimeSignature Common { get; } = new(4, 4);

    /// <summary>
    /// Length of one bar on the sixteenth-note grid: 16 for 4/4, 12 for 3/4 and 6/8, 7 for 7/16. A bar the grid
    /// cannot hold exactly (13/32) is rounded to the nearest step, and is at least one step.
    /// </summary>
    public int StepsPerBar => Math.Max(1, (int)Math.Round(Numerator * 4.0 * MelodyEncoding.StepsPerQuarter / Math.Max(1, Denominator), MidpointRounding.AwayFromZero));

    /// <inheritdoc />
    public override string ToString() => $"{Numerator}/{Denominator}";
}
