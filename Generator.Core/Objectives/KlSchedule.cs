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

/// <summary>β fixed at <see cref="MaxBeta"/>.</summary>
public sealed record ConstantKl : KlSchedule
{
    /// <summary>Creates the schedule; β ≥ 0.</summary>
    public ConstantKl(double maxBeta)
    {
        if (!(maxBeta >= 0)) throw new ArgumentOutOfRangeException(nameof(maxBeta), "β must be zero or more.");
        MaxBeta = maxBeta;
    }

    /// <summary>The constant β.</summary>
    public double MaxBeta { get; }

    /// <inheritdoc />
    public override double Beta(long step) => MaxBeta;

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"constant:{MaxBeta}");
}

/// <summary>β rises linearly from 0 to <see cref="MaxBeta"/> over <see cref="WarmupSteps"/>, then stays.</summary>
public sealed record LinearWarmupKl : KlSchedule
{
    /// <summary>Creates the schedule; β ≥ 0, warm-up ≥ 1 step.</summary>
    public LinearWarmupKl(double maxBeta, long warmupSteps)
    {
        if (!(maxBeta >= 0)) throw new ArgumentOutOfRangeException(nameof(maxBeta), "β must be zero or more.");
        if (warmupSteps < 1) throw new ArgumentOutOfRangeException(nameof(warmupSteps), "warm-up must be at least one step.");
        MaxBeta = maxBeta;
        WarmupSteps = warmupSteps;
    }

    /// <summary>β after warm-up.</summary>
    public double MaxBeta { get; }

    /// <summary>Steps to reach <see cref="MaxBeta"/>.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc />
    public override double Beta(long step) => MaxBeta * Math.Min(1.0, (double)step / WarmupSteps);

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"linear:{MaxBeta}:{WarmupSteps}");
}

/// <summary>
/// Cyclical annealing (Fu et al., 2019): each period β ramps linearly from 0 to <see cref="MaxBeta"/>
/// over the first half, then holds for the second half.
/// </summary>
public sealed record CyclicalKl : KlSchedule
{
    /// <summary>Creates the schedule; β ≥ 0, period ≥ 2 steps.</summary>
    public CyclicalKl(double maxBeta, long periodSteps)
    {
        if (!(maxBeta >= 0)) throw new ArgumentOutOfRangeException(nameof(maxBeta), "β must be zero or more.");
        if (periodSteps < 2) throw new ArgumentOutOfRangeException(nameof(periodSteps), "period must be at least two steps.");
        MaxBeta = maxBeta;
        PeriodSteps = periodSteps;
    }

    /// <summary>β at the top of each cycle.</summary>
    public double MaxBeta { get; }

    /// <summary>Length of one cycle in steps.</summary>
    public long PeriodSteps { get; }

    /// <inheritdoc />
    public override double Beta(long step)
    {
        var phase = (double)(step % PeriodSteps) / PeriodSteps;
        return MaxBeta * Math.Min(1.0, phase * 2.0);
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"cyclical:{MaxBeta}:{PeriodSteps}");
}
