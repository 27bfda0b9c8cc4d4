using System.Globalization;

namespace VaeCreative.Core.Objectives;

/// <summary>
/// The weight β on the KL term as a function of the training step.
/// Parse from text with <see cref="Parse"/>: <c>constant:B</c>, <c>linear:B:WARMUP</c>, <c>cyclical:B:PERIOD</c>.
/// </summary>
public abstract record KlSchedule
{
    /// <summary>β at <paramref name="step"/> (0-based).</summary>
    public abstract double Beta(long step);

    /// <summary>The schedule as text that <see cref="Parse"/> reads back.</summary>
    public abstract override string ToString();

    /// <summary>Reads a schedule: <c>constant:0.2</c>, <c>linear:0.2:2000</c> or <c>cyclical:0.2:4000</c>.</summary>
    public static KlSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        try
        {
            double Num(int i) => double.Parse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            long Steps(int i) => long.Parse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture);
            return parts[0].ToLowerInvariant() switch
            {
                "constant" when parts.Length == 2 => new ConstantKl(Num(1)),
                "linear" when parts.Length == 3 => new LinearWarmupKl(Num(1), Steps(2)),
                "cyclical" when parts.Length == 3 => new CyclicalKl(Num(1), Steps(2)),
                _ => throw new FormatException(),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or IndexOutOfRangeException)
        {
            throw new FormatException(
                $"'{text}' is not a β schedule; use constant:BETA, linear:BETA:WARMUP_STEPS or cyclical:BETA:PERIOD_STEPS.");
        }
    }
}
